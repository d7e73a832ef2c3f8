"""Period labels to official and calendar windows."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import UserError
from desktop.reports.periods import parse_period, period_containing

OFFICIAL = {
    "2026-10": ("month", date(2026, 9, 15), date(2026, 10, 14)),
    "2026-01": ("month", date(2025, 12, 15), date(2026, 1, 14)),
    "2026-Q1": ("quarter", date(2025, 12, 15), date(2026, 3, 14)),
    "2026-Q4": ("quarter", date(2026, 9, 15), date(2026, 12, 14)),
    "2026-H1": ("half", date(2025, 12, 15), date(2026, 6, 14)),
    "2026-H2": ("half", date(2026, 6, 15), date(2026, 12, 14)),
    "2026-9M": ("nine_months", date(2025, 12, 15), date(2026, 9, 14)),
    "2026": ("year", date(2025, 12, 15), date(2026, 12, 14)),
}
CALENDAR = {
    "2026-02": (date(2026, 2, 1), date(2026, 2, 28)),
    "2026-10": (date(2026, 10, 1), date(2026, 10, 31)),
    "2026-Q4": (date(2026, 10, 1), date(2026, 12, 31)),
    "2026-H1": (date(2026, 1, 1), date(2026, 6, 30)),
    "2026-H2": (date(2026, 7, 1), date(2026, 12, 31)),
    "2026-9M": (date(2026, 1, 1), date(2026, 9, 30)),
    "2026": (date(2026, 1, 1), date(2026, 12, 31)),
}


@pytest.mark.parametrize("label", list(OFFICIAL))
def test_official_windows(label: str) -> None:
    kind, start, end = OFFICIAL[label]
    period = parse_period(label)
    assert (period.kind, period.label, period.start, period.end) == (kind, label, start, end)


@pytest.mark.parametrize("label", list(CALENDAR))
def test_calendar_windows(label: str) -> None:
    period = parse_period(label, calendar=True)
    assert (period.start, period.end) == CALENDAR[label]


def test_bounds_are_whole_vietnam_days() -> None:
    start, end = parse_period("2026-10").bounds()
    assert start.isoformat() == "2026-09-15T00:00:00+07:00"
    assert end.isoformat() == "2026-10-15T00:00:00+07:00"


def test_labels_are_normalised_and_chained() -> None:
    assert parse_period(" 2026-q4 ").label == "2026-Q4"
    assert parse_period("2026-1").label == "2026-01"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-Q4").next().label == "2027-Q1"
    assert parse_period("2026-H1").next().label == "2026-H2"
    assert parse_period("2026-Q4").title == "quý IV năm 2026"
    for label in OFFICIAL:
        period = parse_period(label)
        if period.kind in ("month", "quarter", "half", "year"):
            assert (period.next().start - period.end).days == 1


def test_period_containing() -> None:
    assert period_containing(date(2026, 10, 14)).label == "2026-10"
    assert period_containing(date(2026, 10, 15)).label == "2026-11"
    assert period_containing(date(2026, 12, 20)).label == "2027-01"
    assert period_containing(date(2026, 10, 15), calendar=True).label == "2026-10"


@pytest.mark.parametrize("text", ["", "2026-13", "2026-Q5", "2026-H3", "10/2026", "2026-8M", "abc"])
def test_bad_labels(text: str) -> None:
    with pytest.raises(UserError) as info:
        parse_period(text)
    assert "YYYY-MM" in info.value.message and "YYYY-9M" in info.value.message
