"""Desk staff on duty, day by day: the denominator of «năng suất tiếp nhận» (dossiers received per staff
member on duty, the provincial plans' measure). A log-in records its officer for the day; a leader
corrects the day's list (someone logged in to look something up, or worked without logging in)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db.models import Officer
from desktop.db.models_feedback import DutyDay
from desktop.errors import UserError
from desktop.platform import clock
from desktop.services.permissions import Permission, require


def record_login(session: Session, username: str, day: date) -> None:
    """The first log-in of the day puts the officer on duty; a leader's correction is never overwritten."""
    found = session.scalar(select(DutyDay).where(DutyDay.day == day, DutyDay.username == username))
    if found is None:
        session.add(DutyDay(day=day, username=username, source="login", present=True))


def on_duty(session: Session, day: date) -> list[str]:
    """The usernames on duty that day, sorted."""
    return list(session.scalars(select(DutyDay.username).where(
        DutyDay.day == day, DutyDay.present.is_(True), DutyDay.deleted.is_(False)).order_by(DutyDay.username)))


def set_on_duty(session: Session, day: date, usernames: list[str]) -> list[str]:
    """A leader's list for one day replaces what the log-ins recorded (those not listed become absent)."""
    require(session, Permission.MANAGE_DUTY)
    if day > clock.today():  # a roster written ahead would count staff-days nobody has worked yet
        raise UserError(f"Ngày {day:%d/%m/%Y} chưa đến: chỉ sửa được danh sách trực của hôm nay hoặc ngày đã qua.",
                        field="day")
    wanted = {(name or "").strip().lower() for name in usernames if (name or "").strip()}
    known = set(session.scalars(select(Officer.username).where(Officer.username.in_(wanted),
                                                               Officer.deleted.is_(False))))
    if unknown := sorted(wanted - known):
        raise UserError(f"Không có cán bộ với tên đăng nhập: {', '.join(unknown)}.", field="usernames")
    rows = {r.username: r for r in session.scalars(select(DutyDay).where(DutyDay.day == day))}
    for name in wanted | set(rows):
        row = rows.get(name) or DutyDay(day=day, username=name)
        if name not in rows:
            session.add(row)
        row.present, row.source, row.deleted = name in wanted, "manual", False
    session.flush()
    return on_duty(session, day)


def staff_days(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None) -> int:
    """Staff-days on duty from ``start`` to ``end`` inclusive (at the hub: of these units)."""
    scope = [DutyDay.owner_unit.in_(list(unit_codes))] if unit_codes is not None else []
    return int(session.scalar(select(func.count()).select_from(DutyDay).where(
        DutyDay.day >= start, DutyDay.day <= end, DutyDay.present.is_(True), DutyDay.deleted.is_(False),
        *scope)) or 0)
