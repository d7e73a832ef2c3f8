"""Counting start, appointment (due) moment and on-time classification — the rules reports stand on.

Rules (issue #2 §3, recorded in docs/decisions.md):
* counting start: received on a working day at or before the reception cut-off (office close by
  default) counts from that moment; otherwise from the opening of the next working day — also a
  dossier received during Saturday-morning reception (issue #17: hours are per weekday, but deadlines
  count working days only);
* ``working_days`` N ≥ 1: the N-th working day after the counting-start day, at office close;
* ``same_day``: the counting-start day at office close, or the next working day at close when the
  procedure has a cut-off (e.g. 15:00) and counting starts after it;
* ``working_hours`` H: H hours added moving only through office hours;
* classification: late if result > due; early if the result's date is before the due date; else on time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from desktop.platform import clock
from desktop.rules.workcalendar import WorkCalendar


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"


class Classification(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

# The standard office day (morning start/end, afternoon start/end): the one place these hours are written.
STANDARD_HOURS = ("07:30", "11:30", "13:30", "17:00")


def parse_hhmm(value: str) -> time:
    hours, minutes = value.strip().split(":")
    return time(int(hours), int(minutes))


Shift = tuple[time, time]
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_sessions(text: str, where: str) -> tuple[Shift, ...]:
    """"07:30-11:30, 13:30-17:00" → sessions in order, not overlapping; "" → closed that day."""
    sessions: list[Shift] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        try:
            start_text, end_text = part.split("-")
            start, end = parse_hhmm(start_text), parse_hhmm(end_text)
        except ValueError:
            raise ValueError(f"{where}: '{part}' không đúng dạng HH:MM-HH:MM") from None
        if start >= end or (sessions and start < sessions[-1][1]):
            raise ValueError(f"{where}: buổi '{part}' phải bắt đầu trước khi kết thúc và sau buổi trước")
        sessions.append((start, end))
    if len(sessions) > 3:
        raise ValueError(f"{where}: tối đa 3 buổi một ngày")
    return tuple(sessions)


@dataclass(frozen=True)
class OfficeHours:
    """Two sessions a working day; ``reception_cutoff`` defaults to the afternoon close.

    ``weekly`` (Monday..Sunday) gives each weekday its own sessions, e.g. a Saturday morning of
    reception. A working day uses its weekday's sessions; a make-up weekend working day, or a weekday
    left without sessions, uses the standard two. Saturday sessions only mean the desk receives then.
    """

    morning_start: time = time.fromisoformat(STANDARD_HOURS[0])
    morning_end: time = time.fromisoformat(STANDARD_HOURS[1])
    afternoon_start: time = time.fromisoformat(STANDARD_HOURS[2])
    afternoon_end: time = time.fromisoformat(STANDARD_HOURS[3])
    reception_cutoff: time | None = None
    weekly: tuple[tuple[Shift, ...], ...] | None = None

    @classmethod
    def from_strings(
        cls,
        morning_start: str = STANDARD_HOURS[0],
        morning_end: str = STANDARD_HOURS[1],
        afternoon_start: str = STANDARD_HOURS[2],
        afternoon_end: str = STANDARD_HOURS[3],
        reception_cutoff: str | None = None,
    ) -> OfficeHours:
        hours = cls(
            parse_hhmm(morning_start),
            parse_hhmm(morning_end),
            parse_hhmm(afternoon_start),
            parse_hhmm(afternoon_end),
            parse_hhmm(reception_cutoff) if reception_cutoff else None,
        )
        if not (hours.morning_start < hours.morning_end <= hours.afternoon_start < hours.afternoon_end):
            raise ValueError("giờ làm việc không hợp lệ: cần sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu < chiều kết thúc")
        return hours

    def with_week(self, week: dict[str, str]) -> OfficeHours:
        """Per-weekday sessions from {"mon": "07:30-11:30, 13:30-17:00", …, "sat": "07:30-11:30"}."""
        unknown = sorted(set(week) - set(WEEKDAY_KEYS))
        if unknown:
            raise ValueError(f"ngày trong tuần không hợp lệ: {', '.join(unknown)} (mon…sun)")
        default = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.sessions())
        weekly = tuple(parse_sessions(week.get(key, default if index < 5 else ""), key)
                       for index, key in enumerate(WEEKDAY_KEYS))
        return replace(self, weekly=weekly)

    def week_text(self) -> dict[str, str]:
        return {key: ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.receiving(index))
                for index, key in enumerate(WEEKDAY_KEYS)}

    def receiving(self, weekday: int) -> tuple[Shift, ...]:
        """The sessions the desk is open on that weekday (0 = Monday)."""
        if self.weekly is not None:
            return self.weekly[weekday]
        return self.sessions() if weekday < 5 else ()

    def day_sessions(self, day: date) -> tuple[Shift, ...]:
        """Sessions of a working day (the caller knows it is one)."""
        own = self.receiving(day.weekday()) if day.weekday() < 5 else ()
        return own or self.sessions()

    def opening_on(self, day: date) -> time:
        return self.day_sessions(day)[0][0]

    def closing_on(self, day: date) -> time:
        return self.day_sessions(day)[-1][1]

    def cutoff_on(self, day: date) -> time:
        return min(self.reception_cutoff, self.closing_on(day)) if self.reception_cutoff else self.closing_on(day)

    @property
    def opening(self) -> time:
        return self.morning_start

    @property
    def closing(self) -> time:
        return self.afternoon_end

    @property
    def cutoff(self) -> time:
        return self.reception_cutoff or self.afternoon_end

    def sessions(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


@dataclass(frozen=True)
class ProcessingTime:
    value: float
    unit: TimeUnit
    same_day_cutoff: time | None = None


@dataclass(frozen=True)
class DeadlineRules:
    calendar: WorkCalendar
    hours: OfficeHours = OfficeHours()

    def counting_start(self, received_at: datetime) -> datetime:
        moment = clock.to_vn(received_at)
        day = moment.date()
        if self.calendar.is_working_day(day) and moment.time() <= self.hours.cutoff_on(day):
            return moment
        following = self.calendar.next_working_day(day)
        return clock.at(following, self.hours.opening_on(following))

    def due_at(self, counting_start: datetime, processing: ProcessingTime) -> datetime:
        start = clock.to_vn(counting_start)
        if processing.unit == TimeUnit.WORKING_HOURS:
            return self._add_working_hours(start, processing.value)
        if processing.unit == TimeUnit.SAME_DAY or processing.value <= 0:
            return self._same_day(start, processing.same_day_cutoff)
        return self._after_working_days(start.date(), int(round(processing.value)))

    def plus_working_days(self, due: datetime, count: int) -> datetime:
        """``due`` moved ``count`` working days later, at closing time (the transfer time of issue #15)."""
        if count <= 0:
            return due
        return self._after_working_days(clock.to_vn(due).date(), count)

    def _same_day(self, start: datetime, cutoff: time | None) -> datetime:
        day = start.date()
        if not self.calendar.is_working_day(day):  # only when called without counting_start()
            day = self.calendar.next_working_day(day)
        elif cutoff is not None and start.time() > cutoff:
            day = self.calendar.next_working_day(day)
        return clock.at(day, self.hours.closing_on(day))

    def _after_working_days(self, start_day: date, count: int) -> datetime:
        day = start_day
        for _ in range(count):
            day = self.calendar.next_working_day(day)
        return clock.at(day, self.hours.closing_on(day))

    def _add_working_hours(self, start: datetime, hours: float) -> datetime:
        remaining = timedelta(hours=hours)
        day = start.date()
        cursor = start
        if not self.calendar.is_working_day(day):
            day = self.calendar.next_working_day(day)
            cursor = clock.at(day, self.hours.opening_on(day))
        while True:
            for open_t, close_t in self.hours.day_sessions(day):
                session_open = clock.at(day, open_t)
                session_close = clock.at(day, close_t)
                begin = max(cursor, session_open)
                if begin >= session_close:
                    continue
                available = session_close - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day = self.calendar.next_working_day(day)
            cursor = clock.at(day, self.hours.opening_on(day))

    def working_days_left(self, due_at: datetime, now: datetime) -> int:
        """Working days from today to the due day (0 = due today, negative = overdue by that many)."""
        today = clock.to_vn(now).date()
        due_day = clock.to_vn(due_at).date()
        if due_day == today:
            return 0
        sign = 1 if due_day > today else -1
        low, high = (today, due_day) if sign > 0 else (due_day, today)
        count = 0
        day = low
        while True:
            day = self.calendar.next_working_day(day)
            if day > high:
                break
            count += 1
        return sign * count


def classify(result_at: datetime | None, due_at: datetime | None) -> Classification | None:
    if result_at is None or due_at is None:
        return None
    result = clock.to_vn(result_at)
    due = clock.to_vn(due_at)
    if result > due:
        return Classification.LATE
    if result.date() < due.date():
        return Classification.EARLY
    return Classification.ON_TIME
