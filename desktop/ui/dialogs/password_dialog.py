"""An admin sets a new password for an officer (this also lifts a log-in lock-out)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from desktop.ui.dialogs.base import Dialog


class PasswordDialog(Dialog):
    def __init__(self, username: str, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Đặt lại mật khẩu"))
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Tài khoản: %1 (%2)").replace("%1", full_name).replace("%2", username)))
        form.addRow(self.tr("Mật khẩu mới:"), self.password)
        form.addRow(self.tr("Nhập lại mật khẩu:"), self.password2)
        hint = QLabel(self.tr("Tài khoản đang bị tạm khóa sẽ được mở khóa. Hãy báo mật khẩu mới trực tiếp cho "
                              "cán bộ và đề nghị đổi sau khi đăng nhập."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.button_box(form)
        self.setMinimumWidth(420)

    def value(self) -> str | None:
        """The new password, or None when the two entries differ."""
        return self.password.text() if self.password.text() == self.password2.text() else None
