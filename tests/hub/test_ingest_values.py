"""The hub's value checks and conversions on the set-based ingest (issue 14, session 8): the fast paths
(a free-text value that needs no change skips its check; PostgreSQL copies values in COPY's binary
format) store exactly what the checks said, and a bad value still refuses the whole batch with a
message naming the table and column — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.platform import clock
from desktop.db.session import Database
from desktop.sync import batch, identity, keys
from desktop.sync.errors import SyncError
from province.db import Hub
from province.importer import import_file
from province.keys import encryption_keys
from province.schema import DATA_TABLES
from tests.sync_support import connect_desk, export, hub_state, receive


@pytest.fixture
def desk(db: Database, hub: Hub, tmp_path: Path) -> dict[str, Any]:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2, name="Lê Thị Bình")
    honest = export(db, tmp_path / "honest")
    files = batch.decrypt(batch.read_header(honest.file.read_bytes()), encryption_keys(hub))
    return {"files": files, "manifest": batch.canonical.loads(files["manifest.json"])}


def _import(db: Database, hub: Hub, desk: dict[str, Any], tmp_path: Path, edit: Any) -> Any:
    """Sign a batch of the desk's changes after ``edit`` changed the first dossier's row, and import it."""
    return _import_changes(db, hub, desk, tmp_path,
                           lambda changes: edit(next(c for c in changes if c["table"] == "dossier")["row"]))


def _import_changes(db: Database, hub: Hub, desk: dict[str, Any], tmp_path: Path, edit: Any) -> Any:
    """Sign a batch of the desk's changes after ``edit`` changed them, and import it."""
    manifest = desk["manifest"]
    changes = batch.read_changes(desk["files"], manifest)
    edit(changes)
    with db.reading() as session:
        device = identity.device_id(session)
    key = identity.signing_key(device)
    spec = batch.BatchSpec(batch_id=str(uuid.uuid4()), device_id=device, unit_code="10375",
                           epoch=manifest["epoch"], seq_from=manifest["seq_from"], seq_to=manifest["seq_to"],
                           created_at=clock.now(), app_version=manifest["app_version"],
                           schema_version=manifest["schema_version"], ranges=manifest["ranges"])
    data, _ = batch.build(spec, changes, signing_key=key, device_cert=identity.certificate(device, "10375", key),
                          recipients=keys.recipients(hub.meta("public_bundle")))
    path = tmp_path / f"{spec.batch_id}.mcb"
    path.write_bytes(data)
    return import_file(hub, path)


def _stored_dossiers(hub: Hub) -> list[Any]:
    table = DATA_TABLES["dossier"]
    with hub.reading() as session:
        return list(session.execute(select(table).order_by(table.c.code)).mappings())


