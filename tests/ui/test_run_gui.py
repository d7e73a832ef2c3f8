"""run_gui end to end: MOTCUA_AUTOLOGIN opens the main window on the given database; shortcuts work; an
uncaught exception in a slot shows the crash dialog naming the crash file and the log folder.

(The "only one run_gui per session" limit of earlier notes was PySide6 6.12.0 dropping a reference to
True on every signal; pyproject.toml now keeps that release out, see tests/ui/test_qt_runtime.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.db.session import Database
from desktop.platform.logs import ALL_FILE
from desktop.platform.paths import data_dir
from desktop.services import officers
from desktop.ui.dialogs.crash_dialog import CrashDialog
from desktop.ui.main import AUTOLOGIN_ENV, run_gui
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _boom() -> None:
    raise RuntimeError("lỗi thử trong một slot")


@pytest.mark.qt_no_exception_capture  # the app's own crash hook must see the exception
def test_run_gui_with_autologin(db: Database, db_path: Path, monkeypatch: Any) -> None:
    with db.transaction() as s:
        officers.create_officer(s, username="tiepnhan", full_name="Hà Thị Quỳnh", password="quynh2026")
    monkeypatch.setenv(AUTOLOGIN_ENV, "tiepnhan")
    crashes: list[tuple[str, str]] = []
    monkeypatch.setattr(CrashDialog, "exec",
                        lambda self: crashes.append((self.message.text(), self.details.toPlainText())) or 0)
    seen: dict[str, Any] = {}

    def window() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)

    def drive() -> None:
        main = window()
        if main is None:  # the log-in still runs on a worker thread
            QTimer.singleShot(20, drive)
            return
        seen["title"] = main.windowTitle()
        main.activateWindow()
        QTest.keyClick(main.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        seen["after_ctrl3"] = main.current_key()
        QTest.keyClick(main.windowHandle(), Qt.Key.Key_F2)
        seen["after_f2"] = main.current_key()
        QTimer.singleShot(0, _boom)  # a bug in a slot, while the window is open
        QTimer.singleShot(20, close)

    def close() -> None:
        main = window()
        seen["open_after_crash"] = main is not None
        if main is not None:
            main.close()

    QTimer.singleShot(0, drive)
    assert run_gui(str(db_path)) == 0
    assert seen["title"] == "Một Cửa Offline — UBND xã Tân Lập — Hà Thị Quỳnh"
    assert seen["after_ctrl3"] == "dossiers"
    assert seen["after_f2"] == "reception"
    assert seen["open_after_crash"] is True  # the app did not vanish
    assert len(crashes) == 1
    text, details = crashes[0]
    [crash_file] = sorted((data_dir() / "crash").glob("crash-*.seen.txt"))  # shown once, then marked seen
    assert crash_file.name.replace(".seen", "") in text
    assert str(data_dir() / "logs") in text and "Dữ liệu đã lưu trước đó không bị mất" in text
    assert "RuntimeError: lỗi thử trong một slot" in details
    assert "uncaught exception" in (data_dir() / "logs" / ALL_FILE).read_text(encoding="utf-8")


def test_first_run_wizard_then_login_then_window(tmp_path: Path, monkeypatch: Any) -> None:
    """A fresh database: the set-up wizard, then the log-in (wrong password refused), then the window."""
    from PySide6.QtWidgets import QWizard

    from desktop.ui.dialogs.login_dialog import LoginDialog
    from desktop.ui.setup_wizard import SetupWizard

    monkeypatch.delenv(AUTOLOGIN_ENV, raising=False)
    seen: dict[str, Any] = {"steps": []}

    def step() -> None:
        active = QApplication.activeModalWidget()
        if isinstance(active, SetupWizard) and "wizard" not in seen["steps"]:
            seen["steps"].append("wizard")
            active.unit_page.unit_code.setText("10411")
            active.unit_page.unit_name.setText("UBND xã Hòa Bình")
            active.admin_page.username.setText("truongbp")
            active.admin_page.full_name.setText("Đặng Thị Mỹ Lệ")
            active.admin_page.password.setText("bimat2026")
            active.admin_page.password2.setText("bimat2026")
            active.next()
            active.next()
            active.button(QWizard.WizardButton.FinishButton).click()
        elif isinstance(active, LoginDialog) and "login" not in seen["steps"]:
            seen["steps"].append("login")
            seen["hint_visible"] = active.hint.isVisibleTo(active)
            active.username.setText("truongbp")
            active.password.setText("sai")
            active.try_login()
            seen["wrong"] = active.error.text()
            active.password.setText("bimat2026")
            active.try_login()
        else:
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            if windows:
                seen["steps"].append("window")
                seen["title"] = windows[0].windowTitle()
                seen["officer"] = windows[0]._status_labels[1].text()
                windows[0].close()
                return
        QTimer.singleShot(20, step)

    QTimer.singleShot(0, step)
    assert run_gui(str(tmp_path / "fresh.sqlite3")) == 0
    assert seen["steps"] == ["wizard", "login", "window"]
    assert seen["wrong"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not seen["hint_visible"]  # a real desk shows no demo accounts
    assert seen["title"] == "Một Cửa Offline — UBND xã Hòa Bình — Đặng Thị Mỹ Lệ"
    assert seen["officer"] == "Cán bộ: Đặng Thị Mỹ Lệ (Quản trị)"


def test_demo_database_shows_its_accounts_and_they_log_in(tmp_path: Path) -> None:
    from desktop.db.session import open_database
    from desktop.demo import DEMO_OFFICERS, demo_login_hint, ensure_demo_database
    from desktop.ui.dialogs.login_dialog import LoginDialog

    path = tmp_path / "demo.sqlite3"
    assert ensure_demo_database(path, dossiers=20)
    db = open_database(path)
    try:
        with db.reading() as s:
            hint = demo_login_hint(s)
        assert hint is not None
        for username, _name, password, _role in DEMO_OFFICERS:
            assert f"{username} / {password}" in hint
            assert officers.login(db, username, password).username == username
        dialog = LoginDialog(db, "UBND xã Tân Lập", hint=hint)
        assert dialog.hint.text() == hint and dialog.hint.isVisibleTo(dialog)
        dialog.deleteLater()
    finally:
        db.dispose()
