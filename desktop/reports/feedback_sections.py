"""Sections of ``report indicators`` owned by issue #4.

``SECTIONS`` (contract of issue #4): ``(session, start, end) -> dict`` over inclusive whole days.
``PERIOD_SECTIONS``: the same wrapped as ``(session, period)`` for
:data:`desktop.reports.indicators.INDICATOR_SECTIONS`, e.g.
``INDICATOR_SECTIONS.update(PERIOD_SECTIONS)``.

Units: the contract's satisfaction ``rate`` is a percentage; the indicators module reads rates as
fractions (0..1), so each section also carries the fraction it reads (digitisation ``rate`` /
``reuse_rate`` / ``result_rate``, satisfaction ``rate_fraction``) and waiting ``average_minutes`` /
``queue_now``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.reports.digitisation import counts
from desktop.services import queue, surveys


def _fraction(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def digitisation_section(session: Session, start: date, end: date) -> dict[str, Any]:
    data: dict[str, Any] = dict(counts(session, start, end)[""])
    data["rate"] = _fraction(data["with_digitised_components"], data["received"])
    data["reuse_rate"] = _fraction(data["with_reused_components"], data["received"])
    data["result_rate"] = _fraction(data["results_digitised"], data["resolved"])
    return data


def satisfaction_section(session: Session, start: date, end: date) -> dict[str, Any]:
    data = surveys.satisfaction(session, start, end)
    good = data["very_satisfied"] + data["satisfied"]
    data["rate_fraction"] = _fraction(good, data["answers"])
    return data


def waiting_section(session: Session, start: date, end: date) -> dict[str, Any]:
    from desktop.db.models_feedback import QueueTicket

    data = queue.waiting_stats(session, start, end)
    data["average_minutes"] = data["avg_minutes"]
    data["queue_now"] = int(session.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.day == clock.today(), QueueTicket.called_at.is_(None), QueueTicket.deleted.is_(False))) or 0)
    return data


SECTIONS: dict[str, Callable[[Session, date, date], dict[str, Any]]] = {
    "digitisation": digitisation_section, "satisfaction": satisfaction_section, "waiting": waiting_section,
}


def _over_period(func_: Callable[[Session, date, date], dict[str, Any]]) -> Callable[[Session, Any], dict[str, Any]]:
    def section(session: Session, period: Any) -> dict[str, Any]:
        return func_(session, period.start, period.end)

    section.__name__ = func_.__name__
    return section


PERIOD_SECTIONS = {name: _over_period(fn) for name, fn in SECTIONS.items()}
