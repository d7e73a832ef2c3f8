"""Start-up safety: a damaged database is not opened and the newest good backup is offered and restored;
the daily backup timer. (The crash dialog wiring is tested through run_gui in test_run_gui.py: a second
run_gui in one pytest session makes the interpreter abort at exit in PySide6 6.12, see decisions.md.)"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from desktop.platform import backup, clock
from desktop.db.session import Database, open_database
from desktop.platform.paths import data_dir
from desktop.services import officers
from desktop.ui.main import AUTOLOGIN_ENV
from tests.safety.helpers import applicants, corrupt, receive, sha256

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(officers, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def _officer(db: Database, monkeypatch: Any) -> None:
    with db.transaction() as s:
        officers.create_officer(s, username="tiepnhan", full_name="Hà Thị Quỳnh", password="quynh2026")
    monkeypatch.setenv(AUTOLOGIN_ENV, "tiepnhan")


def _damage(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    corrupt(db.path)  # type: ignore[arg-type]


def test_damaged_database_offers_the_latest_good_backup_and_restores_it(
        db: Database, db_path: Path, monkeypatch: Any, messages: Any) -> None:
    from desktop.ui.dialogs import health_dialog

    _officer(db, monkeypatch)
    for i in range(30):
        receive(db, f"Người số {i}")
    good = backup.backup_now(db_path, kind="daily", now=clock.now() - timedelta(hours=2))
    receive(db, "Nhập sau khi sao lưu")
    _damage(db)
    assert not backup.integrity_errors(good)
    offered: list[str] = []

    def answer(dialog: Any) -> int:
        offered.append(dialog.message.text())
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(health_dialog.DamagedDatabaseDialog, "exec", answer)
    assert health_dialog.ensure_usable(db_path) is True  # what run_gui asks before opening the file

    assert len(offered) == 1 and str(good) in offered[0] and "bị hỏng" in offered[0]
    reopened = open_database(db_path)
    try:
        assert officers.login(reopened, "tiepnhan", "quynh2026").full_name == "Hà Thị Quỳnh"
    finally:
        reopened.dispose()
    assert any("Đã khôi phục dữ liệu từ" in text for text in messages.texts())
    assert backup.integrity_errors(db_path) == []
    names = applicants(db_path)
    assert "Người số 29" in names and "Nhập sau khi sao lưu" not in names
    kept = list((data_dir() / "backups").rglob("*"))  # the damaged file is kept for support
    assert any("pre-restore" in p.name or "damaged" in str(p) for p in kept)


def test_damaged_database_quit_leaves_the_file_alone(db: Database, db_path: Path, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import health_dialog

    _officer(db, monkeypatch)
    for i in range(30):
        receive(db, f"Người số {i}")
    _damage(db)
    before = sha256(db_path)
    seen: list[str] = []

    def quit_(dialog: Any) -> int:
        seen.append(dialog.message.text())
        assert not dialog.restore_button.isVisibleTo(dialog)  # no good backup to offer
        dialog.quit_button.click()
        return dialog.result()

    monkeypatch.setattr(health_dialog.DamagedDatabaseDialog, "exec", quit_)
    assert health_dialog.ensure_usable(db_path) is False  # run_gui then returns 2 without opening it
    assert "Không tìm thấy bản sao lưu còn tốt" in seen[0]
    assert sha256(db_path) == before


def test_daily_backup_timer_takes_one_backup_a_day(make_ctx: Any, qtbot: Any) -> None:
    from desktop.ui.backup_scheduler import BackupScheduler

    ctx = make_ctx("officer")
    scheduler = BackupScheduler(ctx, first_ms=0, interval_ms=60_000)
    taken: list[Path] = []
    scheduler.taken.connect(taken.append)
    scheduler.start()
    qtbot.waitUntil(lambda: len(taken) == 1)  # the first check, a moment after start
    scheduler.check()
    assert len(taken) == 1  # today already has one
    clock.set_now(clock.now() + timedelta(days=1))
    scheduler.check()
    assert len(taken) == 2
    scheduler.stop()
    daily = [b for b in backup.list_backups() if b.kind == "daily"]
    assert [b.path for b in daily] == taken[::-1]
    for b in daily:
        con = sqlite3.connect(b.path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
