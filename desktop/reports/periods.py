"""Report periods: month, quarter, half-year, nine months, year — official or calendar windows.

Official windows follow Decree 09/2019 Art. 12 (data closes on the 14th): a month runs from the 15th
of the previous month to the 14th; longer periods start on the 15th of the month before their first
month and end on the 14th of their last month. Calendar windows are plain calendar months.
Windows are inclusive whole days in Asia/Ho_Chi_Minh; :meth:`Period.bounds` gives the half-open
moment range ``[start 00:00, end+1 00:00)`` the queries use.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop.platform import clock
from desktop.errors import UserError

FORMAT_HELP = (
    "Kỳ báo cáo phải có dạng YYYY-MM (tháng, vd 2026-10), YYYY-Qn (quý, vd 2026-Q4), "
    "YYYY-H1 / YYYY-H2 (6 tháng), YYYY-9M (9 tháng) hoặc YYYY (năm)."
)

KIND_LABELS = {
    "month": "tháng",
    "quarter": "quý",
    "half": "6 tháng",
    "nine_months": "9 tháng",
    "year": "năm",
}

_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE), "half"),
    (re.compile(r"^(\d{4})-9M$", re.IGNORECASE), "nine_months"),
    (re.compile(r"^(\d{4})$"), "year"),
)


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | half | nine_months | year
    label: str  # canonical label: 2026-10, 2026-Q4, 2026-H1, 2026-9M, 2026
    start: date
    end: date  # inclusive
    calendar: bool = False

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start 00:00, day after end 00:00)`` in Vietnam time."""
        return clock.at(self.start, time(0)), clock.at(self.end + timedelta(days=1), time(0))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def title(self) -> str:
        """Vietnamese name of the period, e.g. 'tháng 10 năm 2026', 'quý IV năm 2026'."""
        year = int(self.label[:4])
        if self.kind == "month":
            return f"tháng {int(self.label[5:])} năm {year}"
        if self.kind == "quarter":
            return f"quý {('I', 'II', 'III', 'IV')[int(self.label[-1]) - 1]} năm {year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.label.endswith('1') else 'cuối'} năm {year}"
        if self.kind == "nine_months":
            return f"9 tháng năm {year}"
        return f"năm {year}"

    def previous(self) -> Period:
        """The period of the same kind just before (what carried_over continues from)."""
        return self._shifted(-1)

    def next(self) -> Period:
        return self._shifted(1)

    def _shifted(self, step: int) -> Period:
        """The period of the same kind ``step`` places away (counted in months, quarters, halves or years)."""
        year = int(self.label[:4])
        if self.kind in ("month", "quarter", "half"):
            per_year = {"month": 12, "quarter": 4, "half": 2}[self.kind]
            part = int(self.label[5:]) if self.kind == "month" else int(self.label[-1])  # 1-based
            year, index = divmod(year * per_year + part - 1 + step, per_year)
            label = {"month": f"{year}-{index + 1:02d}", "quarter": f"{year}-Q{index + 1}",
                     "half": f"{year}-H{index + 1}"}[self.kind]
        else:
            label = f"{year + step}-9M" if self.kind == "nine_months" else f"{year + step}"
        return parse_period(label, calendar=self.calendar)

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "calendar": self.calendar}


def _month_window(year: int, first_month: int, last_month: int, calendar: bool) -> tuple[date, date]:
    """Window covering months first..last of ``year`` (first may be ≤ 0 never; handled by caller)."""
    if calendar:
        return date(year, first_month, 1), date(year, last_month, monthrange(year, last_month)[1])
    start = date(year - 1, 12, 15) if first_month == 1 else date(year, first_month - 1, 15)
    return start, date(year, last_month, 14)


def require_begun(period: Period, today: date) -> Period:
    """A period that has not begun would report zeros, not facts: refused, with its dates."""
    if period.start > today:
        raise UserError(f"Kỳ báo cáo {period.title} chưa bắt đầu (từ {period.start:%d/%m/%Y}; hôm nay là "
                        f"{today:%d/%m/%Y}). Chọn một kỳ đã qua hoặc đang diễn ra.", field="period")
    return period


def parse_period(text: str, *, calendar: bool = False) -> Period:
    """Parse a period label; a bad label raises :class:`UserError` naming the accepted formats."""
    value = (text or "").strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 9998:
            break
        if kind == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            label, months = f"{year}-{month:02d}", (month, month)
        elif kind == "quarter":
            q = int(match.group(2))
            label, months = f"{year}-Q{q}", (3 * q - 2, 3 * q)
        elif kind == "half":
            h = int(match.group(2))
            label, months = f"{year}-H{h}", ((1, 6) if h == 1 else (7, 12))
        elif kind == "nine_months":
            label, months = f"{year}-9M", (1, 9)
        else:
            label, months = f"{year}", (1, 12)
        start, end = _month_window(year, months[0], months[1], calendar)
        return Period(kind=kind, label=label, start=start, end=end, calendar=calendar)
    raise UserError(f"Kỳ báo cáo '{value}' không hợp lệ. {FORMAT_HELP}", field="period")


def period_containing(day: date, kind: str = "month", *, calendar: bool = False) -> Period:
    """The period of ``kind`` whose window contains ``day`` (official: the 15th starts the next month)."""
    year, month = day.year, day.month
    if not calendar and day.day >= 15:
        month += 1
        if month == 13:
            year, month = year + 1, 1
    if kind == "month":
        label = f"{year}-{month:02d}"
    elif kind == "quarter":
        label = f"{year}-Q{(month - 1) // 3 + 1}"
    elif kind == "half":
        label = f"{year}-H{1 if month <= 6 else 2}"
    elif kind == "year":
        label = f"{year}"
    else:
        raise UserError(f"Loại kỳ '{kind}' không hỗ trợ ở đây.", field="period")
    return parse_period(label, calendar=calendar)


def uses_calendar_windows(session: object, flag: bool | None) -> bool:
    """An explicit flag (True/False) wins; ``None`` means the unit's ``calendar_windows`` setting."""
    if flag is not None:
        return flag
    from desktop.services.desk import local_unit

    try:
        return bool(local_unit(session).calendar_windows)  # type: ignore[arg-type]
    except UserError:
        return False


def resolve_period(session: object, label: str, *, calendar: bool | None = None) -> Period:
    return parse_period(label, calendar=uses_calendar_windows(session, calendar))
