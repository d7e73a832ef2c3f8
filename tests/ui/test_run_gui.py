"""run_gui end to end: MOTCUA_AUTOLOGIN opens the main window on the given database; shortcuts work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.db.session import Database
from desktop.services import officers
from desktop.ui.main import AUTOLOGIN_ENV, run_gui
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_run_gui_with_autologin(db: Database, db_path: Path, monkeypatch: Any) -> None:
    with db.transaction() as s:
        officers.create_officer(s, username="tiepnhan", full_name="Hà Thị Quỳnh", password="quynh2026")
    monkeypatch.setenv(AUTOLOGIN_ENV, "tiepnhan")
    seen: dict[str, Any] = {}

    def drive() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        seen["title"] = window.windowTitle()
        window.activateWindow()
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        seen["after_ctrl3"] = window.current_key()
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_F2)
        seen["after_f2"] = window.current_key()
        window.close()

    QTimer.singleShot(0, drive)
    assert run_gui(str(db_path)) == 0
    assert seen["title"] == "Một Cửa Offline — UBND xã Tân Lập — Hà Thị Quỳnh"
    assert seen["after_ctrl3"] == "dossiers"
    assert seen["after_f2"] == "reception"
