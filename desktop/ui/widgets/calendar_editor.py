"""Calendar overrides (extra days off, make-up working days) over services.calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import calendar
from desktop.ui.context import CALENDAR, UiContext
from desktop.ui.role_gate import gate


class CalendarEditor(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.year = QSpinBox(objectName="year")
        self.year.setRange(2020, 2100)
        self.year.setValue(clock.today().year)
        self.add_button = QPushButton(self.tr("Thêm ngày nghỉ / ngày làm bù…"), objectName="add")
        self.remove_button = QPushButton(self.tr("Bỏ điều chỉnh đã chọn"), objectName="remove")
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được sửa lịch làm việc."),
             self.add_button, self.remove_button)
        self.table = QTableWidget(0, 3, objectName="table")
        self.table.setHorizontalHeaderLabels([self.tr("Ngày"), self.tr("Loại"), self.tr("Ghi chú")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(1, 200)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Năm:")))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.add_button.clicked.connect(self.add_override)
        self.remove_button.clicked.connect(self.remove_selected)
        ctx.bus.changed.connect(lambda topics: self.reload() if CALENDAR in topics else None)
        self.reload()

    def reload(self) -> None:
        year = self.year.value()
        self.ctx.read(lambda s: calendar.year_view(s, year), self.show_year)

    def show_year(self, view: dict[str, Any]) -> None:
        rows = [(d["date"], self.tr("Nghỉ"), d["name"], False) for d in view["days_off"]]
        rows += [(d["date"], self.tr("Làm việc bù"), d["reason"], True) for d in view["extra_working_days"]]
        rows.sort()
        self.table.setRowCount(len(rows))
        for index, (day, kind, note, _working) in enumerate(rows):
            shown = date.fromisoformat(day)
            first = QTableWidgetItem(f"{shown:%d/%m/%Y}")
            first.setData(Qt.ItemDataRole.UserRole, day)
            self.table.setItem(index, 0, first)
            self.table.setItem(index, 1, QTableWidgetItem(kind))
            self.table.setItem(index, 2, QTableWidgetItem(note or ""))

    def add_override(self) -> None:
        from desktop.ui.dialogs.override_dialog import OverrideDialog

        dialog = OverrideDialog(self)
        if dialog.exec():
            self.save_override(dialog.day(), dialog.is_working(), dialog.reason())

    def save_override(self, day: date, working: bool, reason: str | None) -> None:
        self.ctx.write(lambda s: calendar.set_override(s, day, working=working, reason=reason) and None,
                       changed=(CALENDAR,))

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        day = date.fromisoformat(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        self.ctx.write(lambda s: calendar.remove_override(s, day), changed=(CALENDAR,))
