"""Calendar overrides: extra days off and extra working days, on top of the holidays package."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import CalendarOverride
from desktop.services.desk import load_calendar
from desktop.services.permissions import Permission, require
from desktop.text import nfc


def set_override(session: Session, day: date, *, working: bool, reason: str | None = None,
                 legal_basis: str | None = None) -> CalendarOverride:
    require(session, Permission.MANAGE_CALENDAR)
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None:
        row = CalendarOverride(day=day, working=working)
        session.add(row)
    row.working = working
    row.reason = nfc(reason) or ("Ngày làm việc bù" if working else "Ngày nghỉ")
    row.legal_basis = nfc(legal_basis)
    row.deleted = False
    session.flush()
    return row


def remove_override(session: Session, day: date) -> bool:
    require(session, Permission.MANAGE_CALENDAR)
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None or row.deleted:
        return False
    row.deleted = True
    session.flush()
    return True


def year_view(session: Session, year: int) -> dict[str, Any]:
    """The JSON of ``calendar show``: holidays and overrides together."""
    calendar = load_calendar(session)
    return {
        "year": year,
        "days_off": [{"date": d.isoformat(), "name": name} for d, name in calendar.days_off(year)],
        "extra_working_days": [{"date": d.isoformat(), "reason": r} for d, r in calendar.extra_working_days(year)],
    }
