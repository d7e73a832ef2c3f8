"""Which tables travel, and how a row becomes a snapshot (desk) and a snapshot a row (hub)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, Numeric, String, Table, Text, select
from sqlalchemy import column as untyped
from sqlalchemy import table as table_clause
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

import desktop.db.registry  # noqa: F401  every model module
from desktop.db.models import Base, Synced
from desktop.db.types import VNDateTime
from desktop.sync.errors import SyncError
from desktop.rules.validation import CONTROL_CHARACTERS

# Columns that stay on the desk: they are local security state, not records the province needs.
LOCAL_ONLY_COLUMNS: dict[str, frozenset[str]] = {
    "officer": frozenset({"password_hash", "failed_logins", "locked_until"}),
}


@cache
def synced_tables() -> dict[str, Table]:
    """Every table mapped by a ``Synced`` model, in dependency order (parents first)."""
    names = {m.class_.__table__.name for m in Base.registry.mappers if issubclass(m.class_, Synced)}
    return {t.name: t for t in Base.metadata.sorted_tables if t.name in names}


def snapshot(table: Table, row: Any) -> dict[str, Any]:
    hidden = LOCAL_ONLY_COLUMNS.get(table.name, frozenset())
    return {c.name: row[c.name] for c in table.columns if c.name not in hidden}


def read_snapshots(session: Session, table: Table, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The snapshots of the rows with these ids, as :func:`snapshot` of the typed rows would give them
    once written as canonical JSON — read faster (issue 14: the desk export spent a third of its time
    turning stored moments into datetimes and back into text). Each column is read as the database holds
    it and converted by its type's own result processor, except a moment in SQLite's stored shape, which
    becomes its canonical text directly (:func:`moment_text`)."""
    names, readers = _reading_plan(table, session.get_bind().dialect)
    raw = table_clause(table.name, *(untyped(name) for name in names))  # untyped: no result processing
    for start in range(0, len(ids), 500):
        for row in session.execute(select(*raw.c).where(raw.c.id.in_(ids[start:start + 500]))).all():
            values = list(row)
            for index, read in readers:
                if values[index] is not None:
                    values[index] = read(values[index])
            yield dict(zip(names, values, strict=True))


