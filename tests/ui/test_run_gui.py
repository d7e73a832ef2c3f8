"""run_gui end to end: MOTCUA_AUTOLOGIN opens the main window on the given database; shortcuts work; an
uncaught exception in a slot shows the crash dialog naming the crash file and the log folder.

Only ONE run_gui per pytest session: a second one makes the interpreter abort at exit ("bool_dealloc",
PySide6 6.12 with pytest-qt; not reproducible outside pytest), so every run_gui check lives here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.db.session import Database
from desktop.logs import ALL_FILE
from desktop.paths import data_dir
from desktop.services import officers
from desktop.ui.crash_dialog import CrashDialog
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

    def window() -> MainWindow:
        return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())

    def drive() -> None:
        main = window()
        seen["title"] = main.windowTitle()
        main.activateWindow()
        QTest.keyClick(main.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        seen["after_ctrl3"] = main.current_key()
        QTest.keyClick(main.windowHandle(), Qt.Key.Key_F2)
        seen["after_f2"] = main.current_key()
        QTimer.singleShot(0, _boom)  # a bug in a slot, while the window is open
        QTimer.singleShot(20, close)

    def close() -> None:
        seen["open_after_crash"] = window().isVisible()
        window().close()

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
