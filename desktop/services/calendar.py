"""The working calendar: the desk's and the province's overrides, the year view with each day's source,
and the due dates a calendar change would move (applied only when an officer says so)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.texts import DAY_OFF, MAKE_UP_DAY
from desktop import settings
from desktop.db.models import CalendarOverride, Dossier
from desktop.errors import UserError
from desktop.rules.lifecycle import CLOCK_RUNNING
from desktop.services.desk import desk_context, load_calendar, put_setting
from desktop.services.dossiers import get_dossier, last_counting_moment, processing_time, reschedule
from desktop.services.permissions import Permission, require
from desktop.rules.text import nfc
from desktop.texts import LABELS

def set_override(session: Session, day: date, *, working: bool, reason: str | None = None,
                 legal_basis: str | None = None) -> CalendarOverride:
    """The desk admin's own day (the ``local`` layer, above the province's and the official data)."""
    require(session, Permission.MANAGE_CALENDAR)
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None:
        row = CalendarOverride(day=day, working=working)
        session.add(row)
    row.working = working
    row.reason = nfc(reason) or (MAKE_UP_DAY if working else DAY_OFF)
    row.legal_basis = nfc(legal_basis)
    row.deleted = False
    session.flush()
    return row


def remove_override(session: Session, day: date) -> bool:
    """Drop the desk's own day: it falls back to the province's, the official file or the package."""
    require(session, Permission.MANAGE_CALENDAR)
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None or row.deleted:
        return False
    row.deleted = True
    session.flush()
    return True


def set_province_days(session: Session, days: list[dict[str, Any]]) -> None:
    """The province package's layer: its list replaces the previous one (a day it drops falls back)."""
    clean = [{"date": date.fromisoformat(d["date"]).isoformat(), "working": d.get("working") is True,
              "reason": nfc(str(d.get("reason") or "")) or (LABELS["working_day"] if d.get("working") is True else DAY_OFF),
              "legal_basis": nfc(str(d.get("legal_basis") or ""))} for d in days]
    put_setting(session, settings.PROVINCE_CALENDAR.key, clean)


def year_view(session: Session, year: int) -> dict[str, Any]:
    """The JSON of ``calendar show``: every notable day with its source, and the due dates it would move."""
    calendar = load_calendar(session)
    days = calendar.notable_days(year)
    return {
        "year": year,
        "days_off": [{"date": i.day.isoformat(), "name": i.name or DAY_OFF, "source": i.source,
                      "basis": i.basis, "uncertain": i.uncertain} for i in days if not i.working],
        "extra_working_days": [{"date": i.day.isoformat(), "reason": i.name or MAKE_UP_DAY,
                                "source": i.source, "basis": i.basis, "uncertain": i.uncertain}
                               for i in days if i.working],
        "days": [i.as_json() for i in days],
        "uncertain": [i.day.isoformat() for i in days if i.uncertain],
    }


@dataclass(frozen=True)
class DueChange:
    """An open dossier whose stored due date differs from what today's calendar and hours give."""

    code: str
    applicant_name: str
    procedure_name: str
    due_at: datetime | None
    new_due_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "applicant_name": self.applicant_name, "procedure_name": self.procedure_name,
                "due_at": self.due_at.isoformat() if self.due_at else None, "new_due_at": self.new_due_at.isoformat()}


def due_changes(session: Session) -> list[DueChange]:
    """Open dossiers (clock running) whose due date would move; nothing is written."""
    rules = desk_context(session).rules
    result = []
    rows = session.scalars(select(Dossier).where(Dossier.status.in_([s.value for s in CLOCK_RUNNING]),
                                                 Dossier.deleted.is_(False)).order_by(Dossier.received_at))
    for dossier in rows:
        start = rules.counting_start(last_counting_moment(session, dossier))
        due = rules.due_at(start, processing_time(dossier))
        if due != dossier.due_at:
            result.append(DueChange(dossier.code, dossier.applicant_name, dossier.procedure_name, dossier.due_at, due))
    return result


def apply_due_changes(session: Session, codes: Sequence[str] | None = None) -> list[DueChange]:
    """Move the due dates the officer chose (``None`` = every one listed); returns what moved."""
    require(session, Permission.PROCESS)
    pending = {c.code: c for c in due_changes(session)}
    chosen = list(pending) if codes is None else list(codes)
    unknown = [c for c in chosen if c not in pending]
    if unknown:
        raise UserError(f"Hồ sơ {unknown[0]} không có hạn giải quyết cần đổi theo lịch.", field="code")
    ctx = desk_context(session)
    for code in chosen:
        reschedule(session, get_dossier(session, code), ctx=ctx, reason="Lịch làm việc thay đổi")
    session.flush()
    return [pending[c] for c in chosen]
