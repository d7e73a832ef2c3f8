"""Desk → USB file → hub → receipt → desk, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop import settings
from desktop.db.models import Dossier
from desktop.db.session import Database
from desktop.services.desk import get_setting, put_setting
from desktop.sync import batch
from desktop.sync.status import sync_status
from province.db import Hub
from province.importer import import_file
from province.keys import encryption_keys
from province.models import HubConflict
from province.schema import DATA_TABLES
from tests.sync_support import connect_desk, deliver, export, hub_state, receive


def _hub_dossiers(hub: Hub) -> dict[str, str]:
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        return {row.code: row.applicant_name for row in conn.execute(select(table.c.code, table.c.applicant_name))}


def _record_ids(hub: Hub, path: Path) -> set[str]:
    sealed = batch.read_header(path.read_bytes())
    files = batch.decrypt(sealed, encryption_keys(hub))
    return {c["record_id"] for c in batch.read_changes(files, __import__("json").loads(files["manifest.json"]))}


def test_round_trip(db: Database, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 3, name="Trần Thị Bích")
    result = export(db, tmp_path / "usb")
    assert result.file is not None and result.file.exists() and not list((tmp_path / "usb").glob("*.part"))
    assert result.file.name.startswith("10375-") and result.file.suffix == ".mcb"
    outcome = deliver(hub, db, result, tmp_path / "usb")
    assert outcome.status == "applied" and outcome.applied == result.changes and outcome.skipped == 0
    assert _hub_dossiers(hub) == {code: f"Trần Thị Bích {i}" for i, code in enumerate(codes)}
    with db.reading() as session:
        status = sync_status(session)
        assert status["pending_changes"] == 0 and status["synced_changes"] > 0
        assert status["last_sync_at"] == "2026-11-20T16:00:00+07:00"
        assert status["batches"][0]["acknowledged_at"] is not None
    assert export(db, tmp_path / "usb2").file is None  # after the receipt: nothing to send


def test_reexport_without_receipt_is_cumulative(db: Database, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    first = export(db, tmp_path / "a")
    receive(db, 1, name="Lê Văn Cường")
    second = export(db, tmp_path / "b")
    assert first.file and second.file
    assert _record_ids(hub, first.file) < _record_ids(hub, second.file)
    assert second.seq_from == first.seq_from and second.seq_to > first.seq_to
    deliver(hub, db, second, tmp_path / "b")
    late = import_file(hub, first.file)  # the older stick arrives afterwards: harmless
    assert late.status == "applied" and late.applied == 0 and late.skipped == first.changes
    assert len(_hub_dossiers(hub)) == 3
    assert export(db, tmp_path / "c").file is None


def test_lost_stick_costs_nothing(db: Database, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 4)
    lost = export(db, tmp_path / "stick")
    assert lost.file is not None
    lost.file.unlink()
    again = export(db, tmp_path / "stick2")
    assert again.changes == lost.changes
    deliver(hub, db, again, tmp_path / "stick2")
    assert set(_hub_dossiers(hub)) == set(codes)
    with db.reading() as session:
        assert sync_status(session)["pending_changes"] == 0


def test_edit_after_sync_travels_again(db: Database, hub: Hub, tmp_path: Path) -> None:
    from desktop.services import dossiers

    connect_desk(db, hub, tmp_path / "desk")
    (code,) = receive(db, 1)
    deliver(hub, db, export(db, tmp_path / "1"), tmp_path / "1")
    with db.transaction(officer="canbo") as session:
        dossiers.start(session, code)
    second = export(db, tmp_path / "2")
    assert second.changes >= 2  # the dossier and its new event
    deliver(hub, db, second, tmp_path / "2")
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        status, version = conn.execute(select(table.c.status, table.c.version).where(table.c.code == code)).one()
    with db.reading() as session:
        local = session.scalar(select(Dossier).where(Dossier.code == code))
        assert (status, version) == (local.status, local.version) and status == "in_progress"


def test_dry_run_changes_nothing(db: Database, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    result = export(db, tmp_path / "usb")
    assert result.file is not None
    before = hub_state(hub)
    dry = import_file(hub, result.file, dry_run=True, receipts_out=tmp_path / "r")
    assert dry.status == "dry_run" and dry.applied == result.changes and dry.receipt_file is None
    assert hub_state(hub) == before
    real = import_file(hub, result.file)
    assert real.status == "applied" and real.applied == result.changes


def test_two_desks_of_one_unit(db: Database, db_path: Path, hub: Hub, tmp_path: Path) -> None:
    import shutil
    import uuid

    from desktop.db.session import open_database

    second_path = tmp_path / "desk2.sqlite3"
    shutil.copyfile(db_path, second_path)
    other = open_database(second_path)
    try:
        with db.transaction() as session:
            put_setting(session, settings.SEQ_RANGE.key, [1, 4999])
        with other.transaction() as session:
            put_setting(session, settings.SEQ_RANGE.key, [5000, 9999])
            put_setting(session, settings.DEVICE_ID.key, str(uuid.uuid4()))  # a second PC has its own identity
        connect_desk(db, hub, tmp_path / "d1")
        connect_desk(other, hub, tmp_path / "d2")
        codes_a = receive(db, 3, name="Phạm Văn A")
        codes_b = receive(other, 3, name="Phạm Văn B")
        assert not set(codes_a) & set(codes_b)
        assert all(code.endswith(("-0001", "-0002", "-0003")) for code in codes_a)
        assert all(code.endswith(("-5000", "-5001", "-5002")) for code in codes_b)
        ra = deliver(hub, db, export(db, tmp_path / "a"), tmp_path / "a")
        rb = deliver(hub, other, export(other, tmp_path / "b"), tmp_path / "b")
        assert ra.conflicts == rb.conflicts == 0 and ra.rejected == rb.rejected == 0
        assert set(_hub_dossiers(hub)) == set(codes_a) | set(codes_b)
        with db.reading() as s1, other.reading() as s2:
            assert get_setting(s1, settings.EPOCH.key) != get_setting(s2, settings.EPOCH.key)
        with hub.reading() as session:
            assert session.scalars(select(HubConflict)).all() == []
    finally:
        other.dispose()


def test_crash_mid_import_leaves_no_trace(db: Database, hub: Hub, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The process dies after the changes were written but before commit: nothing stays, re-import works."""
    import pytest

    from province import importer

    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    result = export(db, tmp_path / "usb")
    before = hub_state(hub)

    def die(_hub: Hub) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(importer.keys, "signing_key", die)
        import_file(hub, result.file)  # type: ignore[arg-type]
    assert hub_state(hub) == before
    assert not list((hub.data_dir / "staging").iterdir())
    assert import_file(hub, result.file).applied == result.changes  # type: ignore[arg-type]
