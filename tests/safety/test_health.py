"""Start-up integrity check: a damaged file gives a Vietnamese message naming the latest good backup."""

from __future__ import annotations

import pytest

from desktop.platform import backup
from desktop.db import health
from desktop.errors import UserError
from tests.safety.helpers import corrupt, receive


def test_sound_database_passes(db) -> None:  # type: ignore[no-untyped-def]
    result = health.ensure_healthy(db.path)
    assert result.ok and result.mode == "integrity_check" and result.problems == []


def test_large_files_get_quick_check(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(health, "QUICK_CHECK_ABOVE", 0)
    assert health.check_database(db.path).mode == "quick_check"


def test_missing_file_is_a_new_desk(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert health.check_database(tmp_path / "none.sqlite3").mode == "new"


def test_damaged_file_names_the_latest_good_backup_and_the_restore_command(db) -> None:  # type: ignore[no-untyped-def]
    for i in range(30):
        receive(db, f"Người số {i}")
    older = backup.backup_now(db.path, kind="daily", now=backup.clock.now().replace(day=18))
    newest = backup.backup_now(db.path, kind="daily", now=backup.clock.now().replace(day=19))
    corrupt(newest)  # the newest backup is damaged too: the message must skip it
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    corrupt(db.path)

    result = health.check_database(db.path)
    assert not result.ok and result.problems
    with pytest.raises(UserError) as err:
        health.open_checked(db.path)
    message = err.value.message
    assert err.value.code == "db_corrupt"
    assert "bị hỏng" in message and str(older) in message and str(newest) not in message
    assert f'restore "{older}"' in message


def test_damaged_file_without_backups_says_so(db) -> None:  # type: ignore[no-untyped-def]
    for i in range(30):
        receive(db, f"Người số {i}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    corrupt(db.path)
    with pytest.raises(UserError) as err:
        health.ensure_healthy(db.path)
    assert "Không tìm thấy bản sao lưu còn tốt" in err.value.message


def test_cli_check(cli, db_path) -> None:  # type: ignore[no-untyped-def]
    ok = cli("check", "--json")
    assert ok.code == 0 and ok.json()["ok"] is True and ok.json()["mode"] == "integrity_check"
    corrupt(db_path)
    bad = cli("check")
    assert bad.code == 2 and "bị hỏng" in bad.err
