"""What an import does to the report aggregates (``province/report_counts.py``), in its own transaction.

Before the apply, what the batch's stored dossiers count as and where — the values the aggregates read
of them (:func:`report_values`: their report columns and supplements; their slice, owner unit × reception
half-month, follows). After it (and after the forwarded dossiers' refold):

* a dossier this import wrote as NEW to the hub (``ApplyOutcome.inserted``: its origin row was created by
  this transaction's ``COPY``, so no committed version of it ever existed and no aggregate counts it) —
  its contribution is ADDED to the two tables from its row as written (issue 14, session 11), with its
  supplements as stored (some may have come in earlier batches). Counts are additive: the count rows of
  its slice are read, added to, and the keys not there yet inserted; its watch rows are inserted.
* every other touched dossier whose report values changed (updated, moved to another slice, deleted,
  refolded, written by the staging path, a supplement added or changed): its slices before and after are
  recomputed from the raw rows (:func:`refresh`). A new dossier whose slice is recomputed anyway is counted
  by that recompute, not added as well. A touched dossier whose values are the same after the apply as
  before (an update of other columns: its version, its officer's notes, its events) counts exactly as
  it did: nothing to do for it (session 12).

Concurrency (PostgreSQL): one transaction-level advisory lock per owner unit, taken once for every unit
either path writes (sorted: never a deadlock), so recomputes and additions of one unit's slices are
serialised; an addition reads the count rows under that lock, after ``ROW EXCLUSIVE`` on both tables
(so it also waits for a rebuild, which holds them ``EXCLUSIVE``, and reads what the rebuild committed).
docs/decisions.md ("Aggregates: new dossiers added, not recomputed") gives the reasoning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from desktop.db.types import VNDateTime
from desktop.platform import clock
from province import report_counts, staging
from province.forwarded import CHILD_TABLES
from province.id_lists import id_conditions, text_array
from province.models import HubRecordOrigin
from province.report_counts import COUNT, DOSSIER, WATCH, CountKey, bucket, bucket_start, counted

# The columns the report and the refold read from a new dossier's row.
STORED_COLUMNS = (*report_counts.DOSSIER_COLUMNS, "receiving_unit", "resolver_code", "resolver_kind")
_KEY = ("owner_unit", "r_bucket", "field_name", "channel", "x_bucket", "outcome", "withdrawn")


@cache
def _plan(dialect: Any) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]]:
    """Each column with its default (what the COPY writes for a missing value); the columns whose value a
    write then a read converts, with that conversion: for a moment (``VNDateTime``: stored as Vietnam wall
    time, read back as Vietnam time) ``clock.to_vn``, 4× cheaper than the two processors; else both."""
    defaults = staging._defaults(DOSSIER)  # noqa: SLF001 — the very defaults the COPY wrote
    converted = []
    for name in STORED_COLUMNS:
        kind = DOSSIER.c[name].type
        bind, result = kind._cached_bind_processor(dialect), kind._cached_result_processor(dialect, None)  # noqa: SLF001
        if isinstance(kind, VNDateTime):
            converted.append((name, clock.to_vn))
        elif bind is not None or result is not None:
            converted.append((name, _both(bind, result)))
    return tuple((name, defaults[name]) for name in STORED_COLUMNS), tuple(converted)


def _both(bind: Any, result: Any) -> Any:
    return lambda value: (result or _same)((bind or _same)(value))


def _same(value: Any) -> Any:
    return value


def as_stored(session: Session, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """New dossiers' typed rows as a read of the table would give them back (the columns above)."""
    if not rows:
        return []
    defaults, converted = _plan(session.get_bind().dialect)
    out = []
    for row in rows:
        stored = {name: row.get(name, default) for name, default in defaults}
        for name, convert in converted:
            if stored[name] is not None:
                stored[name] = convert(stored[name])
        out.append(stored)
    return out


