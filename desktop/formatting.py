"""How every number, percentage, date and moment reads, in one place (forms, reports, pages, CLI).

One order everywhere: a moment is time first, then the date — «17:00 09/12/2026» — as the official
wording puts it («17 giờ 00 phút, ngày 09 tháng 12 năm 2026»); a date is dd/mm/yyyy; thousands take a
dot and decimals a comma (95.934; 84,0%). Display only: no rule and no Qt here.
"""

from __future__ import annotations

from typing import Any

from datetime import date, datetime

from desktop.platform import clock


def two(n: int) -> str:
    return f"{n:02d}"


def number(value: int | float | None) -> str:
    """«95.934»: a dot between thousands, whole numbers only (counts, sizes, rows)."""
    if value is None:
        return ""
    return f"{round(value):,}".replace(",", ".")


def decimal(value: float | None, digits: int = 1) -> str:
    """«1.234,5»: dots between thousands, a decimal comma."""
    if value is None:
        return ""
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def plain(value: float) -> str:
    """«2,5», «3»: as few digits as the value needs (working days, points)."""
    return f"{value:g}".replace(".", ",")


def percent(value: float | None, digits: int = 1) -> str:
    """«84,0%» from 84.0: a decimal comma and no space before the sign."""
    return "" if value is None else decimal(value, digits) + "%"


def figure(value: Any) -> str:
    """A table cell's number the desk's way: «—» for nothing, «1.234» for a count, «84,9» for a measure."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return number(value) if isinstance(value, int) else decimal(value)


def rate(value: float | None) -> str:
    """A percentage, «—» when there is nothing to divide."""
    return "—" if value is None else percent(value)


def _local_date(day: date | datetime | str) -> date:
    if isinstance(day, str):  # ISO text, as JSON carries it
        day = datetime.fromisoformat(day) if len(day) > 10 else date.fromisoformat(day)
    return clock.to_vn(day).date() if isinstance(day, datetime) else day


def dmy(day: date | datetime | str | None) -> str:
    """«09/12/2026»."""
    return "" if day is None or day == "" else f"{_local_date(day):%d/%m/%Y}"


def dmy_hm(moment: datetime | str | None) -> str:
    """«17:00 09/12/2026» (an ISO text, as JSON carries it, is read first)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = clock.to_vn(moment)
    return f"{local:%H:%M} {local:%d/%m/%Y}"


def vn_date(day: date | datetime | str) -> str:
    """«ngày 05 tháng 02 năm 2026»."""
    local = _local_date(day)
    return f"ngày {two(local.day)} tháng {two(local.month)} năm {local.year}"


def vn_datetime(moment: datetime) -> str:
    """«09 giờ 15 phút, ngày 20 tháng 11 năm 2026» — the wording of the receipt."""
    local = clock.to_vn(moment)
    return f"{two(local.hour)} giờ {two(local.minute)} phút, {vn_date(local)}"


def place_date(place: str, day: date | datetime | str) -> str:
    """«Tân Lập, ngày 20 tháng 11 năm 2026»."""
    return f"{place}, {vn_date(day)}"
