"""Dates as officers type them in a ledger: 05/03/2026, 5/3/26, 5-3-2026 8:30, Excel serials, real dates.

A date without a time gets the time the caller names (opening time for a reception, closing time for
an appointment or a result): a ledger rarely records the hour, and the closing time keeps a result
written on the appointment day "on time", as the officer meant it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from desktop.platform import clock

EXCEL_EPOCH = datetime(1899, 12, 30)
# Serials for 1/1/2000 .. 31/12/2099: anything else in a date column is a number typed by mistake.
SERIAL_MIN, SERIAL_MAX = 36526, 73050

_DMY = re.compile(
    r"^(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{2}|\d{4})"
    r"(?:\s*[,T ]\s*(?P<H>\d{1,2})\s*(?:[:hg]\s*(?P<M>\d{1,2})?)?\s*(?:[:'p]\s*(?P<S>\d{1,2}))?\s*(?:phút)?)?$",
    re.IGNORECASE,
)
_TIME_FIRST = re.compile(r"^(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{1,2})?(?:\s*:\s*(?P<S>\d{1,2}))?\s*(?:phút)?\s*"
                         r"(?:,|ngày)?\s*(?P<rest>.+)$", re.IGNORECASE)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?)?$")


class BadDate(ValueError):
    """The text is not a date; ``str(exc)`` is a Vietnamese explanation."""


def parse(value: object, default_time: time) -> datetime | None:
    """A timezone-aware moment (Asia/Ho_Chi_Minh), None for an empty cell, BadDate otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _vn(value if (value.hour, value.minute, value.second) != (0, 0, 0)
                   else datetime.combine(value.date(), default_time))
    if isinstance(value, date):
        return _vn(datetime.combine(value, default_time))
    if isinstance(value, bool):
        raise BadDate(f"'{value}' không phải ngày")
    if isinstance(value, (int, float)):
        return _serial(float(value), default_time)
    text = str(value).strip()
    if not text or text in {"-", "--", "/"}:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial(float(text), default_time)
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadDate(f"'{text}' không phải ngày có thật") from None
        if len(text) == 10:
            moment = datetime.combine(moment.date(), default_time)
        return _vn(moment)
    first = _TIME_FIRST.match(text)
    if first and any(sep in first.group("rest") for sep in "/-."):
        day_part = parse(first.group("rest"), default_time)
        assert day_part is not None
        return day_part.replace(hour=int(first.group("H")), minute=int(first.group("M") or 0),
                                second=int(first.group("S") or 0)) if _valid_time(first) else _bad_time(text)
    match = _DMY.match(text)
    if not match:
        raise BadDate(f"'{text}' không đúng dạng ngày (dd/mm/yyyy, có thể kèm giờ hh:mm)")
    year = int(match.group("y"))
    if year < 100:
        year += 2000
    try:
        day = date(year, int(match.group("m")), int(match.group("d")))
    except ValueError:
        raise BadDate(f"'{text}' không phải ngày có thật") from None
    if match.group("H") is None:
        return _vn(datetime.combine(day, default_time))
    if not _valid_time(match):
        return _bad_time(text)
    return _vn(datetime.combine(day, time(int(match.group("H")), int(match.group("M") or 0),
                                          int(match.group("S") or 0))))


def _valid_time(match: re.Match[str]) -> bool:
    return int(match.group("H")) < 24 and int(match.group("M") or 0) < 60 and int(match.group("S") or 0) < 60


def _bad_time(text: str) -> datetime:
    raise BadDate(f"'{text}' có giờ không hợp lệ")


def _serial(number: float, default_time: time) -> datetime:
    if not SERIAL_MIN <= number <= SERIAL_MAX:
        raise BadDate(f"số '{number:g}' không phải ngày (ngày dạng số của Excel phải từ năm 2000 đến 2099)")
    moment = EXCEL_EPOCH + timedelta(days=number)
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    if number == int(number):
        moment = datetime.combine(moment.date(), default_time)
    return _vn(moment)


def _vn(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=clock.VN_TZ)
    return clock.to_vn(moment)