ReportValues = tuple[tuple[Any, ...], frozenset[tuple[tuple[Any, ...], int]]]
_OWNER, _RECEIVED = report_counts.DOSSIER_COLUMNS.index("owner_unit"), report_counts.DOSSIER_COLUMNS.index("received_at")


def report_values(session: Session, dossier_ids: Iterable[str]) -> dict[str, ReportValues]:
    """What the aggregates read of each of these stored dossiers: its report columns
    (``report_counts.DOSSIER_COLUMNS``) and its non-deleted supplements' (``supplements_of``, as a
    multiset) — all ``contributions`` reads. Read before the apply (after ``lock_dossiers``) and after it
    (and the refold): a dossier whose values are the same both times counts as it did, where it did, so
    its slices need no recompute (session 12: a desk re-sending records whose report values did not
    change). PostgreSQL: the ids as one text-array literal (``id_lists.text_array``), the values as the
    driver reads them (compared with each other only)."""
    ids = sorted({i for i in dossier_ids if isinstance(i, str)})
    if not ids:
        return {}
    rows: dict[str, tuple[Any, ...]] = {}
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{n}"' for n in report_counts.DOSSIER_COLUMNS)
        with conn.connection.driver_connection.cursor() as cursor:
            cursor.execute(f'SELECT {names} FROM "{DOSSIER.name}" WHERE id = ANY(%(ids)s::text[])',
                           {"ids": text_array(ids)})
            rows = {row[0]: row for row in cursor}
    else:
        for among in id_conditions(session, DOSSIER.c.id, ids):
            query = select(*(DOSSIER.c[n] for n in report_counts.DOSSIER_COLUMNS)).where(among)
            rows.update((row[0], tuple(row)) for row in session.execute(query))
    sups = report_counts.supplements_of(session, sorted(rows))
    return {i: (row, frozenset(Counter(tuple(s.values()) for s in sups.get(i, ())).items())) for i, row in rows.items()}


def where_counted(values: ReportValues | None) -> tuple[str, int] | None:
    """(owner unit, reception half-month) of a dossier's report values; None when not received (or not stored)."""
    if values is None or values[0][_RECEIVED] is None:
        return None
    return values[0][_OWNER], bucket(values[0][_RECEIVED])  # PostgreSQL: naive, Vietnam time as stored


def lock_dossiers(session: Session, dossier_ids: Iterable[str]) -> None:
    """(PostgreSQL) Lock the origin rows of these stored dossiers, sorted, before reading where they count:
    another import writing one of them commits first, so the slices read are the ones this import replaces
    (review 11: a concurrent move left the moved-from slice counting a dossier no longer there)."""
    conn = session.connection()
    ids = sorted({i for i in dossier_ids if isinstance(i, str)})
    if conn.dialect.name != "postgresql" or not ids:
        return
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {HubRecordOrigin.__table__.name} WHERE table_name = 'dossier' AND record_id = "
                       "ANY(%(ids)s::text[]) ORDER BY record_id FOR UPDATE", {"ids": text_array(ids)})


def touched_dossiers(changes: Iterable[dict[str, Any]]) -> set[str]:
    """The dossiers a batch may change the report or the folded state of: its dossier rows and the dossiers
    its parts hang on (supplements move the deadline; events refold a forwarded dossier's state). A survey
    answer or a queue ticket naming a dossier changes neither."""
    ids: set[str] = set()
    for change in changes:
        if change["table"] == "dossier":
            ids.add(str(change["record_id"]))
        elif change["table"] in CHILD_TABLES and isinstance(parent := change["row"].get("dossier_id"), str):
            ids.add(parent)
    return ids


def _slice_rows(session: Session, owner: str, buckets: set[int]) -> list[Any]:
    low, high = bucket_start(min(buckets)), bucket_start(max(buckets) + 1)
    query = select(*(DOSSIER.c[n] for n in report_counts.DOSSIER_COLUMNS)).where(
        DOSSIER.c.owner_unit == owner, DOSSIER.c.received_at >= low, DOSSIER.c.received_at < high)
    return [r for r in session.execute(query).mappings() if bucket(r["received_at"]) in buckets]


