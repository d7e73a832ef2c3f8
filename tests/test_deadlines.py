"""The §3 rules of issue #2, each with a worked example, plus hypothesis properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.platform import clock
from desktop.rules.deadlines import (
    Classification,
    DeadlineRules,
    OfficeHours,
    ProcessingTime,
    TimeUnit,
    classify,
)
from desktop.rules.workcalendar import Override, WorkCalendar

RULES = DeadlineRules(WorkCalendar())


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=clock.VN_TZ)


def days(n: int) -> ProcessingTime:
    return ProcessingTime(n, TimeUnit.WORKING_DAYS)


def due(received: datetime, rule: ProcessingTime, rules: DeadlineRules = RULES) -> datetime:
    return rules.due_at(rules.counting_start(received), rule)


class TestCountingStart:
    def test_working_day_in_office_hours_counts_from_that_moment(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 16, 10)) == vn(2026, 11, 16, 10)

    def test_before_opening_counts_from_that_moment(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 16, 6, 45)) == vn(2026, 11, 16, 6, 45)

    def test_at_close_exactly_still_counts_that_day(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 16, 17, 0)) == vn(2026, 11, 16, 17, 0)

    def test_after_close_counts_from_next_working_day_opening(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 16, 17, 1)) == vn(2026, 11, 17, 7, 30)

    def test_friday_evening_online_dossier_counts_from_monday(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 13, 22, 15)) == vn(2026, 11, 16, 7, 30)

    def test_sunday_counts_from_monday(self) -> None:
        assert RULES.counting_start(vn(2026, 11, 15, 9)) == vn(2026, 11, 16, 7, 30)

    def test_holiday_counts_from_next_working_day(self) -> None:
        # 24/11/2026 is Ngày Văn hóa Việt Nam (a day off from 2026)
        assert RULES.counting_start(vn(2026, 11, 24, 9)) == vn(2026, 11, 25, 7, 30)

    def test_configurable_cutoff(self) -> None:
        rules = DeadlineRules(WorkCalendar(), OfficeHours.from_strings(reception_cutoff="16:30"))
        assert rules.counting_start(vn(2026, 11, 16, 16, 45)) == vn(2026, 11, 17, 7, 30)


class TestWorkingDays:
    def test_issue_example_monday_plus_three(self) -> None:
        assert due(vn(2026, 11, 16, 10), days(3)) == vn(2026, 11, 19, 17)

    def test_day_of_receipt_not_counted(self) -> None:
        assert due(vn(2026, 11, 16, 7, 31), days(1)) == vn(2026, 11, 17, 17)

    def test_weekend_skipped(self) -> None:
        assert due(vn(2026, 11, 19, 9), days(3)) == vn(2026, 11, 25, 17)  # Thu +3: Fri, Mon, (Tue 24 off) Wed

    def test_tet_2026(self) -> None:
        # Fri 13/02/2026 10:00; 16–20/02 is Tết; 23/02 Mon is the first working day after
        assert due(vn(2026, 2, 13, 10), days(1)) == vn(2026, 2, 23, 17)
        assert due(vn(2026, 2, 12, 10), days(3)) == vn(2026, 2, 24, 17)

    def test_received_during_tet_counts_after(self) -> None:
        assert RULES.counting_start(vn(2026, 2, 18, 9)) == vn(2026, 2, 23, 7, 30)
        assert due(vn(2026, 2, 18, 9), days(2)) == vn(2026, 2, 25, 17)

    def test_compensatory_working_saturday_from_package(self) -> None:
        # Saturday 22/08/2026 is worked to make up for Monday 31/08/2026
        assert RULES.calendar.is_working_day(date(2026, 8, 22))
        assert not RULES.calendar.is_working_day(date(2026, 8, 31))
        assert due(vn(2026, 8, 21, 9), days(1)) == vn(2026, 8, 22, 17)
        # Fri 28/08 + 1: Mon 31/08 off, 1–2/09 National Day -> Thu 03/09
        assert due(vn(2026, 8, 28, 9), days(1)) == vn(2026, 9, 3, 17)

    def test_override_makes_saturday_working_and_weekday_off(self) -> None:
        calendar = WorkCalendar.with_overrides(
            [Override(date(2026, 12, 5), True, "làm bù"), Override(date(2026, 12, 7), False, "nghỉ bù")]
        )
        rules = DeadlineRules(calendar)
        assert due(vn(2026, 12, 4, 9), days(1), rules) == vn(2026, 12, 5, 17)
        assert due(vn(2026, 12, 4, 9), days(2), rules) == vn(2026, 12, 8, 17)

    def test_after_hours_receipt(self) -> None:
        # Mon 17:30 -> counts from Tue 07:30 -> +3 = Fri
        assert due(vn(2026, 11, 16, 17, 30), days(3)) == vn(2026, 11, 20, 17)


class TestSameDay:
    cutoff = ProcessingTime(0, TimeUnit.SAME_DAY, time(15, 0))

    def test_before_cutoff_same_day_close(self) -> None:
        assert due(vn(2026, 11, 16, 14, 59), self.cutoff) == vn(2026, 11, 16, 17)

    def test_at_cutoff_same_day(self) -> None:
        assert due(vn(2026, 11, 16, 15, 0), self.cutoff) == vn(2026, 11, 16, 17)

    def test_after_cutoff_next_working_day(self) -> None:
        assert due(vn(2026, 11, 20, 15, 30), self.cutoff) == vn(2026, 11, 23, 17)

    def test_no_cutoff_same_day_until_close(self) -> None:
        assert due(vn(2026, 11, 16, 16, 30), ProcessingTime(0, TimeUnit.SAME_DAY)) == vn(2026, 11, 16, 17)

    def test_after_close_is_next_working_day(self) -> None:
        assert due(vn(2026, 11, 16, 18), self.cutoff) == vn(2026, 11, 17, 17)

    def test_zero_working_days_means_same_day(self) -> None:
        assert due(vn(2026, 11, 16, 9), days(0)) == vn(2026, 11, 16, 17)


class TestWorkingHours:
    def test_issue_example(self) -> None:
        assert due(vn(2026, 11, 16, 14), ProcessingTime(8, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 17, 14, 30)

    def test_within_morning(self) -> None:
        assert due(vn(2026, 11, 16, 8), ProcessingTime(2, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 16, 10)

    def test_crosses_lunch(self) -> None:
        assert due(vn(2026, 11, 16, 10, 30), ProcessingTime(2, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 16, 14, 30)

    def test_starts_during_lunch(self) -> None:
        assert due(vn(2026, 11, 16, 12), ProcessingTime(1, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 16, 14, 30)

    def test_starts_before_opening(self) -> None:
        assert due(vn(2026, 11, 16, 6), ProcessingTime(1, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 16, 8, 30)

    def test_crosses_weekend_and_holiday(self) -> None:
        # Fri 20/11 16:00 + 4h: 1h Fri, Mon 3h -> 10:30 Mon 23/11
        assert due(vn(2026, 11, 20, 16), ProcessingTime(4, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 23, 10, 30)
        # Mon 23/11 16:00 + 2h: 1h Mon, Tue 24 is a holiday -> Wed 08:30
        assert due(vn(2026, 11, 23, 16), ProcessingTime(2, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 25, 8, 30)

    def test_ends_exactly_at_session_end(self) -> None:
        assert due(vn(2026, 11, 16, 7, 30), ProcessingTime(4, TimeUnit.WORKING_HOURS)) == vn(2026, 11, 16, 11, 30)


class TestClassification:
    def test_late_after_due(self) -> None:
        assert classify(vn(2026, 11, 19, 17, 1), vn(2026, 11, 19, 17)) == Classification.LATE

    def test_on_time_same_day(self) -> None:
        assert classify(vn(2026, 11, 19, 8), vn(2026, 11, 19, 17)) == Classification.ON_TIME
        assert classify(vn(2026, 11, 19, 17), vn(2026, 11, 19, 17)) == Classification.ON_TIME

    def test_early_previous_day(self) -> None:
        assert classify(vn(2026, 11, 18, 16, 59), vn(2026, 11, 19, 17)) == Classification.EARLY

    def test_unresolved_is_none(self) -> None:
        assert classify(None, vn(2026, 11, 19, 17)) is None


class TestWorkingDaysLeft:
    def test_due_today_is_zero_and_overdue_negative(self) -> None:
        assert RULES.working_days_left(vn(2026, 11, 20, 17), vn(2026, 11, 20, 9)) == 0
        assert RULES.working_days_left(vn(2026, 11, 23, 17), vn(2026, 11, 20, 9)) == 1
        assert RULES.working_days_left(vn(2026, 11, 19, 17), vn(2026, 11, 23, 9)) == -2


# ---- properties ---------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=clock.VN_TZ)
)
rules_st = st.one_of(
    st.integers(min_value=0, max_value=30).map(lambda n: ProcessingTime(n, TimeUnit.WORKING_DAYS)),
    st.integers(min_value=1, max_value=80).map(lambda h: ProcessingTime(h / 2, TimeUnit.WORKING_HOURS)),
    st.sampled_from([time(15), time(11), None]).map(lambda c: ProcessingTime(0, TimeUnit.SAME_DAY, c)),
)
HOURS = OfficeHours()


def within_office_hours(moment: datetime) -> bool:
    t = moment.timetz().replace(tzinfo=None)
    return (HOURS.morning_start <= t <= HOURS.morning_end) or (HOURS.afternoon_start <= t <= HOURS.afternoon_end)


@settings(max_examples=300, deadline=None)
@given(received=moments, rule=rules_st)
def test_due_is_within_office_hours_of_a_working_day(received: datetime, rule: ProcessingTime) -> None:
    result = due(received, rule)
    assert RULES.calendar.is_working_day(result.date())
    assert within_office_hours(result)
    assert result >= RULES.counting_start(received) or rule.unit == TimeUnit.SAME_DAY


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=0, max_value=25), extra=st.integers(min_value=1, max_value=10))
def test_longer_working_days_never_earlier(received: datetime, n: int, extra: int) -> None:
    assert due(received, days(n + extra)) > due(received, days(n))


@settings(max_examples=300, deadline=None)
@given(received=moments, h=st.integers(min_value=1, max_value=60), extra=st.integers(min_value=1, max_value=20))
def test_longer_working_hours_never_earlier(received: datetime, h: int, extra: int) -> None:
    a = due(received, ProcessingTime(h / 2, TimeUnit.WORKING_HOURS))
    b = due(received, ProcessingTime((h + extra) / 2, TimeUnit.WORKING_HOURS))
    assert b > a


@settings(max_examples=200, deadline=None)
@given(received=moments)
def test_counting_start_never_before_receipt_and_on_working_day(received: datetime) -> None:
    start = RULES.counting_start(received)
    assert start >= received
    assert RULES.calendar.is_working_day(start.date())
    assert start - received < timedelta(days=15)
