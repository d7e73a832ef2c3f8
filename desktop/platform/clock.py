"""The one place that knows the time zone and 'now', so rules and tests can set the clock."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_fixed_now: datetime | None = None


def now() -> datetime:
    """Current moment in Asia/Ho_Chi_Minh; ``MOTCUA_NOW`` (ISO) or :func:`set_now` pin it for tests."""
    if _fixed_now is not None:
        return _fixed_now
    pinned = os.environ.get("MOTCUA_NOW")
    if pinned:
        return to_vn(datetime.fromisoformat(pinned))
    return datetime.now(VN_TZ).replace(microsecond=0)


def set_now(moment: datetime | None) -> None:
    global _fixed_now
    _fixed_now = to_vn(moment) if moment is not None else None


def today() -> date:
    return now().date()


def to_vn(moment: datetime) -> datetime:
    """Naive datetimes are taken as Vietnam local time (how officers type them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=VN_TZ)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +07:00 offset, as every JSON output promises."""
    return to_vn(moment).isoformat() if moment is not None else None
