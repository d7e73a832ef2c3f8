"""End to end through the REAL backup and restore (desktop/platform/backup.py, ``python -m desktop restore``):
the restored desk exports under a new epoch, the hub skips nothing and reports no phantom gap, and
ends with every dossier the restored desk holds, at the desk's version.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from desktop import settings
from desktop.platform import backup, clock
from desktop.db.models import Dossier
from desktop.db.session import Database, open_database
from desktop.services import dossiers
from desktop.services.desk import get_setting
from desktop.sync import batch
from desktop.sync.receipt import import_receipt
from province.db import Hub
from province.importer import import_file
from province.keys import encryption_keys
from province.schema import DATA_TABLES
from tests.sync_support import connect_desk, deliver, export, receive


def _hub_dossiers(hub: Hub) -> dict[str, tuple[str, int, str]]:
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        return {row.id: (row.code, row.version, row.status) for row in conn.execute(select(table))}


def _desk_dossiers(db: Database) -> dict[str, tuple[str, int, str]]:
    with db.reading() as session:
        return {d.id: (d.code, d.version, str(d.status.value if hasattr(d.status, "value") else d.status))
                for d in session.scalars(select(Dossier))}


def test_real_restore_exports_under_new_epoch_and_hub_ends_complete(db: Database, db_path: Path, hub: Hub,
                                                                     tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, hub, tmp_path / "desk")
    first_codes = receive(db, 2, name="Nguyễn Thị Trước")
    deliver(hub, db, export(db, tmp_path / "1"), tmp_path / "1")
    # Work the province has not confirmed yet when the backup is taken: pending inside the backup.
    receive(db, 1, name="Lê Văn Chờ", start=datetime(2026, 11, 17, 8, 0, tzinfo=clock.VN_TZ))
    saved = backup.backup_now(db_path, tmp_path / "backups", "manual", second_dir="")
    with db.reading() as session:
        old_epoch = get_setting(session, settings.EPOCH.key)

    # The lost future: more work, carried to the province, then the PC's disk is replaced.
    receive(db, 2, name="Phạm Thị Mất", start=datetime(2026, 11, 18, 8, 0, tzinfo=clock.VN_TZ))
    lost = export(db, tmp_path / "2")
    deliver(hub, db, lost, tmp_path / "2")
    db.dispose()

    out = cli("restore", str(saved), "--json", db=db_path)
    assert out.code == 0, out.err
    restored_epoch = out.json()["epoch"]
    assert restored_epoch != old_epoch

    restored = open_database(db_path)
    try:
        with restored.transaction(officer="canbo") as session:  # an old dossier moves on after the restore
            dossiers.start(session, first_codes[0])
        receive(restored, 2, name="Đặng Văn Sau", start=datetime(2026, 11, 19, 8, 0, tzinfo=clock.VN_TZ))
        result = export(restored, tmp_path / "3")
        assert result.file is not None
        assert result.epoch == restored_epoch  # the restore's epoch, adopted by the sync layer
        with restored.reading() as session:
            history = get_setting(session, settings.EPOCH_HISTORY.key)
            assert get_setting(session, settings.EPOCH_RESTORED.key) is None  # the restore's note was consumed
        assert history[-1]["epoch"] == restored_epoch and history[-1]["reason"] == "restored"

        opened = batch.read_header(result.file.read_bytes())
        assert opened.header["epoch"] == restored_epoch
        files = batch.decrypt(opened, encryption_keys(hub))
        changes = batch.read_changes(files, json.loads(files["manifest.json"]))
        assert {c["epoch"] for c in changes} == {restored_epoch}  # the backup's unconfirmed work moved too
        seqs = sorted(c["seq"] for c in changes)
        assert seqs[0] <= lost.seq_to  # numbers the lost future used, now under another epoch: no collision

        outcome = import_file(hub, result.file, receipts_out=tmp_path / "3" / "receipts")
        assert outcome.status == "applied", outcome.as_json()
        body = json.loads(Path(outcome.receipt_file).read_bytes())["receipt"]  # type: ignore[arg-type]
        assert body["counts"]["skipped"] == 0  # nothing taken for something already seen
        assert body["counts"]["rejected"] == 0 and body["counts"]["conflict"] == 0
        assert body["gaps"] == []  # no phantom hole at the start of the new epoch
        with restored.transaction(officer="canbo") as session:
            import_receipt(session, Path(outcome.receipt_file))  # type: ignore[arg-type]

        desk = _desk_dossiers(restored)
        at_hub = _hub_dossiers(hub)
        assert len(desk) == 5
        for record_id, (code, version, status) in desk.items():  # every dossier of the restored desk,
            assert at_hub[record_id][:2] == (code, version)  # at the desk's version
            assert at_hub[record_id][2] == status
        assert len(at_hub) == 7  # plus the two of the lost future, which the province keeps
        out = cli("sync", "status", "--json", db=db_path)
        assert out.json()["pending_changes"] == 0
    finally:
        restored.dispose()
