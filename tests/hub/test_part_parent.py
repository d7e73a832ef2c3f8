"""A dossier's part never moves to another dossier (session 12). A desk never re-hangs a supplement, an
event, a component or an apology on another dossier; a batch that does (a hostile or broken desk, signed
all the same) used to be applied, and the report aggregates of the dossier it left kept the supplement's
pause: a late dossier counted on time until ``aggregates rebuild``. Now the change is refused for that
record (``moved_part``), the stored part stays where it was, the rest of the batch applies, and the
aggregates equal the raw rows — on SQLite and PostgreSQL, the year-partitioned events included."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from province import report_counts
from province.apply import MOVED_PART
from province.db import Hub
from province.schema import DATA_TABLES
from tests.hub.test_report_upkeep_batches import _change, _dossier, _import

LATE = {"due_at": "2026-10-23T17:00:00+07:00", "status": "resolved", "result_at": "2026-10-28T10:00:00+07:00"}


def _supplement(dossier_id: str, **more: Any) -> dict[str, Any]:
    return {"id": "s1", "owner_unit": "10375", "dossier_id": dossier_id, "deleted": False, "items": ["CCCD"],
            "requested_at": "2026-10-21T10:00:00+07:00", "received_at": "2026-10-27T10:00:00+07:00",
            "previous_due_at": "2026-10-23T17:00:00+07:00"} | more


def _event(dossier_id: str, at: str) -> dict[str, Any]:
    return {"id": "ev1", "owner_unit": "10375", "dossier_id": dossier_id, "kind": "note", "at": at, "data": {},
            "deleted": False}


def _stored(hub: Hub, table: str, record_id: str) -> dict[str, Any]:
    t = DATA_TABLES[table]
    with hub.reading() as session:
        return dict(session.execute(select(t).where(t.c.id == record_id)).mappings().one())


@pytest.mark.parametrize("event_at", ["2026-10-22T10:00:00+07:00", "2025-12-30T10:00:00+07:00"])
def test_a_part_moved_to_another_dossier_is_refused_and_the_report_stays_right(hub: Hub, event_at: str) -> None:
    _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00", **LATE), 1, 1),
                  _change("dossier", _dossier("b", "2026-11-20T09:30:00+07:00"), 1, 2),
                  _change("supplement", _supplement("a"), 1, 3),
                  _change("dossier_event", _event("a", "2026-10-22T10:00:00+07:00"), 1, 4)])
    moved = [_change("supplement", _supplement("b", reason="chuyển"), 2, 5),
             _change("dossier_event", _event("b", event_at), 2, 6),  # another year too: the move step
             _change("dossier", _dossier("c", "2026-10-21T09:00:00+07:00"), 1, 7)]
    outcome = _import(hub, moved)
    assert sorted((p["record_id"], p["code"]) for p in outcome.problems) == [("ev1", MOVED_PART), ("s1", MOVED_PART)]
    assert outcome.rejected == 2 and outcome.applied == 1
    assert "hồ sơ khác" in outcome.problems[0]["message"]
    supplement, event = _stored(hub, "supplement", "s1"), _stored(hub, "dossier_event", "ev1")
    assert (supplement["dossier_id"], supplement["version"], supplement["reason"]) == ("a", 1, None)
    assert (event["dossier_id"], event["version"]) == ("a", 1)
    with hub.reading() as session:
        assert report_counts.check(session) == []
    # the part's own dossier may still be written: an update naming the same dossier applies
    outcome = _import(hub, [_change("supplement", _supplement("a", reason="bổ sung"), 3, 8)])
    assert outcome.applied == 1 and outcome.problems == []
    assert _stored(hub, "supplement", "s1")["reason"] == "bổ sung"
    with hub.reading() as session:
        assert report_counts.check(session) == []
