"""The working calendar of a year with each day's source, the desk's overrides, and the open dossiers
whose due date a calendar change would move (applied only when the officer presses the button)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QLabel, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from desktop.platform import clock
from desktop.services import calendar
from desktop.rules.workcalendar import SOURCE_LABELS
from desktop.ui.context import CALENDAR, DOSSIERS, SETTINGS, UiContext
from desktop.ui.role_gate import gate
from desktop.ui.widgets.tables import hbox, read_only_table
from desktop.texts import LABELS


class CalendarEditor(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.year = QSpinBox(objectName="year")
        self.year.setRange(2020, 2100)
        self.year.setValue(clock.today().year)
        self.add_button = QPushButton(self.tr("Thêm ngày nghỉ / ngày làm bù…"), objectName="add")
        self.remove_button = QPushButton(self.tr("Bỏ điều chỉnh đã chọn"), objectName="remove")
        self.toggle_button = QPushButton(self.tr("Đổi nghỉ ↔ làm việc"), objectName="toggle")
        self.toggle_button.setToolTip(self.tr("Chuyển ngày đã chọn (ví dụ ngày chưa chắc chắn 24/11) giữa nghỉ và làm việc."))
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được sửa lịch làm việc."),
             self.add_button, self.remove_button, self.toggle_button)
        self.table = read_only_table([self.tr(LABELS["date"]), self.tr(LABELS["kind"]), self.tr(LABELS["note"]),
                                      self.tr(LABELS["source"]), self.tr("Căn cứ")],
                                     name="table", widths=(95, 75, 360, 215), select_rows=True)
        layout = QVBoxLayout(self)
        layout.addLayout(hbox(QLabel(self.tr("Năm:")), self.year, 1, self.add_button, self.toggle_button,
                              self.remove_button))
        layout.addWidget(self.table, 3)
        self.pending_label = QLabel(objectName="pendingLabel")
        self.pending_label.setWordWrap(True)
        self.pending = QTableWidget(0, 4, objectName="pending")
        self.pending.setHorizontalHeaderLabels([self.tr(LABELS["dossier_code"]),
                                                self.tr(LABELS["applicant"]), self.tr("Hạn trả đang ghi"),
                                                self.tr("Hạn trả theo lịch mới")])
        self.pending.horizontalHeader().setStretchLastSection(True)
        self.pending.setColumnWidth(0, 230)
        self.pending.setColumnWidth(1, 200)
        self.pending.setColumnWidth(2, 150)
        self.pending.verticalHeader().setVisible(False)
        self.pending.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.apply_button = QPushButton(self.tr("Áp dụng hạn trả mới cho các hồ sơ này"), objectName="applyDue")
        self.apply_button.clicked.connect(self.apply_due_changes)
        layout.addWidget(self.pending_label)
        layout.addWidget(self.pending, 1)
        layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.add_button.clicked.connect(self.add_override)
        self.remove_button.clicked.connect(self.remove_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        ctx.bus.changed.connect(lambda topics: self.reload() if {CALENDAR, DOSSIERS, SETTINGS} & set(topics) else None)
        self.reload()

    def reload(self) -> None:
        year = self.year.value()
        self.ctx.read(lambda s: calendar.year_view(s, year), self.show_year)
        self.ctx.read(calendar.due_changes, self.show_due_changes)

    def show_year(self, view: dict[str, Any]) -> None:
        rows = sorted(view["days"], key=lambda d: d["date"])
        self.table.setRowCount(len(rows))
        for index, item in enumerate(rows):
            shown = date.fromisoformat(item["date"])
            first = QTableWidgetItem(f"{shown:%d/%m/%Y}")
            first.setData(Qt.ItemDataRole.UserRole, item["date"])
            first.setData(Qt.ItemDataRole.UserRole + 1, item["working"])
            kind = self.tr("Làm việc") if item["working"] else self.tr("Nghỉ")
            source = SOURCE_LABELS.get(item["source"], item["source"])
            if item["uncertain"]:
                source += self.tr(" — chưa chắc chắn")
            cells = [first, QTableWidgetItem(kind), QTableWidgetItem(item["name"] or ""), QTableWidgetItem(source),
                     QTableWidgetItem(item["basis"] or "")]
            for column, cell in enumerate(cells):
                tip = cell.text()
                if item["uncertain"]:
                    tip += "\n" + self.tr("Tình trạng pháp lý chưa chắc chắn: quản trị có thể chuyển đổi ngày này.")
                cell.setToolTip(tip)
                self.table.setItem(index, column, cell)

    def show_due_changes(self, changes: list[calendar.DueChange]) -> None:
        self.pending.setRowCount(len(changes))
        for index, change in enumerate(changes):
            old = f"{change.due_at:%H:%M %d/%m/%Y}" if change.due_at else "—"
            for column, text in enumerate((change.code, change.applicant_name, old,
                                           f"{change.new_due_at:%H:%M %d/%m/%Y}")):
                self.pending.setItem(index, column, QTableWidgetItem(text))
        if changes:
            self.pending_label.setText(self.tr("%1 hồ sơ đang giải quyết có hạn trả khác với lịch hiện tại. Hạn trả chỉ "
                                               "đổi khi bấm Áp dụng; nếu ngày hẹn với công dân đổi, in văn bản xin lỗi "
                                               "và đề nghị gia hạn.").replace("%1", str(len(changes))))
        else:
            self.pending_label.setText(self.tr("Không có hồ sơ nào phải đổi hạn trả theo lịch hiện tại."))
        self.pending.setVisible(bool(changes))
        self.apply_button.setVisible(bool(changes))

    def apply_due_changes(self) -> None:
        self.ctx.write(lambda s: calendar.apply_due_changes(s) and None)

    def add_override(self) -> None:
        from desktop.ui.dialogs.override_dialog import OverrideDialog

        dialog = OverrideDialog(self)
        if dialog.exec():
            self.save_override(dialog.day(), dialog.is_working(), dialog.reason())

    def save_override(self, day: date, working: bool, reason: str | None) -> None:
        self.ctx.write(lambda s: calendar.set_override(s, day, working=working, reason=reason) and None)

    def toggle_selected(self) -> None:
        """The desk's own decision on the selected day (e.g. 24/11 while its legal status is uncertain)."""
        row = self.table.currentRow()
        if row < 0:
            return
        first = self.table.item(row, 0)
        day = date.fromisoformat(first.data(Qt.ItemDataRole.UserRole))
        working = not bool(first.data(Qt.ItemDataRole.UserRole + 1))
        template = self.tr("%1 (làm việc theo quyết định của đơn vị)") if working else \
            self.tr("%1 (nghỉ theo quyết định của đơn vị)")
        reason = template.replace("%1", self.table.item(row, 2).text())
        self.save_override(day, working, reason)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        day = date.fromisoformat(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        self.ctx.write(lambda s: calendar.remove_override(s, day))
