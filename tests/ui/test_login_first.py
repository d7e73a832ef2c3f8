"""The log-in dialog first (issue #18): it shows before SQLAlchemy is imported, its unit name and demo hint
read with plain sqlite3; the database is checked and opened behind it, a submit before then waits and goes
on by itself; a damaged file still goes to the health dialog; lock-out counting is unchanged."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.db.login_facts import LoginFacts, read_login_facts
from desktop.db.session import Database
from desktop.services import officers
from desktop.texts import LABELS
from desktop.ui.dialogs.login_dialog import LoginDialog
from desktop.ui.main import AUTOLOGIN_ENV, run_gui
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(officers, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def _officer(db: Database) -> None:
    with db.transaction() as s:
        officers.create_officer(s, username="tiepnhan", full_name="Hà Thị Quỳnh", password="quynh2026")


def test_login_dialog_shows_before_sqlalchemy_is_imported(db: Database, db_path: Path, tmp_path: Path) -> None:
    _officer(db)
    db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1", PYTHONPATH=str(ROOT),
               MOTCUA_DATA_DIR=str(tmp_path / "child"), MOTCUA_NO_DIALOGS="1", MOTCUA_BENCH_QUIT_AT_LOGIN="1")
    env.pop(AUTOLOGIN_ENV, None)
    done = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "sqlalchemy imported at login: False" in done.stderr.splitlines()
    assert not Path(str(db_path) + ".open").exists()  # the preparing ended and the file was closed cleanly


def test_login_facts_from_plain_sqlite(db: Database, db_path: Path, tmp_path: Path) -> None:
    assert read_login_facts(db_path) is None  # a unit but no officer yet: the set-up wizard's case
    _officer(db)
    assert read_login_facts(db_path) == LoginFacts(unit_name="UBND xã Tân Lập", demo=False)
    from desktop.demo.accounts import login_hint_text

    assert "admin / admin123" in login_hint_text()  # what the dialog shows when ``demo`` is true
    missing, empty, other = tmp_path / "none.sqlite3", tmp_path / "empty.sqlite3", tmp_path / "other.sqlite3"
    empty.touch()
    other.write_bytes(b"not a database at all" * 100)
    assert read_login_facts(missing) is None and read_login_facts(empty) is None
    assert read_login_facts(other) is None
    assert not missing.exists()  # read-only: nothing created


def _waiting_dialog(db: Database, qtbot: Any) -> LoginDialog:
    """A log-in submitted (a wrong password) before the database is ready."""
    _officer(db)
    dialog = LoginDialog(None, "UBND xã Tân Lập")
    qtbot.addWidget(dialog)
    dialog.username.setText("tiepnhan")
    dialog.password.setText("sai")
    dialog.try_login()
    return dialog


def test_submit_before_the_database_is_ready_waits_then_logs_in(db: Database, qtbot: Any) -> None:
    dialog = _waiting_dialog(db, qtbot)
    assert dialog.waiting and dialog.error.text() == LABELS["preparing"]
    assert not dialog.ok_button.isEnabled() and dialog.busy.isVisibleTo(dialog)
    dialog.username.setFocus()  # still usable: the officer may correct the password meanwhile
    dialog.password.setText("quynh2026")
    dialog.set_database(db)
    assert dialog.officer is not None and dialog.officer.full_name == "Hà Thị Quỳnh"
    assert dialog.result() == 1 and not dialog.busy.isVisibleTo(dialog)


def test_wrong_password_while_waiting_counts_once(db: Database, qtbot: Any) -> None:
    dialog = _waiting_dialog(db, qtbot)
    dialog.try_login()  # Enter pressed twice while waiting: one try when the database is ready
    dialog.set_database(db)
    assert dialog.officer is None and "không đúng" in dialog.error.text()
    with db.reading() as s:
        from desktop.db.models import Officer
        from sqlalchemy import select

        assert s.scalar(select(Officer.failed_logins).where(Officer.username == "tiepnhan")) == 1


def test_run_gui_logs_in_on_the_early_dialog(db: Database, db_path: Path, monkeypatch: Any) -> None:
    _officer(db)
    monkeypatch.delenv(AUTOLOGIN_ENV, raising=False)
    seen: dict[str, Any] = {}

    def step() -> None:
        active = QApplication.activeModalWidget()
        if isinstance(active, LoginDialog) and "login" not in seen:
            seen["login"] = active.windowTitle()
            seen["unit"] = active.findChild(type(active.hint), "unit").text()
            active.username.setText("tiepnhan")
            active.password.setText("quynh2026")
            active.try_login()  # before or after the database is ready: both end in the window
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            seen["title"] = windows[0].windowTitle()
            windows[0].close()
            return
        QTimer.singleShot(10, step)

    QTimer.singleShot(0, step)
    assert run_gui(str(db_path)) == 0
    assert seen["unit"] == "UBND xã Tân Lập"
    assert seen["title"] == "Một Cửa Offline — UBND xã Tân Lập — Hà Thị Quỳnh"
    assert not Path(str(db_path) + ".open").exists()


def test_damaged_file_behind_the_early_dialog_goes_to_the_health_dialog(
        db: Database, db_path: Path, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import health_dialog
    from tests.safety.helpers import sha256

    _officer(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    with sqlite3.connect(db_path) as con:  # 2 MB at the end of the file; the desk's own tables stay readable
        con.execute("CREATE TABLE filler (x BLOB)")
        con.executemany("INSERT INTO filler VALUES (randomblob(8000))", [()] * 250)
    con.close()
    size = db_path.stat().st_size
    with open(db_path, "r+b") as handle:  # scribble over the filler's pages only
        for offset in range(size - 1_500_000, size - 4096, 3 * 4096):
            handle.seek(offset + 8)
            handle.write(b"\xff\x13" * 600)
    assert read_login_facts(db_path) is not None  # sqlite3 still reads the unit: the early dialog shows
    before = sha256(db_path)
    monkeypatch.delenv(AUTOLOGIN_ENV, raising=False)
    seen: list[str] = []

    def quit_(dialog: Any) -> int:
        seen.append(dialog.message.text())
        return health_dialog.QUIT

    shown: list[bool] = []
    real_exec = LoginDialog.exec

    def login_exec(dialog: LoginDialog) -> int:
        shown.append(dialog.db is None)  # the early dialog, before the database is open
        return real_exec(dialog)

    monkeypatch.setattr(LoginDialog, "exec", login_exec)
    monkeypatch.setattr(health_dialog.DamagedDatabaseDialog, "exec", quit_)
    assert run_gui(str(db_path)) == 2
    assert shown == [True]  # closed by the start-up when the check failed, not answered by anyone
    assert len(seen) == 1 and "bị hỏng" in seen[0]
    assert sha256(db_path) == before


def test_demo_hint_becomes_selectable_once_shown(qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from desktop.demo.accounts import login_hint_text

    hint = login_hint_text()
    dialog = LoginDialog(None, "UBND xã Tân Lập", hint=hint)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.hint.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse))
    assert dialog.hint.text() == hint and dialog.hint.isVisible()
