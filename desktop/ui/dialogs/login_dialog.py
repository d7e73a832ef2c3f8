"""Log-in: username and password checked by services.officers.login (argon2, lock-out)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.db.session import Database
from desktop.errors import UserError
from desktop.services import officers
from desktop.services.officers import OfficerInfo
from desktop.ui.dialogs.base import Dialog
from desktop.ui.tasks import wait_for


class LoginDialog(Dialog):
    def __init__(self, db: Database, unit_name: str = "", parent: QWidget | None = None, *,
                 hint: str | None = None) -> None:
        super().__init__("", parent, size=(440, 260))
        self.db = db
        self.officer: OfficerInfo | None = None
        self.setWindowTitle(self.tr("Đăng nhập — Một Cửa Offline"))
        layout = QVBoxLayout(self)
        if unit_name:
            unit = QLabel(unit_name, objectName="unit")
            bold = QFont(unit.font())
            bold.setBold(True)
            bold.setPointSize(bold.pointSize() + 2)
            unit.setFont(bold)
            layout.addWidget(unit)
        # A demo database says which accounts exist (desktop.demo.demo_login_hint); a real one says nothing.
        self.hint = QLabel(hint or "", objectName="hint")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setStyleSheet("color: #1f4e79")
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Tên đăng nhập:"), self.username)
        form.addRow(self.tr("Mật khẩu:"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.button_box(layout, ok_text=self.tr("Đăng nhập"), on_accept=self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_login)
        self.setMinimumWidth(420)

    def try_login(self) -> None:
        """Enter in the name field moves on to the password: an empty field is asked for, never tried
        (a try with no password would count toward the lock-out)."""
        for field, message in ((self.username, self.tr("Nhập tên đăng nhập.")),
                               (self.password, self.tr("Nhập mật khẩu."))):
            if not field.text().strip():
                self.error.setText(message if field is self.username or self.error.text() else "")
                field.setFocus()
                return
        db, username, password = self.db, self.username.text(), self.password.text()
        try:
            self.officer = wait_for(lambda: officers.login(db, username, password))
        except UserError as exc:
            self.error.setText(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
