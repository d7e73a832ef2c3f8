"""Issue 14, partitioning for growth: a PostgreSQL hub created before partitioning (plain ``dossier`` and
``dossier_event`` tables) is converted in place when it opens — every row kept (count and content, in
every table), its indexes back on the partitioned tables, the report aggregates still equal to the raw
rows, the all-units report unchanged — and it keeps importing with the same version and ownership rules.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typing import Any

from sqlalchemy import select, text

from desktop.db.session import Database
from desktop.platform import clock
from desktop.sync import canonical
from province import partitions, report_counts, staging
from province.db import Hub, open_hub
from province.reports import periodic
from province.schema import DATA_TABLES
from tests.hub.test_partitions import apply, change, where
from tests.sync_support import (connect_desk, deliver, export, fresh_hub, hub_state, neighbour_desk,
                                receive)

pytestmark = pytest.mark.postgres


def _old_hub_with_data(pg_url: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub as the release before partitioning made it (plain tables), with two units' dossiers and
    events over two years."""
    with monkeypatch.context() as old:
        old.setattr(partitions, "is_partitioned", lambda dialect, name: False)
        old.setattr(staging, "is_partitioned", lambda dialect, name: False)
        old.setattr(partitions, "ensure_schema", lambda engine, tables: [])
        old.setattr(partitions, "ensure_for_changes", lambda engine, changes: [])
        old.setattr(staging, "_SQL", {})
        hub = fresh_hub(pg_url, tmp_path / "hub")
        with hub.engine.connect() as conn:
            assert conn.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('dossier')")) == "r"
        desk_b = neighbour_desk(tmp_path / "b.sqlite3")
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(desk_b, hub, tmp_path / "b")
        clock.set_now(datetime(2025, 12, 30, 15, 0, tzinfo=clock.VN_TZ))
        receive(db, 3, start=datetime(2025, 12, 30, 8, 0, tzinfo=clock.VN_TZ))
        deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
        clock.set_now(datetime(2026, 11, 20, 16, 0, tzinfo=clock.VN_TZ))
        receive(db, 4)
        receive(desk_b, 2, name="Tạ Thị Nga")
        deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
        deliver(hub, desk_b, export(desk_b, tmp_path / "ub"), tmp_path / "ub")
        hub.dispose()
        desk_b.dispose()


def test_an_unpartitioned_hub_is_converted_in_place_and_keeps_every_row(
        pg_url: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_hub_with_data(pg_url, db, tmp_path, monkeypatch)
    plain = open_hub_without_converting(pg_url, tmp_path, monkeypatch)
    before = hub_state(plain)
    report_before = periodic(plain, unit="all", period="2026", calendar=True)
    plain.dispose()
    assert len(before["dossier"]) == 9 and len(before["dossier_event"]) >= 9

    hub = open_hub(pg_url, data_dir=tmp_path / "hub")  # the new release starts on the old database
    try:
        with hub.engine.connect() as conn:
            assert conn.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('dossier')")) == "p"
            assert conn.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('dossier_event')")) == "p"
            assert conn.scalar(text("SELECT to_regclass('dossier__unpartitioned')")) is None
            placed = dict(conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM dossier GROUP BY 1")).all())
            indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename IN "
                                            "('dossier', 'dossier_event')")).scalars())
            assert not report_counts.check(conn)
        assert placed == {"dossier_y2025": 3, "dossier_y2026": 6}
        assert {"pk_dossier", "uq_dossier_code", "ix_hub_dossier_owner_received", "ix_hub_dossier_resolution",
                "pk_dossier_event", "ix_dossier_event_dossier_id"} <= indexes
        assert hub_state(hub) == before  # every row of every table, content and count
        report_after = periodic(hub, unit="all", period="2026", calendar=True)
        report_after.pop("generated_at")
        report_before.pop("generated_at")
        assert report_after == report_before

        row = next(r for r in _travelling(hub) if r["owner_unit"] == "10375")  # and it goes on importing
        assert [p["code"] for p in apply(hub, [change(row, row["version"] + 3, owner_unit="")], unit="10376",
                                         device="d-b").problems] == ["not_owner"]
        assert apply(hub, [change(row, row["version"], seq=2)]).applied == 0
        moved = apply(hub, [change(row, row["version"] + 1, seq=3, received_at="2024-02-01T08:00:00+07:00")])
        assert moved.applied == 1 and [c[0] for c in where(hub, row["id"])] == ["dossier_y2024"]
    finally:
        hub.dispose()
    again = open_hub(pg_url, data_dir=tmp_path / "hub")  # a second start converts nothing
    try:
        assert len(hub_state(again)["dossier"]) == 9
    finally:
        again.dispose()


def open_hub_without_converting(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hub:
    """The old database read as it is (to record its state before the upgrade)."""
    with monkeypatch.context() as old:
        old.setattr(partitions, "is_partitioned", lambda dialect, name: False)
        old.setattr(partitions, "ensure_schema", lambda engine, tables: [])
        return open_hub(pg_url, data_dir=tmp_path / "hub")


def _travelling(hub: Hub) -> list[dict[str, Any]]:
    with hub.engine.connect() as conn:
        return [canonical.loads(canonical.dumps(dict(r))) for r in conn.execute(select(DATA_TABLES["dossier"])).mappings()]
