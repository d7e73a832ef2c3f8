"""Issue 14, partitioning for growth: on PostgreSQL the hub's dossiers and events are partitioned by year
(``province/partitions.py``). A new year's partition appears on import; an id stays unique across years,
also when two imports insert it at once; a newer version naming another year moves the row (an older one,
or another unit's, changes nothing); several processes creating one year make it once; the year's
queries are pruned. The version and ownership outcomes are checked on SQLite too (no partitions there).
Upgrading an unpartitioned hub is in ``test_partitions_upgrade.py``.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from desktop.db.session import Database
from desktop.platform import clock
from desktop.sync import canonical
from province import partitions
from province.apply import apply_changes
from province.db import Hub, open_hub
from province.schema import DATA_TABLES
from tests.sync_support import connect_desk, deliver, export, receive

DOSSIER = DATA_TABLES["dossier"]


def setup_hub(db: Database, hub: Hub, tmp_path: Path, count: int = 2,
              start: datetime | None = None) -> list[dict[str, Any]]:
    """``count`` dossiers received on the desk and pushed; their stored rows as they travel (ISO text)."""
    connect_desk(db, hub, tmp_path / "a")
    receive(db, count, start=start)
    deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
    with hub.engine.connect() as conn:
        rows = conn.execute(select(DOSSIER).order_by(DOSSIER.c.code)).mappings().all()
    return [canonical.loads(canonical.dumps(dict(r))) for r in rows]


def change(row: dict[str, Any], version: int, seq: int = 1, **edits: Any) -> dict[str, Any]:
    new = dict(row, version=version, **edits)
    return {"table": "dossier", "record_id": new["id"], "op": "upsert", "version": version, "row": new,
            "epoch": "e-test", "seq": seq}


def apply(hub: Hub, changes: list[dict[str, Any]], unit: str = "10375", device: str = "d-test") -> Any:
    partitions.ensure_for_changes(hub.engine, changes)  # as the importer does, before its transaction
    with hub.transaction() as session:
        return apply_changes(session, changes, device_id=device, unit_code=unit, batch_id="b-test",
                             covered={}, now=clock.now())


def where(hub: Hub, record_id: str) -> list[tuple[str, str, int]]:
    """Every stored copy of a dossier: (partition or table, received_at, version)."""
    pg = hub.engine.dialect.name == "postgresql"
    place = "tableoid::regclass::text" if pg else "'dossier'"
    with hub.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            f"SELECT {place}, CAST(received_at AS TEXT), version FROM dossier WHERE id = :i"), {"i": record_id})]


def partition_names(hub: Hub, name: str = "dossier") -> set[str]:
    with hub.engine.connect() as conn:
        return set(conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                     "WHERE i.inhparent = to_regclass(:n)"), {"n": name}).scalars())


def test_a_new_year_gets_its_partition_on_import(db: Database, hub: Hub, tmp_path: Path) -> None:
    clock.set_now(datetime(2027, 1, 4, 9, 0, tzinfo=clock.VN_TZ))
    rows = setup_hub(db, hub, tmp_path, start=datetime(2027, 1, 4, 8, 0, tzinfo=clock.VN_TZ))
    assert [r["received_at"][:4] for r in rows] == ["2027", "2027"]
    if hub.engine.dialect.name != "postgresql":
        return
    assert {"dossier_y2026", "dossier_y2027", "dossier_default"} <= partition_names(hub)
    assert {"dossier_event_y2027", "dossier_event_default"} <= partition_names(hub, "dossier_event")
    assert [w[0] for r in rows for w in where(hub, r["id"])] == ["dossier_y2027", "dossier_y2027"]
    with hub.engine.connect() as conn:
        placed = conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM dossier_event GROUP BY 1")).all()
        assert placed and {p for p, _ in placed} == {"dossier_event_y2027"}


def test_a_newer_version_naming_another_year_moves_the_row(db: Database, hub: Hub, tmp_path: Path) -> None:
    rows = setup_hub(db, hub, tmp_path)
    row = rows[0]
    out = apply(hub, [change(row, row["version"] + 1, received_at="2025-12-31T23:30:00+07:00")])
    assert out.applied == 1
    copies = where(hub, row["id"])
    assert [(c[1][:16], c[2]) for c in copies] == [("2025-12-31 23:30", row["version"] + 1)]
    if hub.engine.dialect.name == "postgresql":
        assert copies[0][0] == "dossier_y2025"
    out = apply(hub, [change(row, row["version"] + 2, seq=2)])  # and back to its year
    assert out.applied == 1 and [(c[1][:4], c[2]) for c in where(hub, row["id"])] == [("2026", row["version"] + 2)]
    if hub.engine.dialect.name == "postgresql":
        assert where(hub, row["id"])[0][0] == "dossier_y2026"


def test_one_batch_moves_a_row_updates_another_and_keeps_a_stale_one_where_it_is(
        db: Database, hub: Hub, tmp_path: Path) -> None:
    """The move runs only when a staged record did not win the first upsert (session 11): in one batch a
    record changing year, one updated in its year and a stale copy naming another year."""
    moving, updated, stale = setup_hub(db, hub, tmp_path, count=3)
    kept = where(hub, stale["id"])
    out = apply(hub, [change(moving, moving["version"] + 1, received_at="2025-12-31T23:30:00+07:00"),
                      change(updated, updated["version"] + 1, seq=2),
                      change(stale, stale["version"], seq=3, received_at="2025-06-01T08:00:00+07:00")])
    assert out.applied == 2 and [(p["record_id"], p["code"]) for p in out.problems] == [(stale["id"],
                                                                                        "stale_version")]
    assert [(c[1][:16], c[2]) for c in where(hub, moving["id"])] == [("2025-12-31 23:30", moving["version"] + 1)]
    assert [(c[1][:16], c[2]) for c in where(hub, updated["id"])] == [
        (updated["received_at"].replace("T", " ")[:16], updated["version"] + 1)]
    assert where(hub, stale["id"]) == kept
    if hub.engine.dialect.name == "postgresql":
        assert [c[0] for c in where(hub, moving["id"]) + where(hub, updated["id"])] == ["dossier_y2025",
                                                                                        f"dossier_y{clock.now().year}"]


def test_an_older_version_or_another_units_naming_another_year_changes_nothing(
        db: Database, hub: Hub, tmp_path: Path) -> None:
    rows = setup_hub(db, hub, tmp_path)
    row = rows[0]
    before = where(hub, row["id"])
    stale = apply(hub, [change(row, row["version"], received_at="2025-06-01T08:00:00+07:00")])
    assert stale.applied == 0 and [p["code"] for p in stale.problems] == ["stale_version"]  # kept for a person
    foreign = apply(hub, [change(row, row["version"] + 5, received_at="2025-06-01T08:00:00+07:00",
                                 owner_unit="10376")], unit="10376", device="d-b")
    assert foreign.applied == 0 and [p["code"] for p in foreign.problems] == ["not_owner"]
    empty_owner = apply(hub, [change(row, row["version"] + 5, received_at="2025-06-01T08:00:00+07:00",
                                     owner_unit="")], unit="10376", device="d-b")
    assert empty_owner.applied == 0 and [p["code"] for p in empty_owner.problems] == ["not_owner"]
    assert where(hub, row["id"]) == before  # one copy, where it was, as it was


def test_an_id_is_unique_across_years_when_two_imports_insert_it_at_once(db: Database, hub: Hub,
                                                                         tmp_path: Path) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer and one table")
    rows = setup_hub(db, hub, tmp_path)
    fresh = dict(rows[0], id="8f0e7a52-0000-4000-8000-000000000001", code="NEW-2025", version=1)
    first = change(fresh, 1, received_at="2025-03-01T08:00:00+07:00")
    second = change(fresh, 2, seq=2, received_at="2026-03-01T08:00:00+07:00")
    partitions.ensure_for_changes(hub.engine, [first, second])
    holder = hub.sessions()
    apply_changes(holder, [first], device_id="d-1", unit_code="10375", batch_id="b1", covered={}, now=clock.now())
    outcome: dict[str, Any] = {}

    def other() -> None:
        with hub.transaction() as session:
            outcome["out"] = apply_changes(session, [second], device_id="d-2", unit_code="10375", batch_id="b2",
                                           covered={}, now=clock.now())

    worker = threading.Thread(target=other)
    worker.start()
    _wait_for_lock_wait(hub)  # the second import waits on the first's claim of the id
    holder.commit()
    holder.close()
    worker.join(60)
    assert outcome["out"].applied == 1
    assert [(c[0], c[2]) for c in where(hub, fresh["id"])] == [("dossier_y2026", 2)]


def _wait_for_lock_wait(hub: Hub) -> None:
    with hub.engine.connect() as conn:
        for _ in range(600):
            waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND datname = current_database()"))
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second import never waited for the first")


def test_concurrent_processes_create_a_year_once(hub: Hub, tmp_path: Path) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    others = [open_hub(hub.engine.url.render_as_string(hide_password=False), data_dir=tmp_path / f"p{i}")
              for i in range(3)]
    made: list[list[str]] = []
    start = threading.Barrier(len(others))

    def create(other: Hub) -> None:
        start.wait()
        made.append(partitions.ensure_years(other.engine, {"dossier": {2027}, "dossier_event": {2027}}))

    threads = [threading.Thread(target=create, args=(o,)) for o in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for other in others:
        other.dispose()
    assert sorted(name for names in made for name in names) == ["dossier_event_y2027", "dossier_y2027"]
    assert "dossier_y2027" in partition_names(hub)


def test_rows_of_a_year_without_partition_are_kept_and_moved_when_it_is_made(db: Database, hub: Hub,
                                                                           tmp_path: Path) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    rows = setup_hub(db, hub, tmp_path)
    row = rows[0]
    with hub.transaction() as session:  # no ensure: the default partition catches the year
        out = apply_changes(session, [change(row, row["version"] + 1, received_at="2024-05-02T08:00:00+07:00")],
                            device_id="d", unit_code="10375", batch_id="b", covered={}, now=clock.now())
    assert out.applied == 1 and where(hub, row["id"])[0][0] == "dossier_default"
    assert partitions.ensure_years(hub.engine, {"dossier": {2024}}) == ["dossier_y2024"]
    assert [(c[0], c[2]) for c in where(hub, row["id"])] == [("dossier_y2024", row["version"] + 1)]
    far = change(row, row["version"] + 2, seq=2, received_at="2090-01-01T08:00:00+07:00")
    assert apply(hub, [far]).applied == 1  # outside the window: no table for it, the row is kept
    assert where(hub, row["id"])[0][0] == "dossier_default" and "dossier_y2090" not in partition_names(hub)


def test_a_year_query_is_pruned_to_its_partition(db: Database, hub: Hub, tmp_path: Path) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    setup_hub(db, hub, tmp_path)
    partitions.ensure_years(hub.engine, {"dossier": {2024, 2025}})
    with hub.engine.connect() as conn:
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT count(*) FROM dossier WHERE received_at >= '2026-01-01' AND received_at < '2027-01-01'"
        )).scalars())
    assert "dossier_y2026" in plan
    assert not {"dossier_y2024", "dossier_y2025", "dossier_default"} & set(plan.replace("\n", " ").split())


def test_a_failed_partition_creation_never_refuses_the_batch(db: Database, hub: Hub, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    rows = setup_hub(db, hub, tmp_path)

    def refuse(conn: Any, name: str, year: int) -> None:
        raise OperationalError("CREATE TABLE", {}, Exception("canceling statement due to lock timeout"))

    monkeypatch.setattr(partitions, "create_year", refuse)
    moved = change(rows[0], rows[0]["version"] + 1, received_at="2023-04-03T08:00:00+07:00")
    assert apply(hub, [moved]).applied == 1  # the importer's step logged the failure and went on
    assert where(hub, rows[0]["id"])[0][0] == "dossier_default"
    monkeypatch.undo()
    assert partitions.ensure_for_changes(hub.engine, [moved]) == ["dossier_y2023"]  # not remembered as made
    assert where(hub, rows[0]["id"])[0][0] == "dossier_y2023"
