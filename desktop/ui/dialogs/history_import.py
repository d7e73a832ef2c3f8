"""Nhập sổ theo dõi cũ: the GUI of ``history import`` (admin only).

Four steps: the file and its sheet → the columns as recognised, each correctable (and the correction
saved for next time as the CLI's mapping file) → the preview (what would be imported, what is skipped as
a duplicate or refused, by sheet row, and every procedure name matched only approximately, to confirm one
by one) → the import, all or nothing, in the background with a progress bar. Nothing is written before
the last step; the rules are the service's (``desktop/history/ledger_import.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from desktop.history.columns import FIELD_LABELS, IGNORED, Mapping, load_mapping, save_mapping
from desktop.history.ledger_import import apply_import, plan_import
from desktop.history.plan import ImportPlan, Options
from desktop.history.reader import sheet_names
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.ui import file_dialogs, messages
from desktop.ui.context import UiContext
from desktop.texts import LABELS

FILE_FILTER = "Sổ theo dõi (*.xlsx *.xlsm *.csv);;Mọi tệp (*)"
MAPPING_FILTER = "Ánh xạ cột (*.json)"


class _Progress(QObject):
    changed = Signal(int, int)


def _cell(text: Any) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    return item


class HistoryImportWizard(QWizard):
    """The officer's path through one import; ``plan`` is the latest preview, ``result`` the import."""

    open_file: Callable[[QWidget, str, str], Path | None] = staticmethod(file_dialogs.open_file)
    save_file: Callable[[QWidget, str, str, str], Path | None] = staticmethod(file_dialogs.save_file)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("history_import")
        self.setWindowTitle(self.tr("Nhập sổ theo dõi hồ sơ đã có"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, self.tr("< Quay lại")),
                             (QWizard.WizardButton.NextButton, self.tr("Tiếp >")),
                             (QWizard.WizardButton.FinishButton, self.tr(LABELS["close"])),
                             (QWizard.WizardButton.CancelButton, self.tr(LABELS["cancel"]))):
            self.setButtonText(button, text)
        self.mapping = Mapping()
        self.plan: ImportPlan | None = None
        self.result: ImportPlan | None = None
        self.file_page = _FilePage(self)
        self.columns_page = _ColumnsPage(self)
        self.preview_page = _PreviewPage(self)
        self.done_page = _DonePage(self)
        for page in (self.file_page, self.columns_page, self.preview_page, self.done_page):
            self.addPage(page)
        self.resize(900, 600)

    # -- what the pages share ----------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        text = self.file_page.file_edit.text().strip()
        return Path(text) if text else None

    def options(self) -> Options:
        return Options(sheet=self.file_page.sheet.currentData(), mapping=self.mapping,
                       confirmed_names=self.preview_page.confirmed())

    def preview(self, done: Callable[[ImportPlan], None]) -> None:
        """Plan (read only) in the background; a bad file or mapping is shown, and the step stays."""
        path, options = self.path, self.options()

        def failed(exc: BaseException) -> None:
            messages.show_error(self, exc)

        def planned(plan: ImportPlan) -> None:
            self.plan = plan
            done(plan)

        self.ctx.read(lambda session: plan_import(session, path, options), planned, failed)


def _t(text: str) -> str:
    return QCoreApplication.translate("HistoryImportWizard", text)


STEPS = {  # the wizard's outline: each step's title and what it tells the officer
    "file": (_t("Bước 1/4 — Chọn tệp sổ theo dõi"),
             _t("Tệp Excel (.xlsx) hoặc CSV theo mẫu Sổ theo dõi hồ sơ, hoặc tệp «Xuất toàn bộ "
                "dữ liệu» của phần mềm. Chưa có gì được ghi cho đến bước cuối.")),
    "columns": (_t("Bước 2/4 — Kiểm tra các cột"),
                _t("Phần mềm nhận ra cột theo tiêu đề. Sửa cột nào nhận sai; có thể lưu ánh xạ để "
                   "dùng lần sau.")),
    "preview": (_t("Bước 3/4 — Xem trước"),
                _t("Chưa ghi gì. Đánh dấu các tên thủ tục gần giống nếu đúng, rồi «Xem lại»; "
                   "«Tiếp» sẽ nhập toàn bộ các dòng hợp lệ trong một lần.")),
    "done": (_t("Bước 4/4 — Nhập"), ""),
}


class _Step(QWizardPage):
    """One step of the import: its wizard (``w``), title and explanation (``STEPS``); ``_ready`` once its work
    is done."""

    def __init__(self, wizard: HistoryImportWizard, step: str) -> None:
        super().__init__()
        self.w = wizard
        self._ready = False
        title, subtitle = STEPS[step]
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)


