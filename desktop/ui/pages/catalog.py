"""Danh mục: the procedure catalogue, and import from an Excel/CSV file with bad rows listed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop.services import catalog
from desktop.services.catalog import ImportResult, ProcedureInfo
from desktop.ui.context import CATALOG, UiContext
from desktop.ui.role_gate import gate
from desktop.texts import LABELS
from desktop.ui import file_dialogs

HEADERS = (LABELS["procedure_code"], LABELS["procedure_title"], LABELS["field"], "Thời hạn", "Số thành phần",
           "Hiệu lực")
UNITS = {"working_days": "ngày LV", "working_hours": "giờ LV", "same_day": "trong ngày"}


class CatalogPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText(self.tr("Lọc theo tên thủ tục (không cần dấu)"))
        self.import_button = QPushButton(self.tr("Nhập danh mục từ tệp…"), objectName="import")
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được cập nhật danh mục thủ tục."), self.import_button)
        self.count = QLabel(objectName="count")
        self.table = QTableWidget(0, len(HEADERS), objectName="table")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 110), (2, 200), (3, 110), (4, 110), (5, 80)):
            self.table.setColumnWidth(column, width)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.import_button.clicked.connect(self.choose_file)
        ctx.bus.changed.connect(lambda topics: self.reload() if CATALOG in topics else None)
        self.reload()

    def focus_search(self) -> None:
        self.search.setFocus()

    def reload(self) -> None:
        text = self.search.text()
        self.ctx.read(lambda s: catalog.list_procedures(s, search=text or None), self.show_rows)

    def show_rows(self, rows: list[ProcedureInfo]) -> None:
        self.table.setRowCount(len(rows))
        for index, proc in enumerate(rows):
            duration = UNITS["same_day"] if proc.time_unit == "same_day" \
                else f"{proc.time_value:g} {UNITS.get(proc.time_unit, proc.time_unit)}"
            values = (proc.code, proc.name, proc.field, duration, str(len(proc.components)),
                      self.tr("Có") if proc.active else self.tr("Ngừng"))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(index, column, item)
        self.count.setText(self.tr("%1 thủ tục").replace("%1", str(len(rows))))

    def choose_file(self) -> None:
        path = file_dialogs.open_file(self, self.tr("Chọn tệp danh mục"), self.tr("Bảng tính (*.xlsx *.csv)"))
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        def done(result: ImportResult) -> None:
            from desktop.ui.dialogs.import_result_dialog import ImportResultDialog

            self.last_result = result
            ImportResultDialog(result, self).exec()

        def work(session: Session) -> ImportResult:
            return catalog.import_catalog(session, path)

        self.ctx.write(work, done)