def moment_text(exact: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A moment column's value in canonical form: SQLite's stored «2026-12-05 10:00:00.000000» (Vietnam
    wall time, the VNDateTime column) becomes «2026-12-05T10:00:00+07:00» — the text ``clock.iso`` writes
    for the datetime ``exact`` would read, without making that datetime. Other shapes, and years before
    1976 (when Asia/Ho_Chi_Minh had other offsets), are read by ``exact``."""
    def read(value: Any) -> Any:
        if type(value) is str and len(value) == 26 and value[10] == " " and value[19] == "." and value >= "1976":
            return datetime.fromisoformat(value).isoformat() + "+07:00"
        return exact(value)
    return read


@cache
def _reading_plan(table: Table, dialect: Dialect) -> tuple[tuple[str, ...], tuple[tuple[int, Callable[[Any], Any]], ...]]:
    hidden = LOCAL_ONLY_COLUMNS.get(table.name, frozenset())
    columns = [c for c in table.columns if c.name not in hidden]
    readers = []
    for index, column in enumerate(columns):
        exact = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if exact is not None:
            fast = dialect.name == "sqlite" and isinstance(column.type, VNDateTime)
            readers.append((index, moment_text(exact) if fast else exact))
    return tuple(c.name for c in columns), tuple(readers)


INT64 = (-(2 ** 63), 2 ** 63 - 1)
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2101, 1, 1)
MAX_TEXT = 100_000


def _bad(column: Column[Any], why: str) -> SyncError:
    return SyncError("bad_value", f"{column.table.name}.{column.name}: {why}")


def _moment(column: Column[Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if not isinstance(value, str) or len(value) > 40:
            raise _bad(column, "không phải thời điểm")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _bad(column, "không phải thời điểm") from None
        if not EARLIEST.year <= moment.year < LATEST.year:  # = EARLIEST <= wall time < LATEST, without a copy
            raise _bad(column, "ngoài khoảng 2000–2100")
        return moment
    return parse


def _day(column: Column[Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) <= 10 else None
        except ValueError:
            day = None
        if day is None or not EARLIEST.date() <= day < LATEST.date():
            raise _bad(column, "không phải ngày")
        return day
    return parse


def _integer(column: Column[Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or not INT64[0] <= value <= INT64[1]:
            raise _bad(column, "không phải số nguyên 64 bit")
        return value
    return check


def _real(column: Column[Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > 1e15:
            raise _bad(column, "không phải số")
        return value
    return check


def _flag(column: Column[Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, bool) and value not in (0, 1):
            raise _bad(column, "không phải đúng/sai")
        return bool(value)
    return check


def _text(column: Column[Any]) -> Callable[[Any], Any]:
    limit = getattr(column.type, "length", None) or MAX_TEXT

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _bad(column, "không phải chuỗi")
        if len(value) > limit:
            raise _bad(column, f"dài hơn {limit} ký tự")
        # A control character cannot be typed at a desk of this version, but an older desk may hold one:
        # it is replaced (U+FFFD) rather than refused, so such a desk can still send its records.
        return CONTROL_CHARACTERS.sub("\ufffd", value)
    return check


@cache
def enumerations() -> dict[tuple[str, str], frozenset[str]]:
    """Columns whose values the desk takes from a closed set (the same sets the desk's services use):
    the hub counts and classifies by them, so a signed batch naming any other value is refused."""
    from desktop.rules.deadlines import TimeUnit
    from desktop.rules.lifecycle import Status
    from desktop.rules.validation import CHANNELS

    return {("dossier", "status"): frozenset(Status), ("dossier", "channel"): frozenset(CHANNELS),
            ("dossier", "time_unit"): frozenset(TimeUnit), ("procedure", "time_unit"): frozenset(TimeUnit)}


def _one_of(column: Column[Any], allowed: frozenset[str]) -> Callable[[Any], Any]:
    text = _text(column)

    def check(value: Any) -> Any:
        if text(value) not in allowed:
            raise _bad(column, f"giá trị {str(value)[:24]!r} không nằm trong danh mục")
        return value
    return check


def _checker(column: Column[Any]) -> Callable[[Any], Any] | None:
    """What a value of this column must be when it comes from a batch (None: any JSON value)."""
    allowed = enumerations().get((column.table.name, column.name))
    if allowed is not None:
        return _one_of(column, allowed)
    kind = column.type
    if isinstance(kind, (VNDateTime, DateTime)):
        return _moment(column)
    if isinstance(kind, Date):
        return _day(column)
    if isinstance(kind, Boolean):
        return _flag(column)
    if isinstance(kind, Integer):
        return _integer(column)
    if isinstance(kind, (Float, Numeric)):
        return _real(column)
    if isinstance(kind, (String, Text)):
        return _text(column)
    return None


@cache
def _plan(table: Table) -> tuple[tuple[str, int | None, Callable[[Any], Any] | None], ...]:
    """Per table, per column: its name, the length limit when it is free text (whose common value needs
    no change at all), and the check (and parse, for dates) of a typed column."""
    plain = {c.name: getattr(c.type, "length", None) or MAX_TEXT for c in table.columns
             if isinstance(c.type, (String, Text)) and (table.name, c.name) not in enumerations()}
    return tuple((c.name, plain.get(c.name), _checker(c)) for c in table.columns)


def row_values(table: Table, snap: dict[str, Any]) -> dict[str, Any]:
    """Typed values for the columns this schema knows; unknown fields from newer desks are left out.
    Every value is checked against its column (type, 64-bit range, length, control characters, dates
    2000–2100): a signed batch is still input, and a bad value refuses the batch (``bad_value``).

    A free-text value that is a string within its length and ``isprintable()`` (no character of the
    Cc or Cs categories, hence none of ``CONTROL_CHARACTERS``) is what its check would return
    unchanged, so it skips the call (issue 14: most values of a batch are such texts); anything else
    goes through the column's check."""
    values = {}
    for name, limit, check in _plan(table):
        if name not in snap:
            continue
        value = snap[name]
        if value is not None and check is not None and not (
                limit is not None and type(value) is str and len(value) <= limit and value.isprintable()):
            value = check(value)
        values[name] = value
    return values
