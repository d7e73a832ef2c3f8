"""Backups: consistent snapshots through the backup API, names, rotation with a pinned clock, USB copy."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from desktop import settings
from desktop import __version__

from desktop.platform import backup, clock
from desktop.platform.backup import RotationPolicy
from desktop.services.desk import put_setting
from tests.safety.helpers import applicants, receive


def test_backup_includes_commits_still_in_the_wal(db) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Trần Thị Bình")
    assert Path(str(db.path) + "-wal").stat().st_size > 0  # the commit is in the WAL, not the main file yet
    path = backup.backup_now(db.path, kind="manual")
    assert path.parent == backup.default_backup_dir()
    assert path.name == f"motcua-20261120-160000-manual-v{__version__}.sqlite3"
    assert "Trần Thị Bình" in applicants(path)
    assert backup.integrity_errors(path) == []
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    con.close()
    again = backup.backup_now(db.path, kind="manual")  # same second: never overwrites
    assert again != path and again.exists() and path.exists()


def _run_daily(db_path: Path, first: date, last: date, policy: RotationPolicy | None = None) -> None:
    day = first
    while day <= last:
        moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=clock.VN_TZ)
        assert backup.due_backup(db_path, moment)
        assert backup.run_scheduled_backup(db_path, moment, policy=policy) is not None
        assert not backup.due_backup(db_path, moment + timedelta(hours=5))
        assert backup.run_scheduled_backup(db_path, moment + timedelta(hours=5), policy=policy) is None
        day += timedelta(days=1)


def test_rotation_keeps_7_daily_8_weekly_12_monthly(db_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup, "_fsync_file", lambda path: None)  # 324 backups: durability is not under test
    monkeypatch.setattr(backup, "fsync_dir", lambda path: None)
    _run_daily(db_path, date(2026, 1, 1), date(2026, 11, 20))
    kept = sorted(b.taken_at.date() for b in backup.list_backups())
    expected = sorted(
        [date(2026, 11, d) for d in range(14, 21)]  # 7 days
        + [date(2026, 11, 8), date(2026, 11, 1), date(2026, 10, 25), date(2026, 10, 18), date(2026, 10, 11),
           date(2026, 10, 4)]  # newest of 8 ISO weeks (15 and 20 Nov are already kept)
        + [date(2026, 10, 31), date(2026, 9, 30), date(2026, 8, 31), date(2026, 7, 31), date(2026, 6, 30),
           date(2026, 5, 31), date(2026, 4, 30), date(2026, 3, 31), date(2026, 2, 28), date(2026, 1, 31)]
    )
    assert kept == expected


def test_rotation_policy_from_settings_and_kinds_kept(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        put_setting(s, settings.BACKUP_ROTATION.key, {"daily": 2, "weekly": 0, "monthly": 0})
    manual = backup.backup_now(db.path, kind="manual", now=datetime(2026, 3, 1, 8, tzinfo=clock.VN_TZ))
    premig = backup.backup_now(db.path, kind="pre-migration", now=datetime(2026, 3, 2, 8, tzinfo=clock.VN_TZ))
    _run_daily(db.path, date(2026, 3, 3), date(2026, 3, 12))
    left = backup.list_backups()
    assert {b.kind for b in left} == {"manual", "pre-migration", "daily"}
    assert manual.exists() and premig.exists()  # manual never rotated; newest of each kind kept
    assert sorted(b.taken_at.day for b in left if b.kind == "daily") == [11, 12]


def test_second_folder_gets_a_copy_and_a_missing_one_is_not_fatal(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb" / "MotCua"
    with db.transaction() as s:
        put_setting(s, settings.BACKUP_SECOND_DIR.key, str(usb))
    path = backup.backup_now(db.path, kind="daily")
    assert (usb / path.name).read_bytes() == path.read_bytes()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    later = backup.backup_now(db.path, kind="daily", second_dir=blocker / "sub")
    assert later.exists()


def test_cli_backup_out_dir(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "usb"
    result = cli("backup", "--out", str(out), "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["kind"] == "manual" and data["version"] == __version__
    assert Path(data["path"]).parent == out and backup.integrity_errors(Path(data["path"])) == []


def test_odd_folder_names_work(template_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from desktop.services.restore import restore

    folder = tmp_path / "Nguyễn Văn #1 50%"
    folder.mkdir()
    db_path = folder / "desk.sqlite3"
    shutil.copyfile(template_db, db_path)
    path = backup.backup_now(db_path, folder / "sao lưu", "manual")
    assert backup.integrity_errors(path) == [] and backup.read_setting(db_path, settings.UNIT_CODE.key) == "10375"
    assert restore(db_path, path).restored_from == path
