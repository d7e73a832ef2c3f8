"""The export's fast row reading (issue 14) writes the same canonical bytes as the typed rows would."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from desktop.db.session import Database
from desktop.db.types import VNDateTime
from desktop.platform.gc_pause import paused_gc
from desktop.sync import canonical, tables
from tests.sync_support import receive


@pytest.mark.parametrize("stored", [
    "2026-12-05 10:00:00.000000", "2026-12-05 10:00:00.123456", "2099-12-31 23:59:59.999999",
    "1976-01-01 00:00:00.000000",  # the zone is +07:00 from mid-1975 on
    "1975-01-01 00:00:00.000000", "1960-06-01 12:00:00.000000",  # earlier offsets: the exact reading
    "2026-12-05 10:00:00", "2026-12-05",  # other shapes: the exact reading
])
def test_moment_text_is_what_the_typed_value_writes(stored: str) -> None:
    dialect = sqlite.dialect()
    exact = VNDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert canonical.dumps({"at": tables.moment_text(exact)(stored)}) == canonical.dumps({"at": exact(stored)})


def test_read_snapshots_equal_the_typed_snapshots(db: Database) -> None:
    receive(db, 4, name="Nguyễn Thị Ánh")
    with db.transaction(officer="canbo") as session:  # moments in every shape the fast path must get right
        session.execute(text("UPDATE dossier SET received_at = '2026-12-01 08:15:30.250000' WHERE rowid = 1"))
        session.execute(text("UPDATE dossier SET received_at = '1970-03-02 07:00:00.000000' WHERE rowid = 2"))
        session.execute(text("UPDATE dossier SET received_at = '2026-12-02 09:00:00' WHERE rowid = 3"))
    compared = 0
    with db.reading() as session:
        for table in tables.synced_tables().values():
            typed = {row["id"]: tables.snapshot(table, row) for row in session.execute(select(table)).mappings()}
            fast = {snap["id"]: snap for snap in tables.read_snapshots(session, table, sorted(typed))}
            if table.name == "dossier":
                assert "2026-12-01T08:15:30.250000+07:00" in {snap["received_at"] for snap in fast.values()}
            assert fast.keys() == typed.keys()
            for record_id, snap in typed.items():
                assert canonical.dumps(fast[record_id]) == canonical.dumps(snap), (table.name, record_id)
                compared += 1
    assert compared >= 4


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves the outer one in force
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_a_row_as_sent_is_its_normalised_row() -> None:
    """The export's check reads each row as the province will (``row_as_sent``): equal to ``normalise`` for
    every kind of value a snapshot holds, including text in NFD, whose NFC form is shorter."""
    from datetime import date, datetime

    from desktop.platform.clock import VN_TZ

    decomposed = "Nguyê\u0303n Thi\u0323 Ho\u0300a"
    row = {"id": "x", "name": decomposed, "plain": "Nguyễn", "n": 3, "f": 1.5, "b": True, "none": None,
           "day": date(2026, 12, 5), "at": datetime(2026, 12, 5, 10, 0, tzinfo=VN_TZ),
           "data": {"ghi chú": decomposed, "list": [decomposed, 1]}}
    sent = canonical.row_as_sent(row)
    assert sent == canonical.normalise(row)
    assert len(sent["name"]) < len(decomposed) and sent["day"] == "2026-12-05"
