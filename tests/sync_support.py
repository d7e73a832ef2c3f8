"""Helpers shared by the desk sync tests and the hub tests: a hub with keys, an enrolled desk, dossiers."""

from __future__ import annotations

import io
import os
import shutil
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.platform import clock
from desktop.db.session import Database, open_database
from desktop.services import dossiers
from desktop.sync import keys
from desktop.sync.export import ExportResult, export_batch
from desktop.sync.receipt import import_receipt
from province.db import Hub, open_hub
from province.devices import enrol
from province.importer import ImportResult, import_file
from province.keys import init_keys
from province.models import HubBatch, HubConflict, HubDevice, HubReceipt, HubRecordOrigin, HubWatermark
from province.schema import DATA_TABLES

PROVINCE = "UBND tỉnh Thử Nghiệm"


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip of ``entries`` built by hand: the hostile-batch tests' raw material (any name, any method)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def pg_url_or_skip() -> str:
    """``MOTCUA_PG_URL``, or the test is skipped; under CI it fails instead (the hub suite and the reports
    must run on PostgreSQL there)."""
    import pytest

    url = os.environ.get("MOTCUA_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI is set but MOTCUA_PG_URL is not: the PostgreSQL tests must run")
        pytest.skip("MOTCUA_PG_URL not set (start PostgreSQL with bootstrap.start_postgres())")
    return url


def pg_schema_url(url: str) -> tuple[str, str]:
    """A private schema in the shared PostgreSQL test database, so parallel runs never collide."""
    from sqlalchemy import text

    from desktop.db.session import make_engine

    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def drop_pg_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    from desktop.db.session import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def fresh_hub(url: str | None, folder: Path, *, keys_from: Hub | None = None) -> Hub:
    """A hub with keys (its own, or a copy of another hub's), on SQLite in ``folder`` or on ``url``."""
    hub = open_hub(url or f"sqlite:///{folder / 'hub.sqlite3'}", data_dir=folder)
    if keys_from is None:
        init_keys(hub, name=PROVINCE, keys_out=folder / "public")
        return hub
    from province.db import put_meta

    shutil.copytree(keys_from.data_dir / "keys", folder / "keys", dirs_exist_ok=True)
    with hub.transaction() as session:
        for key in ("name", "signing_kid", "public_bundle"):
            put_meta(session, key, keys_from.meta(key))
    return hub


def connect_desk(db: Database, hub: Hub, folder: Path) -> None:
    """Install the province key on the desk and enrol the desk at the hub."""
    folder.mkdir(parents=True, exist_ok=True)
    with db.transaction(officer="setup") as session:  # the installer's system account: key install is admin-only
        keys.install_bundle(session, hub.data_dir / "public" / "province.pub")
        keys.write_enrolment(session, folder / "enrol.json")
    enrol(hub, folder / "enrol.json")


def enrolled_desk(work: Path, enrol_dir: str, *, applicant: str) -> tuple[Database, Hub]:
    """A demo-unit desk in ``work`` enrolled with a fresh SQLite hub, holding three received dossiers of
    ``applicant``: the starting point of the hostile-batch fuzzer and of the committed fixture batches."""
    from desktop.demo import start_demo_desk

    db = open_database(work / "desk.sqlite3")
    with db.transaction(officer="setup") as session:
        start_demo_desk(session)
    hub = fresh_hub(None, work / "hub")
    connect_desk(db, hub, work / enrol_dir)
    receive(db, 3, name=applicant)
    return db, hub


def receive(db: Database, count: int, *, name: str = "Nguyễn Văn An", start: datetime | None = None) -> list[str]:
    """Receive ``count`` dossiers (one per minute, office hours on 2026-11-16 onwards)."""
    moment = start or datetime(2026, 11, 16, 8, 0, tzinfo=clock.VN_TZ)
    codes = []
    with db.transaction(officer="canbo") as session:
        for i in range(count):
            reception = dossiers.Reception(procedure_code="2.000815",
                                           applicant=dossiers.Applicant(name=f"{name} {i}"),
                                           at=moment + timedelta(minutes=i))
            codes.append(dossiers.receive(session, reception).code)
    return codes


def export(db: Database, folder: Path) -> ExportResult:
    return export_batch(db, folder, officer="canbo")


def deliver(hub: Hub, db: Database, result: ExportResult, folder: Path) -> ImportResult:
    """Carry the batch to the hub and the receipt back to the desk."""
    assert result.file is not None
    outcome = import_file(hub, result.file, receipts_out=folder / "receipts")
    assert outcome.status in ("applied", "duplicate"), outcome.as_json()
    assert outcome.receipt_file is not None
    with db.transaction(officer="canbo") as session:
        import_receipt(session, Path(outcome.receipt_file))
    return outcome


def data_state(hub: Hub) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows, sorted: what 'same hub state' means."""
    with hub.engine.connect() as conn:
        return {name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
                for name, table in DATA_TABLES.items()}


def hub_state(hub: Hub) -> dict[str, list[tuple[Any, ...]]]:
    """Data tables plus the hub's bookkeeping (but not the quarantine and audit of refusals)."""
    state = data_state(hub)
    with hub.engine.connect() as conn:
        for model in (HubBatch, HubReceipt, HubWatermark, HubRecordOrigin, HubConflict, HubDevice):
            table = model.__table__
            state[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
    return state


def neighbour_desk(path: Path) -> Database:
    """A second commune (10376, its own PC and database) with the starter catalogue."""
    from desktop.services import catalog, desk

    other = open_database(path)
    with other.transaction() as session:
        desk.initialise_desk(session, unit_code="10376", unit_name="UBND xã Tân Phú", agency_id="000.00.24.H49")
        catalog.import_starter(session)
    return other


def copy_desk(source: Path, target: Path) -> Database:
    shutil.copyfile(source, target)
    return open_database(target)
