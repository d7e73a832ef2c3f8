"""Random data: the SQL aggregate equals a plain-Python reading of the rules, and identities hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop.platform import clock

from desktop import demo
from desktop.db.models import Dossier, Supplement
from desktop.db.session import Database, open_database
from desktop.rules.deadlines import classify
from desktop.reports.periodic import check_identities, periodic_report
from desktop.reports.periods import Period, parse_period
from tests.conftest import NOW

SEEDS = (3, 17, 2026)


@pytest.fixture(scope="module")
def random_dbs(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Database]]:
    import shutil

    clock.set_now(NOW)
    dbs = []
    for seed in SEEDS:
        path = tmp_path_factory.mktemp(f"random{seed}") / "desk.sqlite3"
        shutil.copyfile(template_db, path)
        database = open_database(path)
        with database.transaction(officer="demo") as s:
            demo.generate(s, dossiers=1500, months=14, seed=seed)
            _random_supplements(s, seed)
        dbs.append(database)
    yield dbs
    for database in dbs:
        database.dispose()


def _random_supplements(session: Any, seed: int) -> None:
    """Demo data has no supplement rows; add some (answered, unanswered, after the result) so the
    'due moment in force at the end' and 'awaiting at the end' rules are exercised."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    rows = session.execute(select(Dossier.id, Dossier.received_at, Dossier.due_at, Dossier.status)
                           .where(Dossier.status != "refused_at_reception")).all()
    for dossier_id, received, due, status in rows:
        if rng.random() > 0.15:
            continue
        for _ in range(rng.choice([1, 1, 2])):
            asked = received + timedelta(hours=rng.randint(1, 24 * 40))
            if asked > NOW:
                continue
            back = asked + timedelta(hours=rng.randint(1, 24 * 12))
            answered = back <= NOW and (status != "awaiting_supplement" or rng.random() < 0.5)
            session.add(Supplement(dossier_id=dossier_id, requested_at=asked, items=["x"],
                                   received_at=back if answered else None,
                                   previous_due_at=due - timedelta(days=rng.randint(-5, 10)) if due else None,
                                   new_due_at=due))
    session.flush()


def reference(session: Any, period: Period) -> dict[str, dict[str, dict[str, int]]]:
    """The counting rules read literally, one dossier at a time (slow, obviously right)."""
    start, end = period.bounds()
    cut = min(end, clock.now())  # in-progress dossiers are judged now when the window is not over
    supplements: dict[str, list[Supplement]] = defaultdict(list)
    for sup in session.scalars(select(Supplement).where(Supplement.deleted.is_(False))):
        supplements[sup.dossier_id].append(sup)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for d in session.scalars(select(Dossier).where(Dossier.deleted.is_(False))):
        if d.status == "refused_at_reception" or d.received_at >= end:
            continue
        res: datetime | None = d.result_at or d.withdrawn_at or d.returned_at
        if res is not None and res < start:
            continue
        g = out.setdefault(d.field_name, {
            "received": dict.fromkeys(("total", "new_online", "new_direct_postal", "postal", "carried_over"), 0),
            "resolved": dict.fromkeys(("total", "early", "on_time", "late", "withdrawn"), 0),
            "in_progress": dict.fromkeys(("total", "within_deadline", "overdue"), 0)})
        g["received"]["total"] += 1
        if d.received_at < start:
            g["received"]["carried_over"] += 1
        elif d.channel == "online":
            g["received"]["new_online"] += 1
        else:
            g["received"]["new_direct_postal"] += 1
            g["received"]["postal"] += d.channel == "postal"
        if res is not None and res < end:
            g["resolved"]["total"] += 1
            g["resolved"][str(classify(res, d.due_at) or "on_time")] += 1
            g["resolved"]["withdrawn"] += d.withdrawn_at is not None
            continue
        g["in_progress"]["total"] += 1
        sups = supplements.get(d.id, [])
        awaiting = any(s.requested_at < cut and (s.received_at is None or s.received_at >= cut) for s in sups)
        if not sups and d.status == "awaiting_supplement":
            awaiting = True
        later = sorted((s for s in sups if s.requested_at >= cut), key=lambda s: s.requested_at)
        due = (later[0].previous_due_at if later else None) or d.due_at
        overdue = not awaiting and due is not None and due < cut
        g["in_progress"]["overdue" if overdue else "within_deadline"] += 1
    return out


LABELS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)] + [
    "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-H1", "2026-H2", "2026-9M", "2025", "2026"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, len(SEEDS) - 1), label=st.sampled_from(LABELS), calendar=st.booleans())
def test_sql_equals_reference_and_identities(random_dbs: list[Database], index: int, label: str,
                                             calendar: bool) -> None:
    period = parse_period(label, calendar=calendar)
    with random_dbs[index].reading() as s:
        report = periodic_report(s, period)
        expected = reference(s, period)
        following = periodic_report(s, period.next())
    got = {r["field"]: {k: r[k] for k in ("received", "resolved", "in_progress")} for r in report["rows"]}
    assert got == {f: g for f, g in expected.items() if g["received"]["total"]}
    for r in report["rows"]:
        check_identities(r["field"], r)
    if (following["period"]["start"] > report["period"]["end"]) and period.kind != "nine_months":  # contiguous
        assert report["total"]["in_progress"]["total"] == following["total"]["received"]["carried_over"]
    assert len(report["late_dossiers"]) == report["total"]["resolved"]["late"] + report["total"]["in_progress"]["overdue"]


@pytest.mark.parametrize("calendar", [False, True])
def test_trend_in_one_pass_equals_the_report_per_month(random_dbs: list[Database], calendar: bool) -> None:
    """The dashboard's single-query trend gives each month what Biểu 06 and the tracker give it."""
    from desktop.reports.digitisation import counts
    from desktop.reports.indicators import trend_section

    with random_dbs[0].reading() as s:
        months = trend_section(s, parse_period("2026-10", calendar=calendar))["months"]
        assert len(months) == 12
        for month in months:
            period = parse_period(month["label"], calendar=calendar)
            total = periodic_report(s, period)["total"]
            digitised = counts(s, period.start, period.end)[""]
            received = total["received"]["new_online"] + total["received"]["new_direct_postal"]
            assert (month["received"], month["resolved"], month["late"]) == (
                received, total["resolved"]["total"], total["resolved"]["late"])
            assert digitised["received"] == received
            expected = round(digitised["with_digitised_components"] / received, 4) if received else None
            assert month["digitisation_rate"] == expected
    assert sum(m["received"] for m in months) > 500 and any(m["digitisation_rate"] for m in months)


@pytest.mark.parametrize("calendar", [False, True])
def test_trend_grouped_passes_equal_the_one_query_before(random_dbs: list[Database], calendar: bool) -> None:
    """Two grouped passes give every month the numbers the single 48-column query gave (same dossiers)."""
    from desktop.reports.indicators import _monthly_dossier_counts
    from desktop.reports.periods import period_containing
    from tests.reports.trend_before import _monthly_dossier_counts as before

    for db in random_dbs:
        for end in ("2026-10", "2026-03", "2025-12"):
            months = [period_containing(parse_period(end, calendar=calendar).end, "month", calendar=calendar)]
            while len(months) < 12:
                months.append(months[-1].previous())
            months.reverse()
            with db.reading() as s:
                assert _monthly_dossier_counts(s, months) == before(s, months), (end, calendar)
