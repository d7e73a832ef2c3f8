"""Hồ sơ: filters + the lazy dossier table; Enter on a code (typed or scanned) opens that dossier."""

from __future__ import annotations

from array import array
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.formatting import number
from desktop.platform import clock
from desktop.errors import NotFound
from desktop.rules.lifecycle import STATUS_LABELS
from desktop.services import catalog, queries, resolvers
from desktop.services.dossiers import get_dossier
from desktop.services.queries import DossierFilter
from desktop.ui.context import CALENDAR, CATALOG, DOSSIERS, UiContext
from desktop.ui.models.dossier_table import DossierTableModel
from desktop.ui.widgets.period_range import date_box
from desktop.rules.validation import CHANNELS, MAX_SEARCH
from desktop.texts import LABELS

SEARCH_DELAY_MS = 250


class DossiersPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = DossierTableModel(ctx.read, self)
        self.opened: list[Any] = []  # detail dialogs kept alive
        self._generation = 0  # only the newest filter's ids are shown (typing outruns the reads)
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self._load_choices()
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    def _build(self) -> None:
        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText(self.tr("Tìm theo mã, tên, số định danh (không cần dấu); quét mã QR rồi Enter"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_SEARCH)  # the service refuses longer text; a paste is cut here instead
        self.status = QComboBox(objectName="status")
        self.status.addItem(self.tr("Mọi trạng thái"), None)
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status)
        self.field = QComboBox(objectName="field")
        self.field.addItem(self.tr("Mọi lĩnh vực"), None)
        self.scope = QComboBox(objectName="scope")  # issue #15: who received / who resolves
        for label, value in ((self.tr("Mọi hồ sơ"), None), (self.tr(LABELS["forwarded_in"]), "forwarded_in"),
                             (self.tr("Hồ sơ tiếp nhận hộ"), "on_behalf")):
            self.scope.addItem(label, value)
        self.channel = QComboBox(objectName="channel")
        self.channel.addItem(self.tr("Mọi hình thức"), None)
        for value, label in CHANNELS.items():
            self.channel.addItem(label, value)
        self.use_from = QCheckBox(self.tr(LABELS["date_from"]), objectName="use_from")
        self.date_from = date_box(clock.today(), "date_from")  # one Tab stop each
        self.use_to = QCheckBox(self.tr("đến"), objectName="use_to")
        self.date_to = date_box(clock.today(), "date_to")
        self.overdue = QCheckBox(self.tr(LABELS["overdue"]), objectName="overdue")
        self.due_soon = QCheckBox(self.tr(LABELS["due_soon"]), objectName="due_soon")
        self.count_label = QLabel(objectName="count")
        self.ledger_button = QPushButton(self.tr("Sổ theo dõi…"), objectName="ledger")
        self.open_button = QPushButton(self.tr("Xem chi tiết"), objectName="open")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.open_button)
        top.addWidget(self.ledger_button)
        filters = QHBoxLayout()
        for widget in (self.scope, self.status, self.field, self.channel, self.use_from, self.date_from, self.use_to,
                       self.date_to, self.overdue, self.due_soon):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.table = QTableView(objectName="table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((190, 170, 260, 115, 115, 125, 150)):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.search_entered)
        for combo in (self.scope, self.status, self.field, self.channel):
            combo.currentIndexChanged.connect(self.reload)
        for box in (self.use_from, self.use_to, self.overdue, self.due_soon):
            box.toggled.connect(self.reload)
        for edit, box in ((self.date_from, self.use_from), (self.date_to, self.use_to)):
            edit.dateChanged.connect(lambda _day, box=box: self._date_edited(box))
        self.table.activated.connect(self._open_index)
        # the results are one Tab from the search, then the filters as they are laid out, then the buttons
        chain = [self.search, self.table, self.scope, self.status, self.field, self.channel, self.use_from,
                 self.date_from, self.use_to, self.date_to, self.overdue, self.due_soon, self.open_button,
                 self.ledger_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.open_button.clicked.connect(self.open_selected)
        self.ledger_button.clicked.connect(self.open_ledger)

    def _load_choices(self) -> None:
        def fields(session: Session) -> list[str]:
            names: list[str] = []
            for proc in catalog.list_procedures(session):
                if proc.field not in names:
                    names.append(proc.field)
            return names

        def fill(names: list[str]) -> None:
            current = self.field.currentData()
            self.field.blockSignals(True)
            while self.field.count() > 1:
                self.field.removeItem(1)
            for name in names:
                self.field.addItem(name, name)
            index = self.field.findData(current)
            self.field.setCurrentIndex(max(0, index))
            self.field.blockSignals(False)

        self.ctx.read(fields, fill)

    # -- page protocol -----------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_changed(self, topics: object) -> None:
        if not isinstance(topics, frozenset):
            return
        if CATALOG in topics:
            self._load_choices()
        if DOSSIERS in topics or CALENDAR in topics:
            self.reload()

    # -- filtering ---------------------------------------------------------------------------
    def current_filter(self) -> DossierFilter:
        return DossierFilter(
            status=self.status.currentData(), search=self.search.text() or None,
            field_name=self.field.currentData(), channel=self.channel.currentData(),
            received_from=self.date_from.date().toPython() if self.use_from.isChecked() else None,
            received_to=self.date_to.date().toPython() if self.use_to.isChecked() else None,
            scope=self.scope.currentData(),
        )

    def _date_edited(self, box: QCheckBox) -> None:
        """Changing a date means filtering by it: tick its box (which reloads) instead of doing nothing."""
        if box.isChecked():
            self.reload()
        else:
            box.setChecked(True)

    def reload(self, *, focus_results: bool = False) -> None:
        """Run the search; ``focus_results``: move to the first row (Enter in the search box)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        overdue, due_soon = self.overdue.isChecked(), self.due_soon.isChecked()

        def work(session: Session) -> tuple[array[int], DossierFilter]:
            flt.unit_code = resolvers.local_code(session)
            if overdue:
                flt.overdue_at = clock.now()
            if due_soon:
                flt.due_before = queries.due_soon_limit(session)
            return queries.dossier_keys(session, flt), flt

        def show(result: tuple[array[int], DossierFilter]) -> None:
            if generation != self._generation:
                return
            ids, used = result
            self.model.set_ids(ids, used)
            searched = self.search.text().strip()
            if not ids and searched:
                self.count_label.setText(self.tr("Không tìm thấy hồ sơ nào khớp «%1»").replace("%1", searched))
            else:
                self.count_label.setText(self.tr("%1 hồ sơ").replace("%1", number(len(ids))))
            if focus_results and ids:
                self.table.setFocus()
                self.table.selectRow(0)

        self.ctx.read(work, show)

    def search_entered(self) -> None:
        """A scanned or typed code opens the dossier; anything else searches at once."""
        text = self.search.text().strip()
        if not text:
            self.reload()
            return

        def find(session: Session) -> str | None:
            try:
                return get_dossier(session, text).code
            except NotFound:
                return None

        def done(code: str | None) -> None:
            if code:
                self.open_code(code)
            else:
                self.reload(focus_results=True)

        self.ctx.read(find, done)

    # -- opening -----------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        code = self.model.code_at(index.row())
        if code:
            self.open_code(code)

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_index(index)

    def open_code(self, code: str) -> Any:
        from desktop.ui.dossier_detail import DossierDetailDialog

        dialog = DossierDetailDialog(self.ctx, code, self)
        dialog.finished.connect(lambda _r, d=dialog: self.opened.remove(d) if d in self.opened else None)
        self.opened.append(dialog)
        dialog.show()
        return dialog

    def open_ledger(self) -> None:
        from desktop.ui.dialogs.ledger_dialog import LedgerDialog

        LedgerDialog(self.ctx, self).exec()