def test_values_are_stored_as_the_checks_say(db: Database, hub: Hub, desk: dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # a desk writing \u escapes (a lone surrogate cannot be written as UTF-8): still valid, strict JSON
    monkeypatch.setattr(batch, "change_line", lambda change: json.dumps(change, sort_keys=True).encode("ascii"))

    def edit(row: dict[str, Any]) -> None:
        row.update(applicant_name="Lê\x07Thị\x00Bình\x85\ud800 X",  # BEL, NUL, C1, a lone surrogate: replaced
                   applicant_address="Thôn 1\txã\u00a0Đông",  # tab and no-break space: kept as they are
                   notes="dòng một\ndòng hai",  # a line break in a multi-line text: kept
                   received_at="2026-11-16T01:00:00+00:00",  # another offset: the same moment in Vietnam time
                   time_value=5, return_by_post=1, sets_count=3)

    outcome = _import(db, hub, desk, tmp_path, edit)
    assert outcome.status == "applied", outcome.as_json()
    first = _stored_dossiers(hub)[0]
    assert first["applicant_name"] == "Lê\ufffdThị\ufffdBình\ufffd\ufffd X"
    assert first["applicant_address"] == "Thôn 1\txã\u00a0Đông"
    assert first["notes"] == "dòng một\ndòng hai"
    assert first["received_at"] == datetime(2026, 11, 16, 8, 0, tzinfo=clock.VN_TZ)
    assert first["time_value"] == 5.0 and first["return_by_post"] is True and first["sets_count"] == 3


@pytest.mark.parametrize(("field", "value", "why"), [
    ("applicant_name", 123, "không phải chuỗi"),
    ("applicant_name", "x" * 256, "dài hơn 255 ký tự"),
    ("notes", ["a"], "không phải chuỗi"),
    ("received_at", "1999-12-31T23:59:59+07:00", "ngoài khoảng 2000–2100"),
    ("received_at", "2101-01-01T00:00:00+07:00", "ngoài khoảng 2000–2100"),
    ("time_value", "5", "không phải số"),
    ("return_by_post", 2, "không phải đúng/sai"),
])
def test_a_bad_value_refuses_the_batch_naming_the_field(db: Database, hub: Hub, desk: dict[str, Any],
                                                        tmp_path: Path, field: str, value: Any, why: str) -> None:
    before = hub_state(hub)
    outcome = _import(db, hub, desk, tmp_path, lambda row: row.update({field: value}))
    assert (outcome.status, outcome.code) == ("refused", "bad_value"), outcome.as_json()
    assert f"dossier.{field}: {why}" in outcome.message
    assert hub_state(hub) == before  # nothing written


def test_the_vietnam_wall_time_of_any_moment_is_bound_as_before() -> None:
    """``VNDateTime``'s fast path (fixed +07:00 since 1976) binds every moment as ``to_vn(…)`` did."""
    import random
    from datetime import timedelta, timezone
    from zoneinfo import ZoneInfo

    from desktop.db.types import VNDateTime

    bind = VNDateTime().process_bind_param
    zones = [timezone.utc, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5, minutes=-30)), clock.VN_TZ,
             ZoneInfo("Europe/Paris"), None]
    rnd = random.Random(14)
    for _ in range(20_000):  # 1900–2100: before 1976 Vietnam had other offsets, which the exact path handles
        wall = datetime(1900, 1, 1) + timedelta(seconds=rnd.randrange(200 * 365 * 86400), microseconds=rnd.randrange(10 ** 6))
        moment = wall.replace(tzinfo=rnd.choice(zones))
        assert bind(moment, None) == clock.to_vn(moment).replace(tzinfo=None), moment


def test_an_integer_the_database_cannot_hold_is_refused_not_wrapped(db: Database, hub: Hub, desk: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    """A 64-bit value in an INTEGER column: SQLite holds it; PostgreSQL's INTEGER is 32 bits, and COPY's binary
    format would store 2**40 as 0 — the batch is refused instead, naming the column."""
    before = hub_state(hub)
    outcome = _import(db, hub, desk, tmp_path, lambda row: row.update(sets_count=2 ** 40))
    if hub.engine.dialect.name == "sqlite":
        assert outcome.status == "applied", outcome.as_json()
        assert max(r["sets_count"] for r in _stored_dossiers(hub)) == 2 ** 40
        return
    assert (outcome.status, outcome.code) == ("refused", "bad_value"), outcome.as_json()
    assert "dossier.sets_count: ngoài khoảng số nguyên 32 bit" in outcome.message
    assert hub_state(hub) == before



@pytest.mark.parametrize("direct", [True, False])
def test_of_two_bad_values_the_first_table_s_refuses_the_batch(hub: Hub, direct: bool,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Session 12: while a table's upsert runs on the server the next tables' rows are typed ahead; a bad
    value found there waits for its table's turn. A component out of 32 bits (refused when copied, on
    PostgreSQL) and an event whose moment is not one (refused when typed, ahead of the component's copy):
    the batch is refused for the component's, as when each table was typed just before its write."""
    from province import staging
    from province.apply import apply_changes
    from tests.hub.test_report_upkeep_batches import UNIT, _change, _dossier

    monkeypatch.setattr(staging, "DIRECT_NEW", direct)  # False: the dossier staged, its upsert in flight
    changes = [_change("dossier", _dossier("d1", "2026-10-20T09:00:00+07:00"), 1, 1),
               _change("dossier_component", {"id": "c1", "owner_unit": UNIT, "dossier_id": "d1", "position": 2 ** 40,
                                             "name": "Tờ khai", "deleted": False}, 1, 2),
               _change("dossier_event", {"id": "e1", "owner_unit": UNIT, "dossier_id": "d1", "kind": "received",
                                         "at": "hôm qua", "data": {}, "deleted": False}, 1, 3)]
    with pytest.raises(SyncError) as refused, hub.transaction() as session:
        apply_changes(session, changes, device_id="d", unit_code=UNIT, batch_id="b", covered={}, now=clock.now())
    if hub.engine.dialect.name == "sqlite":  # SQLite holds 2**40: the event's moment refuses the batch
        assert "dossier_event.at: không phải thời điểm" in refused.value.message
    else:
        assert "dossier_component.position: ngoài khoảng số nguyên 32 bit" in refused.value.message