class _FilePage(_Step):
    def __init__(self, wizard: HistoryImportWizard) -> None:
        super().__init__(wizard, "file")
        self.file_edit = QLineEdit(objectName="file")
        self.file_edit.setReadOnly(True)
        browse = QPushButton(self.tr("Chọn tệp…"), objectName="browse")
        browse.clicked.connect(self.choose)
        self.sheet = QComboBox(objectName="sheet")
        self.mapping_label = QLabel(self.tr("Ánh xạ cột: tự nhận ra từ tiêu đề."), objectName="mapping_label")
        load = QPushButton(self.tr("Dùng ánh xạ đã lưu…"), objectName="load_mapping")
        load.clicked.connect(self.load_mapping)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("Trang tính:")))
        layout.addWidget(self.sheet)
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(self.mapping_label, 1)
        mapping_row.addWidget(load)
        layout.addLayout(mapping_row)
        layout.addStretch(1)

    def choose(self) -> None:
        path = self.w.open_file(self, self.tr("Chọn tệp sổ theo dõi"), FILE_FILTER)
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        """Show the file and its sheets (a CSV has one); an unreadable file is said at once."""
        try:
            names = sheet_names(path)
        except Exception as exc:  # noqa: BLE001 — a UserError names the problem; anything else is shown too
            messages.show_error(self, exc)
            return
        self.file_edit.setText(str(path))
        self.sheet.clear()
        for name in names:
            self.sheet.addItem(name, name)
        self.completeChanged.emit()

    def load_mapping(self) -> None:
        path = self.w.open_file(self, self.tr("Chọn tệp ánh xạ cột"), MAPPING_FILTER)
        if path is None:
            return
        try:
            self.w.mapping = load_mapping(path)
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, exc)
            return
        self.mapping_label.setText(self.tr("Ánh xạ cột: %1").replace("%1", path.name))

    def isComplete(self) -> bool:  # noqa: N802 — Qt's name
        return self.w.path is not None


class _ColumnsPage(_Step):
    def __init__(self, wizard: HistoryImportWizard) -> None:
        super().__init__(wizard, "columns")
        self.header_label = QLabel(objectName="header_rows")
        self.table = QTableWidget(0, 3, objectName="columns")
        self.table.setHorizontalHeaderLabels([self.tr("Cột"), self.tr("Tiêu đề trong tệp"), self.tr("Là")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 380)
        save = QPushButton(self.tr("Lưu ánh xạ…"), objectName="save_mapping")
        save.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignRight)

    def initializePage(self) -> None:  # noqa: N802 — Qt's name
        self._ready = False
        self.completeChanged.emit()
        self.header_label.setText(self.tr("Đang đọc tệp…"))
        self.w.preview(self.show_plan)

    def show_plan(self, plan: ImportPlan) -> None:
        columns = plan.columns
        first, last = columns.header_rows
        self.header_label.setText(self.tr("Tiêu đề ở dòng %1–%2 của trang tính «%3».").replace("%1", str(first))
                                  .replace("%2", str(last)).replace("%3", plan.sheet))
        indexes = sorted(set(columns.headers) | set(columns.columns))
        self.table.setRowCount(len(indexes))
        for row, index in enumerate(indexes):
            self.table.setItem(row, 0, _cell(get_column_letter(index + 1)))
            self.table.setItem(row, 1, _cell(columns.headers.get(index, "")))
            choice = QComboBox(objectName=f"field_{get_column_letter(index + 1)}")
            choice.addItem(self.tr("(bỏ qua)"), IGNORED)
            for key, label in FIELD_LABELS.items():
                choice.addItem(label, key)
            choice.setCurrentIndex(max(0, choice.findData(columns.columns.get(index, IGNORED))))
            choice.setProperty("column", index)
            self.table.setCellWidget(row, 2, choice)
        self._ready = True
        self.completeChanged.emit()

    def chosen(self) -> Mapping:
        """The columns as the officer left them, with the header rows the plan found."""
        columns: dict[int, str] = {}
        for row in range(self.table.rowCount()):
            choice = self.table.cellWidget(row, 2)
            columns[int(choice.property("column"))] = str(choice.currentData())
        header = self.w.plan.columns.header_rows if self.w.plan else None
        return Mapping(columns=columns, procedures=dict(self.w.mapping.procedures), header_rows=header)

    def save(self) -> None:
        path = self.w.save_file(self, self.tr("Lưu ánh xạ cột"), "anh-xa-so-theo-doi.json", MAPPING_FILTER)
        if path is None:
            return
        try:
            save_mapping(path, self.chosen())
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, exc)

    def isComplete(self) -> bool:  # noqa: N802
        return self._ready

    def validatePage(self) -> bool:  # noqa: N802
        self.w.mapping = self.chosen()
        return True