def lock_units(session: Session, units: Iterable[str]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the import already holds the only write lock
    for unit in sorted(set(units)):
        session.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(:u))"), {"c": report_counts.LOCK_CLASS, "u": unit})


def refresh(session: Session, slices: set[tuple[str, int]], *, locked: bool = False) -> None:
    """Recompute these slices from the raw rows, in the caller's transaction (``locked``: the caller
    already holds their units' locks)."""
    if not slices:
        return
    by_unit: dict[str, set[int]] = defaultdict(set)
    for owner, number in slices:
        by_unit[owner].add(number)
    if not locked:
        lock_units(session, by_unit)
    for owner in sorted(by_unit):
        buckets = by_unit[owner]
        rows = _slice_rows(session, owner, buckets)
        counts, watch = report_counts.contributions(rows, report_counts.supplements_of(session, [r["id"] for r in rows if counted(r)]))
        for table in (COUNT, WATCH):
            session.execute(delete(table).where(table.c.owner_unit == owner, table.c.r_bucket.in_(sorted(buckets))))
        report_counts.write(session, counts, watch)


def after_apply(session: Session, touched: set[str], before: dict[str, ReportValues],
                inserted: Sequence[dict[str, Any]], refolded: set[str]) -> None:
    """Bring the aggregates up to date with this import (see the module's docstring). ``before``: the
    touched dossiers' ``report_values`` before the apply; only those whose values changed are recounted."""
    fresh = {row["id"]: row for row in inserted if row["id"] not in refolded}
    stored = touched - fresh.keys()
    after = report_values(session, stored)
    recompute = {s for i in stored if before.get(i) != after.get(i)
                 for s in (where_counted(before.get(i)), where_counted(after.get(i))) if s is not None}
    added = [row for row in fresh.values()
             if counted(row) and (row["owner_unit"], bucket(row["received_at"])) not in recompute]
    units = {owner for owner, _ in recompute} | {row["owner_unit"] for row in added}
    if not units:
        return
    lock_units(session, units)
    refresh(session, recompute, locked=True)
    if added:
        _add(session, added)


def _add(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add these dossiers' contributions (they count nowhere yet) to the stored aggregates."""
    counts, watch = report_counts.contributions(rows, report_counts.supplements_of(session, [r["id"] for r in rows]))
    if session.get_bind().dialect.name == "postgresql":  # wait for a rebuild in progress, read what it wrote
        session.execute(text(f"LOCK TABLE {COUNT.name}, {WATCH.name} IN ROW EXCLUSIVE MODE"))
    stored = _stored_counts(session, {(key[0], key[1]) for key in counts})
    changed = [{"row_id": row_id, "total": n + counts[key]} for key, (row_id, n) in stored.items() if key in counts]
    if changed:
        session.connection().execute(update(COUNT).where(COUNT.c.id == bindparam("row_id"))
                                     .values(n=bindparam("total")), changed)
    report_counts.write(session, Counter({k: n for k, n in counts.items() if k not in stored}), watch)


def _stored_counts(session: Session, slices: Iterable[tuple[str, int]]) -> dict[CountKey, tuple[int, int]]:
    """The count rows of these slices: key → (row id, n)."""
    by_unit: dict[str, set[int]] = defaultdict(set)
    for owner, number in slices:
        by_unit[owner].add(number)
    found: dict[CountKey, tuple[int, int]] = {}
    for owner in sorted(by_unit):
        query = select(COUNT.c.id, *(COUNT.c[n] for n in _KEY), COUNT.c.n).where(
            COUNT.c.owner_unit == owner, COUNT.c.r_bucket.in_(sorted(by_unit[owner])))
        for row in session.execute(query):
            found.setdefault(tuple(row[1:-1]), (row[0], row[-1]))  # type: ignore[arg-type]
    return found
