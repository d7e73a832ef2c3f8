"""Working days: Monday–Friday, minus Vietnamese public holidays, in four layers with their source.

Layers, lowest first (a higher layer wins for the same date):

* ``statutory`` — the ``holidays`` package (Labour Code days, observed days, known swaps): the
  fallback for any year without an official file;
* ``government`` — ``resources/calendar/VN-<year>.json``: each year's announced schedule (bridge
  days, make-up Saturdays) with its name and source document; a day may be marked ``uncertain``;
* ``province`` — days shipped by the province package (stored as overrides with that source);
* ``local`` — the desk admin's own overrides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a year's holidays are first asked for: ~40 ms off every start
    import holidays

from desktop.texts import DAY_OFF, MAKE_UP_DAY
from desktop.platform.paths import resources_dir
from desktop.texts import LABELS

# A guard against a broken calendar (e.g. every day marked off): no real deadline is this far.
MAX_SCAN_DAYS = 3660
SOURCES = ("statutory", "government", "province", "local")
SOURCE_LABELS = {"statutory": "Theo luật", "government": "Chính phủ", "province": "Tỉnh",
                 "local": LABELS["unit"]}


@dataclass(frozen=True)
class Override:
    """One day's status from a layer above the package (official file, province or desk)."""

    day: date
    working: bool
    reason: str = ""
    source: str = "local"
    basis: str = ""
    uncertain: bool = False


@dataclass(frozen=True)
class DayInfo:
    """What ``calendar show`` and the calendar page say about a notable day."""

    day: date
    working: bool
    name: str
    source: str
    basis: str = ""
    uncertain: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "working": self.working, "name": self.name, "source": self.source,
                "basis": self.basis, "uncertain": self.uncertain}


def _official_from(folder: Any, year: int) -> dict[date, Override]:
    path = folder / f"VN-{year}.json"
    if not path.is_file():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    result: dict[date, Override] = {}
    for item in doc.get("days", []):
        day = date.fromisoformat(item["date"])
        if day.year != year:
            raise ValueError(f"{path.name}: ngày {day} không thuộc năm {year}")
        source = item.get("source", "government")
        if source not in ("statutory", "government"):
            raise ValueError(f"{path.name}: nguồn '{source}' của ngày {day} không hợp lệ")
        result[day] = Override(day, bool(item["working"]), str(item.get("name", "")), source,
                               str(item.get("basis", "")), bool(item.get("uncertain", False)))
    return result


@lru_cache(maxsize=32)
def official_days(year: int) -> dict[date, Override]:
    """The announced schedule for ``year`` shipped with the app (empty when none was published)."""
    return _official_from(resources_dir() / "calendar", year)


@dataclass
class WorkCalendar:
    """Answers 'is this a working day?' for any year, loading each layer lazily per year."""

    overrides: Mapping[date, Override] = field(default_factory=dict)
    official: Callable[[int], Mapping[date, Override]] = official_days
    _years: dict[int, holidays.HolidayBase] = field(default_factory=dict, repr=False)
    _working: dict[date, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def with_overrides(cls, overrides: Iterable[Override]) -> WorkCalendar:
        return cls(overrides={o.day: o for o in overrides})

    def _holidays(self, year: int) -> holidays.HolidayBase:
        table = self._years.get(year)
        if table is None:
            import holidays

            table = holidays.country_holidays("VN", years=year, language="vi")
            self._years[year] = table
        return table

    def _layer(self, day: date) -> Override | None:
        return self.overrides.get(day) or self.official(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        cached = self._working.get(day)
        if cached is None:
            layer = self._layer(day)
            cached = layer.working if layer is not None else self._holidays(day.year).is_working_day(day)
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

    def day_info(self, day: date) -> DayInfo:
        """The day's status and the layer it comes from; ``uncertain`` stays visible when overridden."""
        official = self.official(day.year).get(day)
        uncertain = bool(official and official.uncertain)
        layer = self.overrides.get(day) or official
        if layer is not None:
            basis = layer.basis or (official.basis if official else "")
            return DayInfo(day, layer.working, layer.reason or (official.reason if official else ""),
                           layer.source, basis, uncertain or layer.uncertain)
        table = self._holidays(day.year)
        working = table.is_working_day(day)
        name = str(table.get(day) or (MAKE_UP_DAY if working and day.weekday() >= 5 else ""))
        return DayInfo(day, working, name, "statutory", "Gói holidays (Bộ luật Lao động 2019)" if name else "")

    def notable_days(self, year: int) -> list[DayInfo]:
        """Every holiday, swap and override of ``year`` (not the plain weekends), oldest first."""
        table = self._holidays(year)
        days = {d for d in table if d.year == year}
        days |= {d for d in getattr(table, "weekend_workdays", set()) if d.year == year}
        days |= set(self.official(year))
        days |= {d for d in self.overrides if d.year == year}
        infos = [self.day_info(d) for d in sorted(days)]
        # A weekend day that is simply a weekend (e.g. an overridden-away make-up Saturday) is not notable.
        return [i for i in infos if i.name or i.working != (i.day.weekday() < 5) or i.source == "local"]

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Every day the desk is closed for a holiday or swap, for ``calendar show``."""
        return [(i.day, i.name or DAY_OFF) for i in self.notable_days(year) if not i.working]

    def extra_working_days(self, year: int) -> list[tuple[date, str]]:
        """Make-up Saturdays and holidays switched back to working days."""
        return [(i.day, i.name or MAKE_UP_DAY) for i in self.notable_days(year) if i.working]
