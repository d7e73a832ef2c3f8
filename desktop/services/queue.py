"""Queue tickets at the desk and waiting time (arrival → called), against the 15-minute target.

Numbers restart at 1 each day on each desk. Waiting statistics count tickets that arrived in the
window; ``served`` are those called. ``p90_minutes`` uses the nearest-rank method: the smallest
waiting time with at least 90 % of served tickets at or below it (sorted[ceil(0.9·n) − 1]), so it
is always a waiting time that really happened.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.platform import clock

from desktop.services import feedback_targets

from desktop.rules import validation
from desktop.db.models_feedback import QueueTicket
from desktop.errors import NotFound, UserError
from desktop.services.dossiers import get_dossier


@dataclass(frozen=True)
class TicketInfo:
    id: str
    day: date
    number: int
    arrived_at: datetime
    called_at: datetime | None
    dossier_code: str | None

    @property
    def waiting_minutes(self) -> float | None:
        if self.called_at is None:
            return None
        return round((self.called_at - self.arrived_at).total_seconds() / 60, 1)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "day": self.day.isoformat(), "number": self.number,
                "arrived_at": clock.iso(self.arrived_at), "called_at": clock.iso(self.called_at),
                "waiting_minutes": self.waiting_minutes, "dossier_code": self.dossier_code}


def info(ticket: QueueTicket) -> TicketInfo:
    return TicketInfo(ticket.id, ticket.day, ticket.number, ticket.arrived_at, ticket.called_at, ticket.dossier_code)


def take_ticket(session: Session, *, at: datetime | None = None) -> TicketInfo:
    moment = validation.moment(at)
    day = moment.date()
    last = session.scalar(select(func.max(QueueTicket.number)).where(QueueTicket.day == day,
                                                                     QueueTicket.deleted.is_(False)))
    ticket = QueueTicket(day=day, number=int(last or 0) + 1, arrived_at=moment)
    session.add(ticket)
    session.flush()
    return info(ticket)


def _get(session: Session, number: int, day: date) -> QueueTicket:
    ticket = session.scalar(select(QueueTicket).where(QueueTicket.day == day, QueueTicket.number == number,
                                                      QueueTicket.deleted.is_(False)))
    if ticket is None:
        raise NotFound(f"Không có số thứ tự {number} trong ngày {day:%d/%m/%Y}.", field="ticket")
    return ticket


def call_ticket(session: Session, number: int, *, at: datetime | None = None) -> TicketInfo:
    """Call ticket ``number`` of the day of ``at``: its serving time is recorded."""
    moment = validation.moment(at)
    ticket = _get(session, number, moment.date())
    if ticket.called_at is not None:
        raise UserError(f"Số {number} đã được gọi lúc {ticket.called_at:%H:%M}.", field="ticket")
    if moment < ticket.arrived_at:
        raise UserError(f"Không thể gọi số {number} trước lúc lấy số ({ticket.arrived_at:%H:%M}).", field="at")
    ticket.called_at = moment
    ticket.called_by = session.info.get("officer")
    session.flush()
    return info(ticket)


def call_next(session: Session, *, at: datetime | None = None) -> TicketInfo | None:
    """The lowest waiting number of the day that arrived by ``at``; ``None`` if nobody waits."""
    moment = validation.moment(at)
    number = session.scalar(
        select(QueueTicket.number).where(QueueTicket.day == moment.date(), QueueTicket.called_at.is_(None),
                                         QueueTicket.arrived_at <= moment, QueueTicket.deleted.is_(False))
        .order_by(QueueTicket.number).limit(1))
    return None if number is None else call_ticket(session, number, at=moment)


def link_dossier(session: Session, number: int, dossier_code: str, *, day: date | None = None) -> TicketInfo:
    """A reception started from a called ticket: the ticket points to the dossier."""
    dossier = get_dossier(session, dossier_code)
    ticket = _get(session, number, day or dossier.received_at.date())
    if ticket.called_at is None:
        raise UserError(f"Số {number} chưa được gọi.", field="ticket")
    ticket.dossier_id = dossier.id
    ticket.dossier_code = dossier.code
    session.flush()
    return info(ticket)


def waiting_list(session: Session, day: date) -> list[TicketInfo]:
    rows = session.scalars(select(QueueTicket).where(QueueTicket.day == day, QueueTicket.deleted.is_(False))
                           .order_by(QueueTicket.number))
    return [info(t) for t in rows]


def p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def target_minutes(session: Session, year: int) -> float | None:
    return feedback_targets.target(feedback_targets.load(session), "waiting", "max_minutes", year)


def _stats(pairs: Sequence[tuple[datetime, datetime | None]], target: float | None) -> dict[str, Any]:
    waits = [(called - arrived).total_seconds() / 60 for arrived, called in pairs if called is not None]
    avg = round(sum(waits) / len(waits), 1) if waits else None
    high = p90(waits)
    return {"tickets": len(pairs), "served": len(waits), "avg_minutes": avg,
            "p90_minutes": round(high, 1) if high is not None else None, "target_minutes": target,
            "meets_target": None if avg is None or target is None else avg <= target}


def _pairs(session: Session, start: date, end: date,
           unit_codes: Sequence[str] | None) -> list[tuple[datetime, datetime | None]]:
    low, high = clock.at(start, time()), clock.at(end + timedelta(days=1), time())
    query = select(QueueTicket.arrived_at, QueueTicket.called_at).where(
        QueueTicket.deleted.is_(False), QueueTicket.arrived_at >= low, QueueTicket.arrived_at < high)
    if unit_codes:
        query = query.where(QueueTicket.owner_unit.in_(list(unit_codes)))
    return [(a, c) for a, c in session.execute(query)]


def waits(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None) -> list[float]:
    """Minutes from arrival to call of each ticket served in the window: a sum over a count, unrounded."""
    return [(called - arrived).total_seconds() / 60 for arrived, called in _pairs(session, start, end, unit_codes)
            if called is not None]


def waiting_stats(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None,
                  with_target: bool = True) -> dict[str, Any]:
    return _stats(_pairs(session, start, end, unit_codes), target_minutes(session, end.year) if with_target else None)


def waiting_series(session: Session, start: date, end: date, *, by: str = "day",
                   unit_codes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per day (``YYYY-MM-DD``) or month (``YYYY-MM``) with tickets, for the dashboard."""
    if by not in ("day", "month"):
        raise UserError("Thống kê thời gian chờ theo 'day' hoặc 'month'.", field="by")
    groups: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for arrived, called in _pairs(session, start, end, unit_codes):
        key = f"{arrived:%Y-%m-%d}" if by == "day" else f"{arrived:%Y-%m}"
        groups.setdefault(key, []).append((arrived, called))
    target = target_minutes(session, end.year)
    return [{"period": key} | _stats(groups[key], target) for key in sorted(groups)]


def link_latest_reception(session: Session, number: int, *, officer: str | None,
                          at: datetime | None = None) -> TicketInfo:
    """Link ticket ``number`` (today) to the dossier this officer received last, after the call."""
    from desktop.db.models import Dossier
    from desktop.rules.lifecycle import Status

    moment = validation.moment(at)
    ticket = _get(session, number, moment.date())
    if ticket.called_at is None:
        raise UserError(f"Số {number} chưa được gọi.", field="ticket")
    query = select(Dossier.code).where(Dossier.deleted.is_(False), Dossier.status != Status.REFUSED,
                                       Dossier.received_at >= ticket.called_at, Dossier.received_at <= moment)
    if officer:
        query = query.where(Dossier.received_by == officer)
    code = session.scalar(query.order_by(Dossier.received_at.desc()).limit(1))
    if code is None:
        raise NotFound(f"Chưa có hồ sơ nào được tiếp nhận sau khi gọi số {number}.", field="dossier")
    return link_dossier(session, number, code, day=moment.date())
