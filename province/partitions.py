"""Dossiers and their events partitioned by year on PostgreSQL (issue 14, docs/scale.md); SQLite is untouched.

``dossier`` is range-partitioned on ``received_at`` and ``dossier_event`` on ``at`` (both naive Vietnam
wall time, so a partition is exactly a Vietnamese calendar year): ``dossier_y2026`` holds
[2026-01-01, 2027-01-01), and ``dossier_default`` catches any row whose year has no partition (a year
outside the window below, a row written by a path other than the import), so no row is ever refused or lost.
Report queries filter on these same columns, so PostgreSQL prunes the years they cannot touch.

PostgreSQL requires the partition key in every unique constraint: the primary key is ``(id, <key>)`` and the
dossier code is unique per ``(code, received_at)``. The id's uniqueness across years is kept by the ingest
(``province/staging.py``: claim in ``hub_record_origin``, move, then upsert); the code's by the import's
business-key check. Partitions are created (i) for the years present when a hub is created or upgraded and
(ii) by the import before its transaction opens, for the years its batch names, each under an advisory
lock so concurrent hub processes create a year once; rows already caught by the default partition for
that year are moved into the new partition in the same short transaction.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Connection, Engine, MetaData, PrimaryKeyConstraint, Table, UniqueConstraint, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateTable

from desktop.db.models import NAMING
from desktop.platform import clock
from province import storage

# Table → partition key. Events follow their own moment: an event of a dossier received in December may
# fall in January; a year's events and dossiers are then each in their own year's partition.
PARTITION_KEYS = {"dossier": "received_at", "dossier_event": "at"}
ADVISORY_CLASS = 1416  # pg_advisory_xact_lock(1416, 0): partition DDL, one hub process at a time
FIRST_YEAR = 2000  # the desk refuses moments before 2000 (validation.moment)
_KNOWN: weakref.WeakKeyDictionary[Engine, set[tuple[str, int]]] = weakref.WeakKeyDictionary()
_KNOWN_LOCK = threading.Lock()
log = logging.getLogger("province.partitions")


def is_partitioned(dialect: Any, table_name: str) -> bool:
    return dialect.name == "postgresql" and table_name in PARTITION_KEYS


def year_window() -> range:
    """Years that get their own partition; others go to the default one (a hostile batch naming years
    0001…9999 must not make thousands of tables)."""
    return range(FIRST_YEAR, clock.now().year + 2)


def twin(table: Table) -> Table:
    """The PostgreSQL shape of a partitioned hub table: same columns, key in the primary key and uniques."""
    from province.schema import business_keys

    key = PARTITION_KEYS[table.name]
    columns = [Column(c.name, c.type, nullable=c.nullable and c.name not in ("id", key)) for c in table.columns]
    shape = Table(table.name, MetaData(naming_convention=NAMING), *columns,
                  PrimaryKeyConstraint("id", key, name=f"pk_{table.name}"),
                  postgresql_partition_by=f'RANGE ("{key}")')
    for names in business_keys(table):
        shape.append_constraint(UniqueConstraint(*names, key))
    return shape


def _q(name: str) -> str:
    return f'"{name}"'


def lock(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(:c, 0)"), {"c": ADVISORY_CLASS})


def present_years(conn: Connection, name: str) -> set[int]:
    rows = conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                             "WHERE i.inhparent = to_regclass(:n)"), {"n": name}).scalars()
    found = (re.fullmatch(rf"{re.escape(name)}_y(\d{{4}})", r) for r in rows)
    return {int(m.group(1)) for m in found if m}


def create_default(conn: Connection, name: str) -> None:
    """The partition that catches rows of a year without its own."""
    default = _q(f"{name}_default")
    conn.execute(text(f"CREATE TABLE {default} PARTITION OF {_q(name)} DEFAULT{storage.with_clause(name)}"))


def create_year(conn: Connection, name: str, year: int) -> None:
    """The year's partition, made as a plain table and attached: ATTACH locks the parent only against
    other DDL (readers and other imports go on), where CREATE … PARTITION OF would lock it whole. Rows
    the default partition already holds for that year move into it first."""
    key, part, default = PARTITION_KEYS[name], f"{name}_y{year}", f"{name}_default"
    bounds = {"lo": datetime(year, 1, 1), "hi": datetime(year + 1, 1, 1)}
    columns = ", ".join(_q(c) for c in conn.execute(text(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(:n) AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum"), {"n": name}).scalars())
    conn.execute(text(f"CREATE TABLE {_q(part)} (LIKE {_q(name)} INCLUDING DEFAULTS){storage.with_clause(name)}"))
    conn.execute(text(f"WITH moved AS (DELETE FROM {_q(default)} WHERE {_q(key)} >= :lo AND {_q(key)} < :hi "
                      f"RETURNING {columns}) INSERT INTO {_q(part)} ({columns}) SELECT {columns} FROM moved"), bounds)
    conn.execute(text(f"ALTER TABLE {_q(name)} ATTACH PARTITION {_q(part)} "
                      f"FOR VALUES FROM ('{year}-01-01 00:00:00') TO ('{year + 1}-01-01 00:00:00')"))


def ensure_years(engine: Engine, wanted: dict[str, set[int]]) -> list[str]:
    """Create the partitions these years need (in their own short transaction, before an import opens its
    own: partition DDL locks the parent table, which must never wait on the import that asked for it).
    Returns the partitions created."""
    with _KNOWN_LOCK:
        known = _KNOWN.setdefault(engine, set())
        missing = {(n, y) for n, years in wanted.items() for y in years if y in year_window()} - known
    if not missing:
        return []
    made = []
    with engine.begin() as conn:
        lock(conn)  # a concurrent process asking for the same year waits here, then finds it
        for name in sorted({n for n, _ in missing}):
            have = present_years(conn, name)
            for year in sorted(y for n, y in missing if n == name and y not in have):
                create_year(conn, name, year)
                made.append(f"{name}_y{year}")
    with _KNOWN_LOCK:
        known |= missing
    return made


def years_of_changes(changes: Iterable[dict[str, Any]]) -> dict[str, set[int]]:
    """The years a batch's dossiers and events fall in (Vietnam time), by table; unreadable moments are
    left out (the apply refuses or the default partition keeps them). Each distinct text is read once
    (events share their dossier's moments), in the order first met."""
    texts: dict[str, dict[str, None]] = {name: {} for name in PARTITION_KEYS}
    for change in changes:
        key = PARTITION_KEYS.get(change.get("table", ""))
        if key is not None:
            row = change.get("row")
            if isinstance(row, dict) and isinstance(value := row.get(key), str):
                texts[change["table"]][value] = None
    return {name: {y for y in map(vn_year, found) if y is not None} for name, found in texts.items()}


_SEVEN_HOURS = timedelta(hours=7)
_STEADY_YEAR = 1976  # Vietnam has kept UTC+7 since 13 June 1975 (tz database): later +07:00 moments are local


def vn_year(value: str) -> int | None:
    """The Vietnam-time year of an ISO moment, None when unreadable. A naive moment is Vietnam time, and
    one written at +07:00 after 1975 is already its Vietnam wall time: its year is read as written,
    without the time-zone conversion (issue 14, session 11: most of the cost of ~7 k moments)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or (moment.year >= _STEADY_YEAR and moment.utcoffset() == _SEVEN_HOURS):
        return moment.year
    return clock.to_vn(moment).year


def ensure_for_changes(engine: Engine, changes: Sequence[dict[str, Any]]) -> list[str]:
    """The importer's step. A failure here (a lock wait cut short, a full disk) must not refuse a valid
    batch: it is logged and the rows go to the default partition; the next import tries again."""
    if engine.dialect.name != "postgresql":
        return []
    try:
        return ensure_years(engine, years_of_changes(changes))
    except SQLAlchemyError:
        log.warning("không tạo được phân vùng năm mới; dữ liệu vào phân vùng mặc định", exc_info=True)
        return []


def ensure_schema(engine: Engine, tables: dict[str, Table]) -> list[str]:
    """Create the partitioned tables of a new hub, or convert an existing hub's plain tables in place (once,
    under the advisory lock, in one transaction: a failure leaves the old table as it was). Returns what
    was converted."""
    converted = []
    with engine.begin() as conn:
        lock(conn)
        for name in PARTITION_KEYS:
            kind = conn.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:n)"), {"n": name})
            if kind == "p":
                continue
            if kind is None:
                conn.execute(CreateTable(twin(tables[name])))
                create_default(conn, name)
            else:
                convert(conn, tables[name])
                converted.append(name)
        for name in PARTITION_KEYS:
            if clock.now().year not in present_years(conn, name):
                create_year(conn, name, clock.now().year)
    return converted


def convert(conn: Connection, table: Table) -> None:
    """A plain table becomes a partitioned one with the same rows: rename, drop its constraints and indexes
    (their names go to the new table), create, one partition per year present, copy, check the count, drop.
    The hub's indexes are recreated by ``create_schema`` right after."""
    name, key = table.name, PARTITION_KEYS[table.name]
    old = f"{name}__unpartitioned"
    conn.execute(text(f"ALTER TABLE {_q(name)} RENAME TO {_q(old)}"))
    for constraint in conn.execute(text("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(:n)"),
                                   {"n": old}).scalars().all():
        conn.execute(text(f"ALTER TABLE {_q(old)} DROP CONSTRAINT {_q(constraint)}"))
    for index in conn.execute(text("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = to_regclass(:n)"),
                              {"n": old}).scalars().all():
        conn.execute(text(f"DROP INDEX {index}"))
    conn.execute(CreateTable(twin(table)))
    create_default(conn, name)
    years = conn.execute(text(f"SELECT DISTINCT extract(year FROM {_q(key)})::int FROM {_q(old)}")).scalars()
    for year in sorted(y for y in years if y is not None and y in year_window()):
        create_year(conn, name, year)
    columns = ", ".join(_q(c.name) for c in table.columns)
    conn.execute(text(f"INSERT INTO {_q(name)} ({columns}) SELECT {columns} FROM {_q(old)}"))
    before = conn.scalar(text(f"SELECT count(*) FROM {_q(old)}"))
    after = conn.scalar(text(f"SELECT count(*) FROM {_q(name)}"))
    if before != after:  # never: the INSERT either copies every row or fails; checked because it drops the old
        raise RuntimeError(f"{name}: {before} rows before partitioning, {after} after")
    conn.execute(text(f"DROP TABLE {_q(old)}"))
