"""Officers list with each account's state; an admin adds officers, resets a password (which lifts a
log-in lock-out) and stops or restarts an account. services.officers does the role checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import officers
from desktop.services.officers import OfficerAccount
from desktop.ui import messages
from desktop.ui.context import OFFICERS, UiContext
from desktop.ui.role_gate import gate
from desktop.ui.widgets.tables import hbox, read_only_table
from desktop.texts import LABELS


class OfficersPanel(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.accounts: list[OfficerAccount] = []
        self.add_button = QPushButton(self.tr("Thêm cán bộ…"), objectName="add_officer")
        self.reset_button = QPushButton(self.tr("Đặt lại mật khẩu…"), objectName="reset_password")
        self.active_button = QPushButton(self.tr(LABELS["inactive"]), objectName="toggle_active")
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được quản lý tài khoản cán bộ."),
             self.add_button, self.reset_button, self.active_button)
        note = QLabel(self.tr("Chỉ tài khoản quản trị được thêm cán bộ, đặt lại mật khẩu hoặc ngừng tài khoản.")
                      if not ctx.is_admin else "")
        self.table = read_only_table([self.tr(LABELS["username"]), self.tr("Họ và tên"), self.tr(LABELS["role"]),
                                      self.tr(LABELS["status"])],
                                     name="officers", widths=(160, 260, 110), select_rows=True, single=True)
        layout = QVBoxLayout(self)
        layout.addLayout(hbox((note, 1), self.add_button, self.reset_button, self.active_button))
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add_officer)
        self.reset_button.clicked.connect(self.reset_selected)
        self.active_button.clicked.connect(self.toggle_selected)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        ctx.bus.changed.connect(lambda topics: self.reload() if OFFICERS in topics else None)
        self.reload()

    def reload(self) -> None:
        self.ctx.read(officers.list_accounts, self.show_rows)

    def show_rows(self, rows: list[OfficerAccount]) -> None:
        self.accounts = rows
        self.table.setRowCount(len(rows))
        for index, account in enumerate(rows):
            info = account.info
            for column, value in enumerate((info.username, info.full_name, info.role_label, account.status)):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self._update_buttons()

    def selected(self) -> OfficerAccount | None:
        row = self.table.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def select(self, username: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.info.username == username:
                self.table.setCurrentCell(row, 0)

    def _update_buttons(self) -> None:
        account = self.selected()
        self.active_button.setText(self.tr("Cho hoạt động lại") if account and not account.active
                                   else self.tr(LABELS["inactive"]))
        for button in (self.reset_button, self.active_button):
            button.setEnabled(self.ctx.is_admin and account is not None)

    def _answer(self, dialog: QDialog, read: Callable[[], Any]) -> Any:
        """What the dialog gave, or None: cancelled, or the two password entries differ (said here)."""
        if not dialog.exec():
            return None
        value = read()
        if value is None:
            messages.show_error(self, UserError(self.tr("Hai lần nhập mật khẩu không khớp."), field="password"))
        return value

    def add_officer(self) -> None:
        from desktop.ui.dialogs.officer_dialog import OfficerDialog

        dialog = OfficerDialog(self)
        values = self._answer(dialog, dialog.values)
        if values is None:
            return
        self.ctx.write(lambda s: officers.create_officer(s, **values))

    def reset_selected(self) -> None:
        from desktop.ui.dialogs.password_dialog import PasswordDialog

        account = self.selected()
        if account is None:
            return
        dialog = PasswordDialog(account.info.username, account.info.full_name, self)
        password = self._answer(dialog, dialog.value)
        if password is None:
            return
        username = account.info.username
        self.ctx.write(lambda s: officers.reset_password(s, username, password),
                       on_done=lambda _: messages.inform(self, self.tr("Đã đặt lại mật khẩu"), self.tr(
                           "Đã đặt mật khẩu mới và mở khóa tài khoản %1.").replace("%1", username)))

    def toggle_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        username, active = account.info.username, not account.active
        if not active and not messages.confirm(self, self.tr("Ngừng tài khoản"), self.tr(
                "Ngừng tài khoản %1? Cán bộ này sẽ không đăng nhập được nữa; hồ sơ đã xử lý vẫn giữ nguyên.")
                .replace("%1", username)):
            return
        self.ctx.write(lambda s: officers.set_active(s, username, active))
