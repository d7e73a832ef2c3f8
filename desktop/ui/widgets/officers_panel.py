"""Officers list; only an admin adds officers (services.officers does the checks)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop.errors import UserError
from desktop.services import officers
from desktop.services.officers import OfficerInfo
from desktop.ui import messages
from desktop.ui.context import OFFICERS, UiContext


class OfficersPanel(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.add_button = QPushButton(self.tr("Thêm cán bộ…"), objectName="add_officer")
        self.add_button.setEnabled(ctx.is_admin)
        note = QLabel(self.tr("Chỉ tài khoản quản trị được thêm cán bộ.") if not ctx.is_admin else "")
        self.table = QTableWidget(0, 3, objectName="officers")
        self.table.setHorizontalHeaderLabels([self.tr("Tên đăng nhập"), self.tr("Họ và tên"), self.tr("Vai trò")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 260)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add_officer)
        ctx.bus.changed.connect(lambda topics: self.reload() if OFFICERS in topics else None)
        self.reload()

    def reload(self) -> None:
        self.ctx.read(officers.list_officers, self.show_rows)

    def show_rows(self, rows: list[OfficerInfo]) -> None:
        self.table.setRowCount(len(rows))
        for index, info in enumerate(rows):
            for column, value in enumerate((info.username, info.full_name, info.role_label)):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def add_officer(self) -> None:
        from desktop.ui.dialogs.officer_dialog import OfficerDialog

        dialog = OfficerDialog(self)
        if not dialog.exec():
            return
        values = dialog.values()
        if values is None:
            messages.show_error(self, UserError(self.tr("Hai lần nhập mật khẩu không khớp."), field="password"))
            return
        self.ctx.write(lambda s: officers.create_officer(s, **values), changed=(OFFICERS,))
