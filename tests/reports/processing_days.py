"""The average processing time as the desk computed it before it was summed in SQL (one row at a time in
Python), kept as the reference the SQL sum must equal on both back-ends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop.db.models import Dossier
from desktop.reports.indicator_counts import average_processing_days
from desktop.reports.periodic import _scope
from desktop.reports.periods import parse_period

LABELS = ("2026-09", "2026-10", "2026-Q3", "2026-Q4", "2026", "2025")


def python_average(session: Any, label: str, unit_codes: list[str] | None = None) -> float | None:
    where, b = _scope(parse_period(label), unit_codes)
    res = b["res"]
    rows = session.execute(select(Dossier.received_at, res).where(
        *where, res.is_not(None), res < b["e"], Dossier.withdrawn_at.is_(None))).all()
    days = [(done - received).total_seconds() / 86400 for received, done in rows if done and received]
    return round(sum(days) / len(days), 4) if days else None


def assert_same_averages(db: Any, unit_codes: list[str] | None = None) -> None:
    with db.reading() as session:
        got = {label: average_processing_days(session, parse_period(label), unit_codes) for label in LABELS}
        want = {label: python_average(session, label, unit_codes) for label in LABELS}
    assert got == want
    assert sum(v is not None for v in got.values()) >= 3  # the scenario resolves dossiers in these windows
