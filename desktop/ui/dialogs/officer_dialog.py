"""A new officer: username, full name, role, password twice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from desktop.services.officers import ROLES
from desktop.ui.dialogs.base import Dialog


class OfficerDialog(Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Thêm cán bộ"))
        self.username = QLineEdit(objectName="username")
        self.full_name = QLineEdit(objectName="full_name")
        self.role = QComboBox(objectName="role")
        for value, label in ROLES.items():
            self.role.addItem(label, value)
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("Tên đăng nhập:"), self.username)
        form.addRow(self.tr("Họ và tên:"), self.full_name)
        form.addRow(self.tr("Vai trò:"), self.role)
        form.addRow(self.tr("Mật khẩu:"), self.password)
        form.addRow(self.tr("Nhập lại mật khẩu:"), self.password2)
        self.button_box(form)
        self.setMinimumWidth(420)

    def values(self) -> dict[str, str] | None:
        if self.password.text() != self.password2.text():
            return None
        return {"username": self.username.text(), "full_name": self.full_name.text(),
                "password": self.password.text(), "role": self.role.currentData()}
