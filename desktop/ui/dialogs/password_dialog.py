"""An admin sets a new password for an officer (this also lifts a log-in lock-out)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget


class PasswordDialog(QDialog):
    def __init__(self, username: str, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def value(self) -> str | None:
        """The new password, or None when the two entries differ."""
        return self.password.text() if self.password.text() == self.password2.text() else None
