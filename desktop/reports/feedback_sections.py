"""Sections of ``report indicators`` owned by issue #4: digitisation, satisfaction, waiting time.

``SECTIONS`` (contract of issue #4): ``(session, start, end) -> dict`` over inclusive whole days.
``PERIOD_SECTIONS``: the same over a report :class:`~desktop.reports.periods.Period` (the periodic
report's window, official or calendar); :mod:`desktop.reports.indicators` registers them in
``INDICATOR_SECTIONS`` when it is imported, so they are always present.

Units follow issue #4: every rate here is a percentage with one decimal (``None`` with nothing to
divide by) and every section carries the target of the window's end year from
:mod:`desktop.services.feedback_targets` (percent / minutes). The indicators module turns them into its
0..1 fractions for the target rows and the self-assessment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.platform import clock

from desktop.services import feedback_targets
from desktop.reports.digitisation import counts, with_rates
from desktop.services import queue, surveys


def digitisation_section(session: Session, start: date, end: date) -> dict[str, Any]:
    """The Decision-766 tracker totals (see :mod:`desktop.reports.digitisation`) and their rates."""
    data = with_rates(counts(session, start, end)[""])
    targets = feedback_targets.load(session)
    data["targets"] = {name: feedback_targets.target(targets, "digitisation", name, end.year)
                       for name in ("component_rate", "reuse_rate", "result_rate")}
    return data


def satisfaction_section(session: Session, start: date, end: date) -> dict[str, Any]:
    """Answers per overall level and rate = (rất hài lòng + hài lòng) / answers × 100."""
    return surveys.satisfaction(session, start, end)


def queue_now(session: Session) -> int:
    """Tickets taken today and not called yet."""
    from desktop.db.models_feedback import QueueTicket

    return int(session.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.day == clock.today(), QueueTicket.called_at.is_(None), QueueTicket.deleted.is_(False))) or 0)


def waiting_section(session: Session, start: date, end: date) -> dict[str, Any]:
    """Tickets taken in the window, those called, average and P90 minutes from arrival to call."""
    data = queue.waiting_stats(session, start, end)
    data["queue_now"] = queue_now(session)
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
