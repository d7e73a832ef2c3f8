"""Log-in: username and password checked by services.officers.login (argon2, lock-out).

At start-up the dialog shows before the database is open (issue #18): ``db`` is None until the start-up
hands it over with ``set_database``; a submit in between waits (the dialog says so and stays usable) and
goes on by itself once the database is ready. This module imports no SQLAlchemy for that reason, and
touches nothing of Qt's ``Qt`` namespace before the dialog is painted: its first use makes PySide6 build
the namespace's hundred enums, ~25 ms of a start whose goal is 1.5× a bare window. ``painted`` (once,
after the first paint) is when such work may run: the demo hint made selectable, the start-up's preparing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import (
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget,
)

from desktop.errors import UserError
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Dialog
from desktop.ui.tasks import wait_for

if TYPE_CHECKING:
    from desktop.db.session import Database
    from desktop.services.officers import OfficerInfo


class LoginDialog(Dialog):
    painted = Signal()  # once, after the first paint: the start-up's slower work waits for it

    def __init__(self, db: Database | None, unit_name: str = "", parent: QWidget | None = None, *,
                 hint: str | None = None) -> None:
        super().__init__("", parent, size=(440, 260))
        self.db = db
        self.officer: OfficerInfo | None = None
        self.waiting = False  # submitted before the database was ready: goes on in set_database
        self._painted = False
        self.painted.connect(self._selectable_hint)
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
        self.busy = QProgressBar(objectName="busy")  # while a submit waits for the database: alive, not stuck
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        layout.addWidget(self.busy)
        self.ok_button = self.button_box(layout, ok_text=self.tr("Đăng nhập"), on_accept=self.try_login).button(
            QDialogButtonBox.StandardButton.Ok)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_login)
        self.setMinimumWidth(420)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802  Qt API
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.painted.emit)  # after this paint reaches the screen

    def _selectable_hint(self) -> None:
        """The demo accounts can be selected and copied."""
        from PySide6.QtCore import Qt

        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def try_login(self) -> None:
        """Enter in the name field moves on to the password: an empty field is asked for, never tried
        (a try with no password would count toward the lock-out)."""
        for field, message in ((self.username, self.tr("Nhập tên đăng nhập.")),
                               (self.password, self.tr("Nhập mật khẩu."))):
            if not field.text().strip():
                self.error.setText(message if field is self.username or self.error.text() else "")
                field.setFocus()
                return
        if self.db is None:
            self._wait()
            return
        from desktop.services import officers

        db, username, password = self.db, self.username.text(), self.password.text()
        try:
            self.officer = wait_for(lambda: officers.login(db, username, password))
        except UserError as exc:
            self.error.setText(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()

    def _wait(self) -> None:
        """Submitted while the database is still being checked or opened: say so, take no second submit."""
        self.waiting = True
        self.error.setStyleSheet("color: #1f4e79")
        self.error.setText(LABELS["preparing"])
        self.busy.show()
        self.ok_button.setEnabled(False)

    def set_database(self, db: Database) -> None:
        """The start-up's hand-over: the database is open; a waiting submit goes on now."""
        self.db = db
        self.busy.hide()
        self.ok_button.setEnabled(True)
        if self.waiting:
            self.waiting = False
            self.error.setText("")
            self.error.setStyleSheet("color: #b00020")
            self.try_login()
