"""The idle lock: only the logged-in officer's password (or quitting) leaves it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.errors import UserError
from desktop.services import officers
from desktop.ui.context import UiContext
from desktop.ui.dialogs.base import Dialog
from desktop.ui.tasks import wait_for


class LockDialog(Dialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Đã khóa màn hình"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        message = QLabel(self.tr("Màn hình đã khóa do không thao tác. %1 nhập lại mật khẩu để tiếp tục.")
                         .replace("%1", ctx.officer.full_name))
        message.setWordWrap(True)
        layout.addWidget(message)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Mật khẩu:"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Mở khóa"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Thoát chương trình"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.unlock)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.returnPressed.connect(self.unlock)
        self.setMinimumWidth(400)

    def unlock(self) -> None:
        db, username, password = self.ctx.db, self.ctx.officer.username, self.password.text()
        try:
            wait_for(lambda: officers.login(db, username, password))
        except UserError as exc:
            self.error.setText(exc.message)
            self.password.clear()
            return
        self.accept()