class _PreviewPage(_Step):
    def __init__(self, wizard: HistoryImportWizard) -> None:
        super().__init__(wizard, "preview")
        self.summary = QLabel(objectName="summary", wordWrap=True)
        self.fuzzy = QListWidget(objectName="fuzzy")
        again = QPushButton(self.tr("Xem lại"), objectName="replan")
        again.clicked.connect(self.initializePage)
        self.problems = QTableWidget(0, 3, objectName="problems")
        self.problems.setHorizontalHeaderLabels([self.tr(LABELS["row"]), self.tr(LABELS["result"]),
                                                 self.tr(LABELS["reason"])])
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("Tên thủ tục gần giống (đánh dấu để chấp nhận):")))
        layout.addWidget(self.fuzzy, 1)
        layout.addWidget(again, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.problems, 2)

    def confirmed(self) -> frozenset[str]:
        return frozenset(str(self.fuzzy.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.fuzzy.count())
                         if self.fuzzy.item(i).checkState() == Qt.CheckState.Checked)

    def initializePage(self) -> None:  # noqa: N802
        self._ready = False
        self.completeChanged.emit()
        self.summary.setText(self.tr("Đang kiểm tra từng dòng…"))
        self.w.preview(self.show_plan)

    def show_plan(self, plan: ImportPlan) -> None:
        statuses = "; ".join(f"{STATUS_LABELS.get(Status(s), s)}: {n}" for s, n in sorted(plan.statuses().items()))
        self.summary.setText(self.tr("Sẽ nhập %1 hồ sơ (%2). Bỏ qua vì trùng: %3. Từ chối: %4.")
                             .replace("%1", str(len(plan.rows))).replace("%2", statuses or "—")
                             .replace("%3", str(len(plan.duplicates))).replace("%4", str(len(plan.refused))))
        kept = self.confirmed()
        self.fuzzy.clear()
        for key, match in plan.fuzzy.items():
            rows = ", ".join(map(str, match.rows[:8])) + ("…" if len(match.rows) > 8 else "")
            item = QListWidgetItem(self.tr("«%1» → %2 %3 (giống %4%, dòng %5)").replace("%1", match.name)
                                   .replace("%2", match.procedure_code).replace("%3", match.procedure_name)
                                   .replace("%4", str(round(match.score * 100))).replace("%5", rows))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if match.accepted or key in kept else Qt.CheckState.Unchecked)
            self.fuzzy.addItem(item)
        lines = [(row, self.tr("Bỏ qua (trùng)"), reason) for row, reason in plan.duplicates] + \
                [(row, self.tr(LABELS["refuse"]), reason) for row, reason in plan.refused]
        lines.sort()
        self.problems.setRowCount(len(lines))
        for r, values in enumerate(lines):
            for c, value in enumerate(values):
                self.problems.setItem(r, c, _cell(value))
        self._ready = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self._ready and self.w.plan is not None and bool(self.w.plan.rows)


class _DonePage(_Step):
    def __init__(self, wizard: HistoryImportWizard) -> None:
        super().__init__(wizard, "done")
        self.setFinalPage(True)
        self.progress = QProgressBar(objectName="progress")
        self.status = QLabel(objectName="status", wordWrap=True)
        self._progress = _Progress(self)
        self._progress.changed.connect(self._tick)
        self._finished = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _tick(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def initializePage(self) -> None:  # noqa: N802
        self._finished = False
        self.completeChanged.emit()
        self.status.setText(self.tr("Đang nhập… (một lần cho tất cả: lỗi ở đâu thì không ghi gì)"))
        self.progress.setRange(0, 0)
        db, officer, path, options = self.w.ctx.db, self.w.ctx.officer.username, self.w.path, self.w.options()
        emit = self._progress.changed.emit

        def job() -> ImportPlan:
            with db.transaction(officer=officer) as session:
                return apply_import(session, path, options, progress=lambda d, t: emit(d, t))

        self.w.ctx.tasks.write(job, self.done, self.failed)

    def done(self, plan: ImportPlan) -> None:
        self.w.result = plan
        self._tick(plan.imported, plan.imported)
        self.status.setText(self.tr("Đã nhập %1 hồ sơ từ %2. Bỏ qua vì trùng: %3; từ chối: %4. Các hồ sơ này được "
                                    "tính trong mọi báo cáo và sẽ đồng bộ lên tỉnh như hồ sơ khác.")
                            .replace("%1", str(plan.imported)).replace("%2", plan.source_file)
                            .replace("%3", str(len(plan.duplicates))).replace("%4", str(len(plan.refused))))
        self._finished = True
        self.completeChanged.emit()

    def failed(self, exc: BaseException) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(self.tr("Không nhập được; chưa ghi gì. %1").replace("%1", getattr(exc, "message", "")))
        self._finished = True
        self.completeChanged.emit()
        messages.show_error(self, exc)

    def isComplete(self) -> bool:  # noqa: N802
        return self._finished
