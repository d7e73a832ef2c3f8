"""Issue 14, session 11: ``partitions.years_of_changes`` reads a +07:00 moment's year as written (no time-zone
conversion) and each distinct text once. Its answers must be exactly the old function's — every year, and
the same exception where the old one raised — for any text a hostile batch can carry: moments at any
offset around new year, in every year 0001–9999 (Vietnam's offsets before 1975 were not +07:00), naive
ones, ISO week dates, the basic format, and junk."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.platform import clock
from province import partitions


def old_years_of_changes(changes: list[dict[str, Any]]) -> dict[str, set[int]]:
    """The function as it was before session 11 (the reference)."""
    found: dict[str, set[int]] = {name: set() for name in partitions.PARTITION_KEYS}
    for change in changes:
        key = partitions.PARTITION_KEYS.get(change.get("table", ""))
        row = change.get("row")
        if key is None or not isinstance(row, dict) or not isinstance(row.get(key), str):
            continue
        try:
            moment = datetime.fromisoformat(row[key])
        except ValueError:
            continue
        found[change["table"]].add((clock.to_vn(moment) if moment.tzinfo else moment).year)
    return found


def _outcome(function: Any, changes: list[dict[str, Any]]) -> Any:
    try:
        return function(changes)
    except Exception as exc:  # noqa: BLE001 — the same kind of failure is part of "the same answer"
        return type(exc)


OFFSETS = st.one_of(st.just(timedelta(hours=7)), st.integers(-23 * 60, 23 * 60).map(lambda m: timedelta(minutes=m)),
                    st.integers(-86399, 86399).map(lambda s: timedelta(seconds=s)))


@st.composite
def moments(draw: st.DrawFn) -> str:
    """An ISO text: mostly near a new year (any year), at +07:00, another offset, naive or UTC ('Z')."""
    year = draw(st.one_of(st.integers(1, 9999), st.integers(1900, 2101), st.sampled_from((1, 1975, 1976, 9999))))
    near = datetime(year, 12, 31, 12) if year < 9999 else datetime(year, 6, 1)
    moment = near + timedelta(seconds=draw(st.integers(-86400 * 2, 86400 * 2 - 1))) if year > 1 else datetime(1, 1, 1)
    moment += timedelta(microseconds=draw(st.sampled_from((0, 0, 1, 999999))))
    shape = draw(st.sampled_from(("offset", "naive", "Z", "space", "minutes")))
    if shape == "naive":
        return moment.isoformat()
    if shape == "minutes":
        return moment.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    text = moment.replace(tzinfo=timezone(draw(OFFSETS))).isoformat(sep=" " if shape == "space" else "T")
    return text[:-6] + "Z" if shape == "Z" else text


HOSTILE_TEXTS = (
    "", "2026", "2026-13-01T00:00:00+07:00", "2026-02-30T00:00:00+07:00", "2026-12-31T24:00:00+07:00",
    "2025-W01-1T00:00:00+07:00", "2026W011T00:00:00+07:00", "2026-W53-7T23:00:00+07:00", "20251231T235959+0700",
    "2025-12-31T23:59:59+07:00:01", "2025-12-31T23:59:59-07:00", "2025-12-31T17:00:00+00:00", "0001-01-01T00:00+07:00",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1975-06-12T23:59:59+07:00", "1975-12-31T23:30+07:00",
    "1960-12-31T23:30:00+07:00", "2026-01-01T00:00:00.000000+07:00", "2026-01-01 00:00:00+07:00", "２０２６-01-01",
    "2026-01-01T00:00:00+07:00\n", " 2026-01-01T00:00:00+07:00", "2026-01-01T00:00:00.1234567+07:00",
)
HOSTILE = st.sampled_from(HOSTILE_TEXTS)
TEXTS = st.one_of(moments(), HOSTILE, st.text(max_size=30))
VALUES = st.one_of(TEXTS, st.none(), st.integers(), st.lists(TEXTS, max_size=1))


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 12))):
        table = draw(st.sampled_from(("dossier", "dossier_event", "supplement", "unit", "")))
        key = draw(st.sampled_from(("received_at", "at", "requested_at")))
        row: Any = {key: draw(VALUES)} if draw(st.booleans()) else draw(st.sampled_from((None, "x", [])))
        changes.append({"table": table, "row": row} if table else {"row": row})
    return changes


@settings(max_examples=600, deadline=None)
@given(batches())
def test_years_as_the_old_function_answered(changes: list[dict[str, Any]]) -> None:
    assert _outcome(partitions.years_of_changes, changes) == _outcome(old_years_of_changes, changes)


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_one_moment_as_the_old_function_answered(text: str) -> None:
    changes = [{"table": "dossier", "row": {"received_at": text}}, {"table": "dossier_event", "row": {"at": text}}]
    assert _outcome(partitions.years_of_changes, changes) == _outcome(old_years_of_changes, changes)


def test_the_hostile_texts_are_read_as_before() -> None:
    for text in HOSTILE_TEXTS:
        changes = [{"table": "dossier", "row": {"received_at": text}}]
        assert _outcome(partitions.years_of_changes, changes) == _outcome(old_years_of_changes, changes), text
    assert partitions.years_of_changes([{"table": "dossier", "row": {"received_at": "1960-12-31T23:30:00+07:00"}}]
                                       )["dossier"] == {1961}  # Vietnam was at +08:00 then: the conversion is kept
