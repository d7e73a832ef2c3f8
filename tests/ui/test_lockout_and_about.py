"""Log-in lock-out as the officer sees it, the admin's reset and deactivation in Cài đặt › Cán bộ, and the
About dialog (F1) with the one version from pyproject.toml."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop import __version__

from desktop.platform import clock
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.platform.paths import data_dir
from desktop.services import officers
from desktop.ui.dialogs.about_dialog import AboutDialog
from desktop.ui.dialogs.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings import SettingsPage

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(officers, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def _try(dialog: LoginDialog, password: str) -> str:
    dialog.username.setText("tuyet")
    dialog.password.setText(password)
    dialog.try_login()
    return dialog.error.text()


def test_login_dialog_shows_the_lockout_and_an_admin_lifts_it(db: Database, make_ctx: Any, qtbot: Any,
                                                             monkeypatch: Any, messages: Any) -> None:
    admin = make_ctx("admin")
    with db.transaction() as s:
        officers.create_officer(s, username="tuyet", full_name="Ngô Thị Tuyết", password="dung2026")
    dialog = LoginDialog(db, "UBND xã Tân Lập")
    qtbot.addWidget(dialog)
    for _ in range(officers.MAX_FAILURES - 1):
        assert _try(dialog, "sai-mat-khau") == "Tên đăng nhập hoặc mật khẩu không đúng."
    text = _try(dialog, "sai-mat-khau")  # the failure that locks says so at once
    until = clock.to_vn(clock.now() + officers.LOCKOUT)
    assert f"tạm khóa đến {until:%H:%M}" in text and "nhờ quản trị đặt lại mật khẩu" in text
    assert "tạm khóa" in _try(dialog, "dung2026")  # even the right password, while locked
    assert dialog.officer is None and dialog.password.text() == ""

    page = SettingsPage(admin)
    qtbot.addWidget(page)
    panel = page.officers
    panel.select("tuyet")
    row = panel.table.currentRow()
    assert panel.table.item(row, 3).text() == f"Tạm khóa đến {until:%H:%M %d/%m/%Y}"
    from desktop.ui.dialogs import password_dialog

    def fill(self: Any) -> int:
        self.password.setText("moi-2026")
        self.password2.setText("moi-2026")
        return 1

    monkeypatch.setattr(password_dialog.PasswordDialog, "exec", fill)
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert "Đã đặt mật khẩu mới và mở khóa tài khoản tuyet." in messages.texts()
    assert panel.table.item(panel.table.currentRow(), 3).text() == "Đang hoạt động"
    _try(dialog, "moi-2026")
    assert dialog.officer is not None and dialog.officer.full_name == "Ngô Thị Tuyết"


def test_lockout_expires_on_its_own(db: Database, qtbot: Any) -> None:
    with db.transaction() as s:
        officers.create_officer(s, username="tuyet", full_name="Ngô Thị Tuyết", password="dung2026")
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    for _ in range(officers.MAX_FAILURES):
        _try(dialog, "sai")
    clock.set_now(clock.now() + officers.LOCKOUT + timedelta(minutes=1))
    _try(dialog, "dung2026")
    assert dialog.officer is not None


def test_admin_stops_an_account_and_an_officer_cannot(db: Database, make_ctx: Any, qtbot: Any, messages: Any) -> None:
    admin = make_ctx("admin")
    officer = make_ctx("officer")
    officer_page = SettingsPage(officer)
    qtbot.addWidget(officer_page)
    officer_page.officers.select("quantri")
    assert not officer_page.officers.reset_button.isEnabled()
    assert not officer_page.officers.active_button.isEnabled()
    officer_page.officers.toggle_selected()  # forced past the disabled button: the service refuses
    assert any("không có quyền quản lý tài khoản cán bộ" in text for text in messages.texts())

    page = SettingsPage(admin)
    qtbot.addWidget(page)
    panel = page.officers
    panel.select("canbo1")
    assert panel.active_button.text() == "Ngừng hoạt động"
    panel.toggle_selected()
    assert panel.table.item(panel.table.currentRow(), 3).text() == "Ngừng hoạt động"
    assert panel.active_button.text() == "Cho hoạt động lại"
    with pytest.raises(UserError, match="không đúng"):
        officers.login(db, "canbo1", "matkhau123")
    panel.toggle_selected()
    assert officers.login(db, "canbo1", "matkhau123").username == "canbo1"
    panel.select("quantri")
    messages.shown.clear()
    panel.toggle_selected()  # an admin cannot lock themself out: the service refuses after the question
    assert messages.texts()[-1] == "Không thể tự ngừng tài khoản đang đăng nhập."
    assert officers.login(db, "quantri", "matkhau123").username == "quantri"


def test_about_shows_the_one_version_the_folders_and_font_licences(db: Database, qtbot: Any) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert __version__ == pyproject
    dialog = AboutDialog(db.path)
    qtbot.addWidget(dialog)
    assert f"Phiên bản <b>{pyproject}</b>" in dialog.title.text()
    assert dialog.places["data"].text() == str(data_dir())
    assert dialog.places["logs"].text() == str(data_dir() / "logs")
    assert dialog.places["db"].text() == str(db.path)
    titles = [dialog.licence_list.itemText(i) for i in range(dialog.licence_list.count())]
    assert "Phông chữ Liberation — SIL-OFL-1.1" in titles and "Phông chữ DejaVu — bitstream-vera" in titles
    dialog.licence_list.setCurrentIndex(titles.index("Phông chữ Liberation — SIL-OFL-1.1"))
    assert "LiberationSans-Regular.ttf" in dialog.licence_text.toPlainText()
    assert "SIL OPEN FONT LICENSE" in dialog.licence_text.toPlainText().upper()
    dialog.licence_list.setCurrentIndex(len(titles) - 1)
    assert "LGPL" in dialog.licence_text.toPlainText()


def test_f1_opens_about(ctx: Any, qtbot: Any, monkeypatch: Any) -> None:
    opened: list[str] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: opened.append(self.title.text()) or 0)
    window = MainWindow(ctx, lock=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.focusWidget() is not None)
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F1)
    assert len(opened) == 1 and __version__ in opened[0]
