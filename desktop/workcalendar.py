"""Working days: Monday–Friday, minus Vietnamese public holidays, with the desk's overrides on top.

The ``holidays`` package knows Tết, Giỗ Tổ, 30/4, 1/5, 2/9, observed days and the government's
announced swaps (make-up Saturdays in ``weekend_workdays``). Swaps announced later live in the
database as overrides (extra day off / extra working day) and win over the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

# A guard against a broken calendar (e.g. every day marked off): no real deadline is this far.
MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class Override:
    day: date
    working: bool
    reason: str = ""


@dataclass
class WorkCalendar:
    """Answers 'is this a working day?' for any year, loading the holidays package lazily per year."""

    overrides: Mapping[date, Override] = field(default_factory=dict)
    _years: dict[int, holidays.HolidayBase] = field(default_factory=dict, repr=False)
    _working: dict[date, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def with_overrides(cls, overrides: Iterable[Override]) -> WorkCalendar:
        return cls(overrides={o.day: o for o in overrides})

    def _holidays(self, year: int) -> holidays.HolidayBase:
        table = self._years.get(year)
        if table is None:
            table = holidays.country_holidays("VN", years=year, language="vi")
            self._years[year] = table
        return table

    def is_working_day(self, day: date) -> bool:
        cached = self._working.get(day)
        if cached is None:
            override = self.overrides.get(day)
            cached = override.working if override is not None else self._holidays(day.year).is_working_day(day)
            self._working[day] = cached
        return cached

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        current = day
        for _ in range(MAX_SCAN_DAYS):
            current += timedelta(days=1)
            if self.is_working_day(current):
                return current
        raise ValueError(f"no working day within {MAX_SCAN_DAYS} days after {day}")

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Every weekday the desk is closed plus named holidays, for ``calendar show``."""
        result: dict[date, str] = {}
        for day, name in self._holidays(year).items():
            if day.year == year and not self.is_working_day(day):
                result[day] = str(name)
        for override in self.overrides.values():
            if override.day.year == year and not override.working:
                result[override.day] = override.reason or "Ngày nghỉ"
        return sorted(result.items())

    def extra_working_days(self, year: int) -> list[tuple[date, str]]:
        """Weekend days made working days (make-up Saturdays), from the package and the overrides."""
        result: dict[date, str] = {}
        table = self._holidays(year)
        for day in getattr(table, "weekend_workdays", set()):
            if day.year == year and self.is_working_day(day):
                result[day] = "Ngày làm việc bù"
        for override in self.overrides.values():
            if override.day.year == year and override.working and override.day.weekday() >= 5:
                result[override.day] = override.reason or "Ngày làm việc bù"
            elif override.day.year == year and override.working:
                result.setdefault(override.day, override.reason or "Ngày làm việc")
        return sorted(result.items())
