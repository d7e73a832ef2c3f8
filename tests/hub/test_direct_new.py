"""Records new to the hub are copied straight into their tables (issue 14, session 9): the same batches
imported with that path and through staging + guarded upsert only (``staging.DIRECT_NEW = False``) leave
the same rows in every data table, the same origins, watermarks, conflicts and aggregates, and the same
counts — first imports, updates, a mix of both, a business-key clash and a restored desk's replay."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.db.session import Database
from desktop.platform import clock
from desktop.sync import batch, identity, keys
from province import staging
from province.db import Hub
from province.devices import enrol
from province.importer import import_file
from province.keys import encryption_keys
from province.schema import DATA_TABLES
from province.models import HubConflict, HubRecordOrigin, HubReportCount, HubReportWatch, HubWatermark
from tests.sync_support import connect_desk, data_state, export, receive

_TIMES = {"detected_at", "resolved_at"}


def _state(hub: Hub) -> dict[str, list[tuple[str, ...]]]:
    """Every data table's rows and the bookkeeping an import writes, as text, sorted (times of import aside)."""
    state = data_state(hub)
    with hub.engine.connect() as conn:
        for model in (HubRecordOrigin, HubWatermark, HubConflict, HubReportCount, HubReportWatch):
            table = model.__table__
            columns = [c for c in table.columns if c.name not in _TIMES | {"id", "updated_at"}]
            state[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(*columns)))
    return state


def _restored_replay(db: Database, hub: Hub, path: Path, tmp_path: Path) -> Path:
    """The desk's first batch as a restored desk would send it again (a new epoch), except that one dossier
    comes under a new id with its old code: a business-key clash with a stored record of another id."""
    files = batch.decrypt(batch.read_header(path.read_bytes()), encryption_keys(hub))
    manifest = batch.canonical.loads(files["manifest.json"])
    changes = batch.read_changes(files, manifest)
    epoch = str(uuid.uuid4())
    for seq, change in enumerate(changes, start=1):
        change["epoch"], change["seq"] = epoch, seq
    renamed = next(c for c in changes if c["table"] == "dossier")
    renamed["record_id"] = renamed["row"]["id"] = str(uuid.uuid4())
    with db.reading() as session:
        device = identity.device_id(session)
    key = identity.signing_key(device)
    spec = batch.BatchSpec(batch_id=str(uuid.uuid4()), device_id=device, unit_code="10375", epoch=epoch,
                           seq_from=1, seq_to=len(changes), created_at=clock.now(),
                           app_version=manifest["app_version"], schema_version=manifest["schema_version"],
                           ranges={epoch: [1, len(changes)]})
    data, _ = batch.build(spec, changes, signing_key=key, device_cert=identity.certificate(device, "10375", key),
                          recipients=keys.recipients(hub.meta("public_bundle")))
    target = tmp_path / f"{spec.batch_id}.mcb"
    target.write_bytes(data)
    return target


def _batches(db: Database, hub: Hub, tmp_path: Path) -> list[Path]:
    """A first batch, then updates of those records mixed with new ones, then the restored replay."""
    from desktop.services import dossiers

    codes = receive(db, 6, name="Trần Thị Cúc")
    first = export(db, tmp_path / "b1").file
    for code in codes[:3]:
        with db.transaction(officer="canbo") as session:
            dossiers.start(session, code)  # an update and a new event
    receive(db, 2, name="Đỗ Văn Đức")
    second = export(db, tmp_path / "b2").file
    assert first is not None and second is not None
    return [first, second, _restored_replay(db, hub, first, tmp_path)]


