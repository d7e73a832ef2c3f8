"""Restore: the backup is checked first, the current data is backed up, the swap is whole, new epoch."""

from __future__ import annotations

import json

import pytest

from desktop import settings
from desktop.platform import backup
from desktop.db.session import open_database
from desktop.errors import PermissionDenied, UserError
from desktop.services.restore import restore
from desktop.services import officers
from tests.safety.helpers import applicants, corrupt, receive, setting


def _epoch_file(db_path):  # type: ignore[no-untyped-def]
    return db_path.with_name(db_path.name + ".epoch")


def test_restore_brings_data_back_and_starts_a_new_epoch(db) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Người trước sao lưu")
    saved = backup.backup_now(db.path, kind="manual")
    receive(db, "Người sau sao lưu")
    old_epoch = json.loads(setting(db.path, settings.EPOCH.key))
    _epoch_file(db.path).write_text(old_epoch + "\n")
    db.dispose()

    result = restore(db.path, saved)

    assert applicants(db.path) == {"Người trước sao lưu"}
    new_epoch = json.loads(setting(db.path, settings.EPOCH.key))
    assert new_epoch == result.epoch != old_epoch
    assert _epoch_file(db.path).read_text().strip() == new_epoch
    assert result.safety_backup is not None and result.safety_backup.name.startswith("motcua-")
    assert "pre-restore" in result.safety_backup.name
    assert applicants(result.safety_backup) == {"Người trước sao lưu", "Người sau sao lưu"}
    reopened = open_database(db.path)  # the app opens it normally, and the change log uses the new epoch
    receive(reopened, "Người sau khôi phục")
    with reopened.engine.connect() as conn:
        last = conn.exec_driver_sql("SELECT epoch FROM change_log ORDER BY seq DESC LIMIT 1").scalar()
    reopened.dispose()
    assert last == new_epoch


def test_restore_without_epoch_file_does_not_create_one(db) -> None:  # type: ignore[no-untyped-def]
    saved = backup.backup_now(db.path, kind="manual")
    db.dispose()
    restore(db.path, saved)
    assert not _epoch_file(db.path).exists()


def test_corrupt_backup_is_refused_before_anything_changes(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for i in range(30):
        receive(db, f"Người số {i}")
    saved = backup.backup_now(db.path, kind="manual")
    bad = tmp_path / saved.name
    bad.write_bytes(saved.read_bytes())
    corrupt(bad)
    before = applicants(db.path)
    count = len(backup.list_backups())
    db.dispose()
    with pytest.raises(UserError) as err:
        restore(db.path, bad)
    assert err.value.code == "backup_corrupt" and bad.name in err.value.message
    assert applicants(db.path) == before
    assert len(backup.list_backups()) == count  # not even a pre-restore backup was taken


def test_not_a_desk_database_is_refused(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(UserError) as err:
        restore(db.path, other)
    assert err.value.code == "not_a_backup"


def test_only_admin_may_restore(db, cli) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        officers.create_officer(s, username="quantri", full_name="Quản Trị", password="quantri1", role="admin")
        officers.create_officer(s, username="canbo", full_name="Cán Bộ", password="canbo123")
        officers.create_officer(s, username="lanhdao", full_name="Lãnh Đạo", password="lanhdao1", role="leader")
    saved = backup.backup_now(db.path, kind="manual")
    db.dispose()
    for who in ("canbo", "lanhdao"):
        with pytest.raises(PermissionDenied):
            restore(db.path, saved, officer=who)
        denied = cli("--officer", who, "restore", str(saved))
        assert denied.code == 2 and "không có quyền khôi phục" in denied.err
    ok = cli("--officer", "quantri", "restore", str(saved), "--json")
    assert ok.code == 0, ok.err
    assert ok.json()["restored_from"] == str(saved)


def test_restore_onto_a_new_pc(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Hồ sơ trên máy cũ")
    saved = backup.backup_now(db.path, tmp_path / "usb", "manual")
    target = tmp_path / "may-moi" / "motcua.sqlite3"
    result = restore(target, saved)
    assert result.safety_backup is None and applicants(target) == {"Hồ sơ trên máy cũ"}
