"""Issue 14: the report aggregates are exact, not approximately right — random dossiers and supplements with
moments ON the windows' bounds (00:00 of a 1st or a 15th, one microsecond either side), missing due dates,
several supplements, deleted and refused rows, written straight into the hub's tables; the all-units
report from the aggregates equals the raw pass for every period, official and calendar, at several
"now"s (windows over and still running), after a rebuild and after slice refreshes. SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from desktop.platform import clock
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from province import report_counts, report_upkeep
from province.db import Hub
from province.reports import periodic
from province.schema import DATA_TABLES

VN = clock.VN_TZ
BOUNDS = [datetime(2026, m, d, tzinfo=VN) for m in range(8, 13) for d in (1, 15)]
FIELDS = ("Chứng thực", "Hộ tịch", "Đất đai")
PERIODS = ("2026-09", "2026-10", "2026-11", "2026-12", "2026-Q3", "2026-Q4", "2026-H2", "2026-9M", "2026")


def _moment(rng: random.Random) -> datetime:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(BOUNDS) + timedelta(microseconds=rng.choice((-1, 0, 1)))
    return datetime(2026, 8, 1, tzinfo=VN) + timedelta(seconds=rng.randrange(150 * 86400))


def _rows(rng: random.Random, count: int, units: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dossiers, supplements = [], []
    for i in range(count):
        received = _moment(rng)
        due = None if rng.random() < 0.1 else received + timedelta(hours=rng.randrange(1, 900))
        res = None if rng.random() < 0.35 else received + timedelta(hours=rng.randrange(0, 1200))
        kind = rng.random()
        result_at, withdrawn_at, returned_at = (res, None, None) if kind < 0.6 else (
            (None, res, None) if kind < 0.8 else (res, res, res + timedelta(days=1) if res else None) if kind < 0.9
            else (None, None, res))
        status = rng.choice(("in_progress", "in_progress", "awaiting_supplement", "resolved",
                             "refused_at_reception", "returned"))
        dossier_id = str(uuid.uuid4())
        unit = rng.choice(units)
        dossiers.append({
            "id": dossier_id, "owner_unit": unit, "version": 1, "deleted": rng.random() < 0.08,
            "code": f"R-{dossier_id}", "procedure_id": "p", "procedure_code": "1.0", "procedure_name": "Thử",
            "field_name": rng.choice(FIELDS), "time_value": 3.0, "time_unit": "working_days",
            "applicant_name": f"Người thử {i}", "channel": rng.choice(("direct", "online", "postal")),
            "received_at": received, "due_at": due, "status": status, "result_at": result_at,
            "withdrawn_at": withdrawn_at, "returned_at": returned_at})
        for _ in range(rng.choice((0, 0, 0, 1, 2, 3))):
            asked = _moment(rng) if rng.random() < 0.5 else received + timedelta(hours=rng.randrange(1, 400))
            back = None if rng.random() < 0.3 else asked + timedelta(hours=rng.randrange(0, 300))
            supplements.append({
                "id": str(uuid.uuid4()), "owner_unit": unit, "version": 1, "deleted": rng.random() < 0.1,
                "dossier_id": dossier_id, "requested_at": asked, "items": [], "received_at": back,
                "previous_due_at": None if rng.random() < 0.15 else _moment(rng)})
    return dossiers, supplements


def _compare(hub: Hub) -> int:
    compared = 0
    for now in (datetime(2026, 11, 20, 16, tzinfo=VN), datetime(2026, 10, 15, tzinfo=VN),
                datetime(2026, 10, 1, tzinfo=VN) - timedelta(microseconds=1), datetime(2027, 2, 1, tzinfo=VN)):
        clock.set_now(now)
        for label in PERIODS:
            for calendar in (False, True):
                fast = periodic(hub, unit="all", period=label, calendar=calendar)
                with hub.reading() as session:
                    raw = periodic_report(session, parse_period(label, calendar=calendar), unit_codes=None,
                                          unit=(fast["unit"]["code"], fast["unit"]["name"]))
                fast.pop("generated_at")
                raw.pop("generated_at")
                assert fast == raw, (now, label, calendar)
                compared += raw["total"]["in_progress"]["overdue"] + raw["total"]["resolved"]["late"]
    return compared


@pytest.mark.parametrize("seed", [1, 2])
def test_random_dossiers_on_the_bounds(hub: Hub, seed: int) -> None:
    rng = random.Random(seed)
    dossier, supplement = DATA_TABLES["dossier"], DATA_TABLES["supplement"]
    first, first_sups = _rows(rng, 300, ("10375", "10376"))
    with hub.transaction() as session:
        session.execute(insert(dossier), first)
        session.execute(insert(supplement), first_sups)
        report_counts.rebuild(session)
    assert _compare(hub) > 50  # late and overdue dossiers were really compared

    more, more_sups = _rows(rng, 150, ("10376", "10377"))
    moved = [d["id"] for d in first[:40]]
    with hub.transaction() as session:  # what an import does: values before, write, upkeep after
        touched = {d["id"] for d in more} | set(moved) | {s["dossier_id"] for s in first_sups[:30]}
        before = report_upkeep.report_values(session, touched)
        session.execute(insert(dossier), more)
        session.execute(insert(supplement), more_sups)
        for dossier_id in moved:  # received earlier (across a bound), resolved, or deleted
            session.execute(update(dossier).where(dossier.c.id == dossier_id).values(
                received_at=_moment(rng), result_at=_moment(rng), deleted=rng.random() < 0.2))
        for sup in first_sups[:30]:
            session.execute(update(supplement).where(supplement.c.id == sup["id"]).values(
                received_at=_moment(rng), deleted=rng.random() < 0.3))
        report_upkeep.after_apply(session, touched, before, [], set())
    with hub.reading() as session:
        assert report_counts.check(session) == []
        assert session.scalar(select(dossier.c.id).limit(1)) is not None
    _compare(hub)