def _import_all(hub: Hub, paths: list[Path], *, direct: bool, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(staging, "DIRECT_NEW", direct)
    results = [import_file(hub, path) for path in paths]
    assert all(r.status == "applied" for r in results), [r.as_json() for r in results]
    return [r.counts() | {"problems": sorted(p["record_id"] + p["code"] for p in _problems(r))} for r in results]


def _two_hubs(db: Database, hub_factory: Callable[..., Hub], tmp_path: Path) -> tuple[Hub, Hub, list[Path]]:
    """Two hubs with the same keys and the desk enrolled on both, and the desk's batches."""
    direct = hub_factory()
    staged = hub_factory(keys_from=direct)
    connect_desk(db, direct, tmp_path / "desk")
    enrol(staged, tmp_path / "desk" / "enrol.json")
    return direct, staged, _batches(db, direct, tmp_path)


def _problems(result: Any) -> list[dict[str, Any]]:
    """The problems the signed receipt names (record, code)."""
    return list(batch.canonical.loads(result.receipt)["receipt"]["problems"])


def test_direct_copy_and_staging_leave_the_same_hub(db: Database, hub_factory: Callable[..., Hub], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    direct, staged, paths = _two_hubs(db, hub_factory, tmp_path)
    copied = staging.insert_new
    written: list[str] = []

    def counting(session: Any, table: Any, rows: Any, **kw: Any) -> bool:
        done = copied(session, table, rows, **kw)
        written.extend(r["id"] for r in rows if done)
        return done

    monkeypatch.setattr(staging, "insert_new", counting)
    counts_direct = _import_all(direct, paths, direct=True, monkeypatch=monkeypatch)
    assert bool(written) == (direct.engine.dialect.name == "postgresql")  # PostgreSQL took the direct path
    counts_staged = _import_all(staged, paths, direct=False, monkeypatch=monkeypatch)
    assert counts_direct == counts_staged
    assert counts_direct[0]["applied"] > 0 and counts_direct[1]["applied"] > 0
    assert counts_direct[2]["conflicts"] >= 1  # the renamed dossier's code is held by the stored one
    assert _state(direct) == _state(staged)
    with direct.reading() as session:  # the clash was set aside, not written under its new id
        kinds = {c.kind for c in session.scalars(select(HubConflict))}
    assert "business_key" in kinds


@pytest.mark.postgres
def test_a_concurrent_first_insert_falls_back_to_staging(db: Database, hub_factory: Callable[..., Hub],
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If another import wrote an origin for one of the ids between the look-up and the COPY, the COPY is
    undone (savepoint) and the records go through staging: the same hub as the staging path."""
    direct, staged, paths = _two_hubs(db, hub_factory, tmp_path)
    if direct.engine.dialect.name != "postgresql":
        pytest.skip("the direct copy is PostgreSQL's")
    looked_up = staging.new_records
    raced: list[int] = []

    def racing(session: Any, table: Any, rows: Any, keys: Any) -> set[str]:
        fresh = looked_up(session, table, rows, keys)
        stored = {r["id"] for r in rows} - fresh
        if stored:  # pretend those were still new: the COPY of their origins meets the stored ones
            raced.append(len(stored))
        return fresh | stored

    monkeypatch.setattr(staging, "new_records", racing)
    counts_direct = _import_all(direct, paths, direct=True, monkeypatch=monkeypatch)
    monkeypatch.setattr(staging, "new_records", looked_up)
    counts_staged = _import_all(staged, paths, direct=False, monkeypatch=monkeypatch)
    assert raced and counts_direct == counts_staged
    assert _state(direct) == _state(staged)


def test_a_date_business_key_is_found_whatever_the_date_style(hub: Hub) -> None:
    """The held keys are matched on the text the import sent, not on the column cast back to text."""
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    table = DATA_TABLES["calendar_override"]
    with hub.transaction() as session:
        session.execute(table.insert().values(id=str(uuid.uuid4()), owner_unit="10375", day=date(2026, 12, 5),
                                              working=False, reason="Nghỉ bù"))
        session.connection().exec_driver_sql("SET LOCAL DateStyle = 'SQL, DMY'")  # dates read as 05/12/2026
        rows = [{"id": str(uuid.uuid4()), "owner_unit": "10375", "day": date(2026, 12, 5)},
                {"id": str(uuid.uuid4()), "owner_unit": "10375", "day": date(2026, 12, 6)}]
        held = staging._held_keys(session, table, ("owner_unit", "day"), rows)
        assert held == {("10375", "2026-12-05")}  # the stored day is held; the other day is new
        session.rollback()


def test_new_records_are_those_the_hub_holds_nothing_of(hub: Hub) -> None:
    """Not new: an id with an origin, an id stored without one (written before origins were kept), an id
    whose business key a stored row holds. New: the rest — whatever order they come in."""
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    table = DATA_TABLES["field"]
    ids = {name: str(uuid.uuid4()) for name in ("origin", "bare", "fresh", "other", "key", "holder")}
    with hub.transaction() as session:
        for name in ("origin", "bare", "holder"):
            session.execute(table.insert().values(id=ids[name], owner_unit="10375", name=f"Lĩnh vực {name}"))
        session.add(HubRecordOrigin(table_name="field", record_id=ids["origin"], device_id="d", epoch="e", seq=1,
                                    version=1))
    rows = [{"id": ids[name], "owner_unit": "10375", "name": f"Lĩnh vực {name}"}
            for name in ("fresh", "origin", "bare", "other")]
    rows.append({"id": ids["key"], "owner_unit": "10375", "name": "Lĩnh vực holder"})  # the holder's key
    with hub.transaction() as session:
        fresh = staging.new_records(session, table, rows, [("owner_unit", "name")])
        assert fresh == {ids["fresh"], ids["other"]}
        # the first and the last already have origins: taken for a batch of updates, nothing looked up
        session.add(HubRecordOrigin(table_name="field", record_id=ids["key"], device_id="d", epoch="e", seq=2,
                                    version=1))
        session.flush()
        assert staging.new_records(session, table, [rows[1], *rows[2:]], [("owner_unit", "name")]) == set()
        session.rollback()


def test_a_text_array_literal_gives_back_any_text(hub: Hub) -> None:
    """``id_lists.text_array``: ids are any text a batch carries (quotes, backslashes, commas, braces, the
    word NULL, nothing at all) and come back from PostgreSQL exactly as sent."""
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    from province.id_lists import text_array

    texts = ['a"b', "c\\d", "{x}", "NULL", "", " sp ", "é,😀", "a'b", '\\"', "}", "{"]
    with hub.engine.connect() as conn:
        back = conn.exec_driver_sql("SELECT u FROM unnest(%(a)s::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n",
                                    {"a": text_array(texts)}).scalars().all()
    assert back == texts
