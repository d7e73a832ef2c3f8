"""A restored desk backup exports under a new epoch; nothing it sends is skipped or silently lost."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import select

from desktop import settings
from desktop.db.models_sync import SyncRejection
from desktop.db.session import Database, open_database
from desktop.services import dossiers
from desktop.services.desk import get_setting
from desktop.sync import batch, identity
from province.db import Hub
from province.importer import import_file
from province.keys import encryption_keys
from province.models import HubConflict
from tests.sync_support import connect_desk, deliver, export, receive


def _backup(source: Path, target: Path) -> None:
    """The sqlite3 backup API (a plain copy could miss the WAL)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def test_restored_backup_exports_under_new_epoch(db: Database, db_path: Path, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    d1, _ = receive(db, 2)
    first = export(db, tmp_path / "1")
    deliver(hub, db, first, tmp_path / "1")
    _backup(db_path, tmp_path / "backup.sqlite3")
    with db.reading() as session:
        old_epoch = get_setting(session, settings.EPOCH.key)

    # the lost future: work that reached the province, then the disk died
    with db.transaction(officer="canbo") as session:
        dossiers.start(session, d1)
    (lost_code,) = receive(db, 1, name="Ngô Văn Mất")
    future = export(db, tmp_path / "2")
    deliver(hub, db, future, tmp_path / "2")
    db.dispose()

    # the backup is copied over the live file; the .epoch file beside it stays
    shutil.copyfile(tmp_path / "backup.sqlite3", db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    restored = open_database(db_path)
    try:
        with restored.transaction(officer="canbo") as session:
            dossiers.request_supplement(session, d1, items="Bản sao giấy khai sinh")
        (new_code,) = receive(restored, 1, name="Đặng Thị Mới")
        assert new_code == lost_code  # the restored daily counter hands out the same number again
        result = export(restored, tmp_path / "3")
        assert result.file is not None
        new_epoch = result.epoch
        assert new_epoch != old_epoch
        with restored.reading() as session:
            assert get_setting(session, settings.EPOCH.key) == new_epoch
            assert get_setting(session, settings.EPOCH_HISTORY.key)[-1]["reason"] == "db_diverged"
        header = batch.read_header(result.file.read_bytes()).header
        assert header["epoch"] == new_epoch
        files = batch.decrypt(batch.read_header(result.file.read_bytes()), encryption_keys(hub))
        changes = batch.read_changes(files, json.loads(files["manifest.json"]))
        assert {c["epoch"] for c in changes} == {new_epoch}
        assert min(c["seq"] for c in changes) <= future.seq_to  # the same numbers again, in a new epoch

        outcome = import_file(hub, result.file, receipts_out=tmp_path / "3" / "receipts")
        body = json.loads(Path(outcome.receipt_file).read_bytes())["receipt"]  # type: ignore[arg-type]
        assert body["counts"]["skipped"] == 0  # nothing mistaken for something already seen
        assert outcome.applied > 0
        with hub.reading() as session:
            kinds = {(c.table_name, c.kind) for c in session.scalars(select(HubConflict))}
        assert ("dossier", "stale_version") in kinds  # the edit of d1 kept for a person, not dropped
        assert ("dossier", "business_key") in kinds  # the reused dossier number flagged
        from desktop.sync.receipt import import_receipt

        with restored.transaction(officer="canbo") as session:
            import_receipt(session, Path(outcome.receipt_file))  # type: ignore[arg-type]
        with restored.reading() as session:
            rejections = session.scalars(select(SyncRejection)).all()
        assert {r.code for r in rejections} == {"stale_version", "business_key"}
        assert all("tỉnh" in r.message for r in rejections)
    finally:
        restored.dispose()


def test_copied_file_without_marker_gets_new_epoch(db: Database, db_path: Path, tmp_path: Path) -> None:
    first = identity.ensure_epoch(db)
    assert identity.ensure_epoch(db) == first  # stable while nothing happens
    copy = tmp_path / "copy.sqlite3"
    _backup(db_path, copy)
    other = open_database(copy)
    try:
        assert not Path(f"{copy}.epoch").exists()
        assert identity.ensure_epoch(other) != first
    finally:
        other.dispose()


def test_marker_naming_another_epoch_starts_new_one(db: Database, db_path: Path) -> None:
    first = identity.ensure_epoch(db)
    Path(f"{db_path}.epoch").write_text("11111111-2222-3333-4444-555555555555\n0\n", encoding="ascii")
    second = identity.ensure_epoch(db)
    assert second not in (first, "11111111-2222-3333-4444-555555555555")
    assert Path(f"{db_path}.epoch").read_text(encoding="ascii").split()[0] == second
    assert identity.ensure_epoch(db, restored=True) != second
