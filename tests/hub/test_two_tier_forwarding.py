"""Issue #15, store and forward: commune A (10375) receives a dossier for commune B (10376); it travels
A → hub → B by USB (inbox file) and over the network (sync push), B resolves it, the result travels back
and A returns it. Reports count it under B; A's on_behalf section counts it; the province counts it once.
Any order or repetition of the files gives the same state. SQLite and PostgreSQL; a real HTTP server."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop import settings
from desktop.db.models import Dossier
from desktop.db.session import Database
from desktop.platform import clock
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from desktop.services import dossiers, forwarding
from desktop.services.desk import put_setting
from desktop.sync import inbox
from province import report_counts
from province.db import Hub
from province.importer import import_file
from province.outbox import write_outbox
from province.reports import periodic
from province.schema import DATA_TABLES
from tests.sync_support import connect_desk, data_state, deliver, export, neighbour_desk

B_UNIT = "10376"
PERIOD = "2026-11"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clock.VN_TZ)


@pytest.fixture
def desks(db: Database, hub: Hub, tmp_path: Path) -> tuple[Database, Database]:
    other = neighbour_desk(tmp_path / "b.sqlite3")
    connect_desk(db, hub, tmp_path / "a")
    connect_desk(other, hub, tmp_path / "b")
    with db.transaction(officer="setup") as s:
        put_setting(s, settings.PROVINCE_UNITS.key, [{"code": B_UNIT, "name": "UBND xã Tân Phú"}])
    yield db, other
    other.dispose()


def _receive_for_b(a: Database) -> tuple[str, str]:
    with a.transaction(officer="canbo") as s:
        own = dossiers.receive(s, dossiers.Reception("2.000815", dossiers.Applicant("Lê Văn Một"), at=at(16, 8))).code
        code = dossiers.receive(s, dossiers.Reception("2.000815", dossiers.Applicant("Trần Thị Hai"), at=at(16, 9),
                                                      resolver=B_UNIT)).code
        forwarding.transfer(s, code, via="hub", at=at(16, 9, 30))
    return own, code


def _resolve_at_b(b: Database, code: str) -> None:
    with b.transaction(officer="canbo") as s:
        dossiers.start(s, code, at=at(16, 10))
        dossiers.record_result(s, code, at=at(16, 11))  # a same-day procedure: due 16/11 17:00


def _status(desk: Database, code: str) -> tuple[str, str | None]:
    with desk.reading() as s:
        row = s.scalar(select(Dossier).where(Dossier.code == code))
        assert row is not None
        return row.status, row.result


def _inbox(hub: Hub, desk: Database, unit: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    written = write_outbox(hub, unit, folder)
    path = Path(written["file"])
    return path, inbox.apply_file(desk, path.read_bytes(), officer="canbo").as_json()


def _report(desk: Database) -> dict[str, Any]:
    with desk.reading() as s:
        return periodic_report(s, parse_period(PERIOD, calendar=True))


def test_forward_by_usb_resolve_return(desks: tuple[Database, Database], hub: Hub, tmp_path: Path) -> None:
    a, b = desks
    own, code = _receive_for_b(a)
    files = [export(a, tmp_path / "usb1").file]
    deliver(hub, a, _export_last(files), tmp_path / "usb1")

    first, got = _inbox(hub, b, B_UNIT, tmp_path / "usb1")
    assert got["applied"] >= 3 and got["dossiers"] == 1 and not got["problems"]  # dossier, components, events
    assert _status(b, code) == ("transferred", None)
    with b.reading() as s:
        assert s.scalar(select(Dossier.code).where(Dossier.code == own)) is None  # A's own stays at A
    _resolve_at_b(b, code)
    b_batch = export(b, tmp_path / "usb2")
    outcome = deliver(hub, b, b_batch, tmp_path / "usb2")
    assert outcome.rejected == 0  # B never sends A's dossier row, only its own events
    files.append(b_batch.file)

    _, back = _inbox(hub, a, "10375", tmp_path / "usb2")
    assert back["applied"] >= 2 and not back["problems"]
    assert _status(a, code) == ("resolved", "approved")
    with a.transaction(officer="canbo") as s:
        dossiers.return_result(s, code, at=at(16, 15))
    a_batch = export(a, tmp_path / "usb3")
    deliver(hub, a, a_batch, tmp_path / "usb3")
    files.append(a_batch.file)
    _inbox(hub, b, B_UNIT, tmp_path / "usb3")
    assert _status(b, code)[0] == "returned"

    again = inbox.apply_file(b, first.read_bytes(), officer="canbo").as_json()  # an old file, again
    assert again["applied"] == 0 and _status(b, code)[0] == "returned"

    a_report, b_report = _report(a), _report(b)
    assert a_report["total"]["received"]["total"] == 1 and a_report["total"]["resolved"]["total"] == 0
    assert a_report["on_behalf"] == {"received": 1, "transferred": 1, "results_back": 1, "returned": 1,
                                     "returned_on_time": 1, "returned_late": 0}
    assert b_report["total"]["received"]["total"] == 1 and b_report["total"]["resolved"]["total"] == 1
    assert b_report["on_behalf"]["received"] == 0
    province = periodic(hub, unit="all", period=PERIOD, calendar=True)
    assert province["total"]["received"]["total"] == 2 and province["total"]["resolved"]["total"] == 1
    with hub.reading() as session:  # issue 14: the refold of the resolver's events reached the aggregates
        assert report_counts.check(session) == []
    by_b = periodic(hub, unit=B_UNIT, period=PERIOD, calendar=True)
    assert by_b["total"]["resolved"]["total"] == 1 and by_b["total"]["resolved"]["early"] + \
        by_b["total"]["resolved"]["on_time"] == 1
    by_a = periodic(hub, unit="10375", period=PERIOD, calendar=True)
    assert by_a["total"]["received"]["total"] == 1 and by_a["on_behalf"]["returned"] == 1

    # The same batches in another order, each twice, at a fresh hub with the same keys: same rows.
    reference = data_state(hub)
    _replay_elsewhere(hub, files, reference, tmp_path)


def _export_last(files: list[Any]) -> Any:
    from desktop.sync.export import ExportResult

    assert files[-1] is not None
    return ExportResult(files[-1], None, 1, None, None, "")


def _replay_elsewhere(hub: Hub, files: list[Path], reference: dict[str, Any], tmp_path: Path) -> None:
    from tests.sync_support import fresh_hub

    url, schema = (None, None) if hub.engine.dialect.name == "sqlite" else _pg_url(hub)
    other = fresh_hub(url, tmp_path / "hub2", keys_from=hub)
    try:
        _copy_devices(hub, other)
        for path in [*reversed(files), *files]:
            assert import_file(other, path).status in ("applied", "duplicate")
        state = data_state(other)
        for table in ("dossier", "dossier_event", "dossier_component"):
            assert state[table] == reference[table], table
    finally:
        other.dispose()
        if schema:
            from tests.sync_support import drop_pg_schema

            drop_pg_schema(os.environ["MOTCUA_PG_URL"], schema)


def _pg_url(hub: Hub) -> tuple[str, str]:
    from tests.sync_support import pg_schema_url

    return pg_schema_url(os.environ["MOTCUA_PG_URL"])


def _copy_devices(source: Hub, target: Hub) -> None:
    from province.models import HubDevice

    with source.reading() as s:
        devices = [{c.name: getattr(d, c.name) for c in HubDevice.__table__.columns} for d in s.scalars(select(HubDevice))]
    with target.transaction() as s:
        for values in devices:
            s.add(HubDevice(**values))


def test_forward_over_the_network(desks: tuple[Database, Database], hub: Hub, tmp_path: Path) -> None:
    from desktop.sync.push import Backoff, push
    from tests.net.conftest import LiveHub, free_port

    a, b = desks
    live = LiveHub(hub=hub, port=free_port())
    live.start()
    try:
        fast = Backoff(attempts=3, base_delay=0.01, max_delay=0.05, max_seconds=5, timeout=20)
        _, code = _receive_for_b(a)
        assert push(a, live.url, backoff=fast).inbox == {"applied": 0, "unchanged": 0, "dossiers": 0, "problems": []}
        pulled = push(b, live.url, backoff=fast).inbox
        assert pulled is not None and pulled["dossiers"] == 1 and _status(b, code)[0] == "transferred"
        _resolve_at_b(b, code)
        assert push(b, live.url, backoff=fast).status == "applied"
        assert push(a, live.url, backoff=fast).inbox["applied"] >= 2  # type: ignore[index]
        assert _status(a, code) == ("resolved", "approved")
        with a.transaction(officer="canbo") as s:
            dossiers.return_result(s, code, at=at(16, 15))
        push(a, live.url, backoff=fast)
        push(b, live.url, backoff=fast)
        assert _status(b, code)[0] == "returned"
        table = DATA_TABLES["dossier"]
        with hub.engine.connect() as conn:
            row = conn.execute(select(table.c.status, table.c.result, table.c.owner_unit)
                               .where(table.c.code == code)).one()
        assert tuple(row) == ("returned", "approved", "10375")
    finally:
        live.stop()


def test_inbox_for_another_unit_or_tampered_is_refused(desks: tuple[Database, Database], hub: Hub,
                                                       tmp_path: Path) -> None:
    from desktop.sync.errors import SyncError

    a, b = desks
    _, code = _receive_for_b(a)
    deliver(hub, a, export(a, tmp_path / "u"), tmp_path / "u")
    path = Path(write_outbox(hub, B_UNIT, tmp_path / "u")["file"])
    with pytest.raises(SyncError):  # sealed to B's device: A cannot even open it
        inbox.apply_file(a, path.read_bytes())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the sealed payload
    with pytest.raises(SyncError):
        inbox.apply_file(b, bytes(data))
    with b.reading() as s:
        assert s.scalar(select(Dossier).where(Dossier.code == code)) is None



def test_outbox_and_inbox_commands(desks: tuple[Database, Database], hub: Hub, tmp_path: Path, cli,  # type: ignore[no-untyped-def]
                                   capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from province.cli import main as province_main

    a, _b = desks
    _, code = _receive_for_b(a)
    deliver(hub, a, export(a, tmp_path / "u"), tmp_path / "u")
    hub_args = ["--db-url", hub.engine.url.render_as_string(hide_password=False), "--data-dir", str(hub.data_dir)]
    capsys.readouterr()
    assert province_main([*hub_args, "outbox", "--unit", B_UNIT, "--out", str(tmp_path / "usb"), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["unit_code"] == B_UNIT and written["dossiers"] == 1 and Path(written["file"]).is_file()
    assert province_main([*hub_args, "outbox", "--unit", "99999", "--out", str(tmp_path / "usb")]) == 2
    assert "chưa có máy nào" in capsys.readouterr().err
    r = cli("sync", "inbox", written["file"], "--json", db=tmp_path / "b.sqlite3")
    assert r.code == 0, r.err
    assert r.json()["applied"] >= 3 and r.json()["dossiers"] == 1
    assert cli("sync", "inbox", written["file"], "--json", db=tmp_path / "b.sqlite3").json()["applied"] == 0
    shown = cli("dossier", "show", code, "--json", db=tmp_path / "b.sqlite3").json()
    assert shown["receiving_unit"] == "10375" and shown["resolving_body"]["is_this_unit"] is True
    assert "start" in shown["allowed_actions"]


def test_a_third_unit_cannot_write_on_a_forwarded_dossier(desks: tuple[Database, Database], hub: Hub,
                                                          tmp_path: Path) -> None:
    """The ownership rule, grown: a dossier's parts are written by its receiving or resolving unit only."""
    from province.apply import apply_changes
    from province.ownership import NOT_OWNER

    a, _b = desks
    _, code = _receive_for_b(a)
    deliver(hub, a, export(a, tmp_path / "u"), tmp_path / "u")
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        dossier_id = conn.scalar(select(table.c.id).where(table.c.code == code))

    def event(unit: str) -> dict[str, Any]:
        row = {"id": f"00000000-0000-4000-8000-0000000{unit}", "owner_unit": unit, "version": 1, "deleted": False,
               "dossier_id": dossier_id, "kind": "resolved", "at": "2026-11-16T11:00:00+07:00", "officer": "x",
               "note": None, "data": {"result": "rejected"}, "updated_at": "2026-11-16T11:00:00+07:00"}
        return {"table": "dossier_event", "record_id": row["id"], "version": 1, "op": "upsert", "row": row,
                "seq": 1, "epoch": "e"}

    with hub.transaction() as session:
        stranger = apply_changes(session, [event("10377")], device_id="d", unit_code="10377", batch_id="b1",
                                 covered={}, now=clock.now())
        resolver = apply_changes(session, [event("10376")], device_id="d", unit_code="10376", batch_id="b2",
                                 covered={}, now=clock.now())
    assert stranger.applied == 0 and [p["code"] for p in stranger.problems] == [NOT_OWNER]
    assert resolver.applied == 1 and not resolver.problems
