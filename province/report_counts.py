"""Biểu 06 from maintained aggregates (issue 14): the province report over all units without a scan.

The raw tables stay the truth; these two tables are derived from them and can be rebuilt at any time.

* ``hub_report_count`` — per owner unit × half-month of reception (``r_bucket``) × field × channel ×
  half-month of resolution (``x_bucket``, ``NEVER`` when unresolved) × outcome (early/on_time/late, as
  ``desktop.reports.periodic`` judges it against ``due_at``) × withdrawn: a number of dossiers. Every
  report window starts and ends at 00:00 of a 1st or a 15th (calendar months and the official 15th→14th
  windows alike), so "received before the window", "resolved within it" and "still in hand at its end"
  are exact comparisons of half-month numbers: columns (3)…(12) of any month, quarter, half or year.
* ``hub_report_watch`` — one row per late dossier and per span of time a dossier is overdue, with exact
  moments: column (13) (overdue at the window's end, or at "now" for a window not over yet, supplements
  pausing the clock) and the late list's dossier ids come from it.

Maintenance by an import, in its own transaction: ``province/report_upkeep.py`` (slices its changes
touched recomputed from the raw rows, dossiers new to the hub added). ``check`` recomputes everything from
the raw tables and names the unit and month that differ; ``rebuild`` replaces both tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Column, MetaData, Table, delete, func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.rules.lifecycle import Status
from province.id_lists import id_conditions, text_array
from province.models import HubReportCount, HubReportWatch
from province.schema import DATA_TABLES
from province.staging import copy_rows

NEVER = 10_000_000  # the x_bucket of a dossier not resolved
VERSION = 1  # hub_meta "report_counts": bump when the derivation changes, and every hub rebuilds on start
LOCK_CLASS = 1414  # pg_advisory_xact_lock(LOCK_CLASS, hashtext(unit))
_AWAITING = Status.AWAITING_SUPPLEMENT.value
DOSSIER = DATA_TABLES["dossier"]
SUPPLEMENT = DATA_TABLES["supplement"]
COUNT = HubReportCount.__table__
WATCH = HubReportWatch.__table__
DOSSIER_COLUMNS = ("id", "owner_unit", "field_name", "channel", "received_at", "result_at", "withdrawn_at",
                    "returned_at", "due_at", "status", "deleted")
_SUPPLEMENT_COLUMNS = ("dossier_id", "requested_at", "received_at", "previous_due_at")
CountKey = tuple[str, int, str | None, str | None, int, str, bool]  # owner, r, field, channel, x, outcome, withdrawn
WatchRow = tuple[str, str, str, int, str | None, datetime, datetime | None, datetime | None, datetime | None]


def bucket(moment: datetime) -> int:
    """The half-month of a Vietnam-time moment: two per month, the second starting on the 15th."""
    local = clock.to_vn(moment)
    return (local.year * 12 + local.month - 1) * 2 + (1 if local.day >= 15 else 0)


def bucket_start(number: int) -> datetime:
    months, half = divmod(number, 2)
    year, month = divmod(months, 12)
    return clock.at(date(year, month + 1, 15 if half else 1), time(0))


def boundary(moment: datetime) -> int | None:
    """The half-month starting exactly at ``moment``, or None when a window bound is not such a start."""
    number = bucket(moment)
    return number if bucket_start(number) == clock.to_vn(moment) else None


# --- what one dossier contributes ---------------------------------------------------------------------

def counted(row: Any) -> bool:
    """The report's scope rules that do not depend on the window: not deleted, not refused, received."""
    return row["deleted"] is False and row["status"] not in (None, Status.REFUSED.value) \
        and row["received_at"] is not None


def resolution(row: Any) -> datetime | None:
    """``coalesce(result_at, withdrawn_at, returned_at)``, as ``periodic.resolution_moment``."""
    return row["result_at"] or row["withdrawn_at"] or row["returned_at"]


def outcome(row: Any, res: datetime | None) -> str:
    """Late / early / on time exactly as ``periodic._aggregate`` (a missing due date is on time)."""
    due = row["due_at"]
    if res is None:
        return ""
    if due is not None and res > due:
        return "late"
    if due is not None and res.date() < due.date():
        return "early"
    return "on_time"


def overdue_spans(row: Any, supplements: Sequence[Any], res: datetime | None
                  ) -> list[tuple[datetime | None, datetime | None]]:
    """The moments t at which the dossier counts as overdue, as ``(starts, ends]`` spans (None = open).

    Same predicate as ``periodic``: not awaiting a supplement at t (a request before t not answered
    before t; no supplement rows at all → its status), and the due moment in force at t (the
    ``previous_due_at`` of the first supplement requested at or after t, else ``due_at``) before t. Every
    condition is "t > x" or "t ≤ x", so the predicate is constant on each ``(p_i, p_i+1]`` between the
    moments involved; it is evaluated at each right end and after the last. Clipped at the resolution:
    the report only asks about a dossier still in hand at the window's end, which is at or before it."""
    if not supplements:  # most dossiers (session 11: the walk below costs ~10 µs a dossier)
        return spans_without_supplements(row, res)
    return _walk(row, supplements, res)


def spans_without_supplements(row: Any, res: datetime | None) -> list[tuple[datetime | None, datetime | None]]:
    """What the walk finds with no supplement rows: nothing while awaiting one (by status) or with no due
    moment; else one point, ``due_at``, overdue after it for good — clipped at the resolution."""
    due = row["due_at"]
    if due is None or row["status"] == _AWAITING:
        return []
    if res is None:
        return [(due, None)]
    return [(due, res)] if due < res else []


def _walk(row: Any, supplements: Sequence[Any], res: datetime | None) -> list[tuple[datetime | None, datetime | None]]:
    if not supplements and row["status"] == _AWAITING:
        return []
    points = sorted({p for s in supplements for p in (s["requested_at"], s["received_at"], s["previous_due_at"])
                     if p is not None} | ({row["due_at"]} if row["due_at"] is not None else set()))
    if not points:
        return []
    ordered = sorted((s for s in supplements if s["requested_at"] is not None), key=lambda s: s["requested_at"])

    def overdue_at(t: datetime) -> bool:
        for s in ordered:
            if s["requested_at"] < t and (s["received_at"] is None or s["received_at"] >= t):
                return False  # awaiting the citizen's supplement at t
        later = next((s for s in ordered if s["requested_at"] >= t), None)
        due = later["previous_due_at"] if later is not None and later["previous_due_at"] is not None else row["due_at"]
        return due is not None and due < t

    spans: list[tuple[datetime | None, datetime | None]] = []
    lower: datetime | None = None
    for upper in [*points, None]:
        probe = upper if upper is not None else points[-1] + timedelta(days=1)
        if overdue_at(probe):
            if spans and spans[-1][1] == lower:
                spans[-1] = (spans[-1][0], upper)
            else:
                spans.append((lower, upper))
        lower = upper
    if res is None:
        return spans
    return [(a, res if b is None or b > res else b) for a, b in spans if a is None or a < res]


def contributions(rows: Iterable[Any], supplements: dict[str, list[Any]]) -> tuple[Counter[CountKey], list[WatchRow]]:
    """What these dossiers (with their non-deleted supplements) put in the two tables."""
    counts: Counter[CountKey] = Counter()
    watch: list[WatchRow] = []
    for row in rows:
        if not counted(row):
            continue
        res = resolution(row)
        r = bucket(row["received_at"])
        result = outcome(row, res)
        counts[(row["owner_unit"], r, row["field_name"], row["channel"], NEVER if res is None else bucket(res),
                result, row["withdrawn_at"] is not None)] += 1
        head = (row["id"], row["owner_unit"], r, row["field_name"], row["received_at"], res)
        if result == "late":
            watch.append(("late", *head, None, None))
        for starts, ends in overdue_spans(row, supplements.get(row["id"], []), res):
            watch.append(("overdue", *head, starts, ends))
    return counts, watch


# --- reading the raw tables ----------------------------------------------------------------------------

def supplements_of(conn: Connection | Session, dossier_ids: Sequence[str]) -> dict[str, list[Any]]:
    """The non-deleted supplements of these dossiers, by dossier id. PostgreSQL: the ids as one text-array
    literal (``id_lists.text_array``: a first import's 1,400 ids, 5 → 2 ms), each value read back as
    SQLAlchemy reads it (moments in Vietnam time). ``IN (SELECT unnest(…))``, not ``= ANY(…)``: for the
    latter PostgreSQL guesses one row per id and, on the 1/20 national sample (98 k supplements),
    scanned the whole table (17–28 ms, three times an import, growing with the hub) instead of probing
    ``ix_supplement_dossier_id`` (3–4 ms; session 12)."""
    found: dict[str, list[Any]] = defaultdict(list)
    bind = conn.connection() if isinstance(conn, Session) else conn
    if bind.dialect.name == "postgresql":
        if dossier_ids:
            names = ", ".join(f'"{n}"' for n in _SUPPLEMENT_COLUMNS)
            readers = [SUPPLEMENT.c[n].type._cached_result_processor(bind.dialect, None)  # noqa: SLF001
                       for n in _SUPPLEMENT_COLUMNS]
            with bind.connection.driver_connection.cursor() as cursor:
                cursor.execute(f'SELECT {names} FROM "{SUPPLEMENT.name}" WHERE dossier_id IN (SELECT unnest(%(ids)s::text[])) '
                               "AND deleted IS false", {"ids": text_array(dossier_ids)})
                for values in cursor:
                    sup = {n: v if r is None or v is None else r(v)
                           for n, v, r in zip(_SUPPLEMENT_COLUMNS, values, readers, strict=True)}
                    found[sup["dossier_id"]].append(sup)
        return found
    columns = [SUPPLEMENT.c[n] for n in _SUPPLEMENT_COLUMNS]
    for among in id_conditions(conn, SUPPLEMENT.c.dossier_id, dossier_ids):
        query = select(*columns).where(among, SUPPLEMENT.c.deleted.is_(False))
        for sup in conn.execute(query).mappings():
            found[sup["dossier_id"]].append(sup)
    return found


def write(conn: Connection | Session, counts: Counter[CountKey], watch: list[WatchRow]) -> None:
    names = ("owner_unit", "r_bucket", "field_name", "channel", "x_bucket", "outcome", "withdrawn")
    _insert(conn, COUNT, [dict(zip(names, key, strict=True)) | {"n": n} for key, n in counts.items()])
    names = ("kind", "dossier_id", "owner_unit", "r_bucket", "field_name", "received_at", "resolved_at", "starts",
             "ends")
    _insert(conn, WATCH, [dict(zip(names, w, strict=True)) for w in watch])


def _insert(conn: Connection | Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: one binary ``COPY`` (a first import writes ~1,500 watch rows: 12 → 3 ms); SQLite: INSERTs."""
    if not rows:
        return
    bind = conn.connection() if isinstance(conn, Session) else conn
    if bind.dialect.name == "postgresql":
        copy_rows(bind, _numbered_by_server(table), rows)
        return
    for start in range(0, len(rows), 5000):
        bind.execute(insert(table), rows[start:start + 5000])


@cache
def _numbered_by_server(table: Table) -> Table:
    """The table without its serial ``id`` (the server numbers the copied rows)."""
    return Table(table.name, MetaData(), *(Column(c.name, c.type) for c in table.columns if c.name != "id"))


# --- the whole hub: rebuild and check --------------------------------------------------------------------

def compute_all(conn: Connection | Session) -> tuple[Counter[CountKey], list[WatchRow]]:
    """Both tables as the raw rows say they must be (streams the dossiers)."""
    sups: dict[str, list[Any]] = defaultdict(list)
    query = select(*(SUPPLEMENT.c[n] for n in _SUPPLEMENT_COLUMNS)).where(SUPPLEMENT.c.deleted.is_(False))
    for sup in conn.execute(query).mappings():
        sups[sup["dossier_id"]].append(sup)
    counts: Counter[CountKey] = Counter()
    watch: list[WatchRow] = []
    result = conn.execute(select(*(DOSSIER.c[n] for n in DOSSIER_COLUMNS)).execution_options(yield_per=20_000))
    for chunk in result.mappings().partitions():
        more_counts, more_watch = contributions(chunk, sups)
        counts.update(more_counts)
        watch.extend(more_watch)
    return counts, watch


def _lock_tables(conn: Connection | Session) -> None:
    """A rebuild excludes every import's aggregate writes until it commits (PostgreSQL; SQLite has one writer)."""
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {COUNT.name}, {WATCH.name} IN EXCLUSIVE MODE"))


def rebuild(conn: Connection | Session) -> tuple[int, int]:
    """Replace both tables with what the raw rows say; returns (count rows, watch rows)."""
    _lock_tables(conn)
    conn.execute(delete(COUNT))
    conn.execute(delete(WATCH))
    counts, watch = compute_all(conn)
    write(conn, counts, watch)
    return len(counts), len(watch)


def _stored(conn: Connection | Session) -> tuple[Counter[CountKey], list[WatchRow]]:
    counts: Counter[CountKey] = Counter()
    key = [COUNT.c[n] for n in ("owner_unit", "r_bucket", "field_name", "channel", "x_bucket", "outcome",
                                "withdrawn")]
    for row in conn.execute(select(*key, COUNT.c.n)):
        counts[tuple(row[:-1])] += row[-1]  # type: ignore[index]
    columns = [WATCH.c[n] for n in ("kind", "dossier_id", "owner_unit", "r_bucket", "field_name", "received_at",
                                    "resolved_at", "starts", "ends")]
    return +counts, [tuple(r) for r in conn.execute(select(*columns))]  # type: ignore[misc]


@dataclass(frozen=True)
class Difference:
    owner_unit: str
    r_bucket: int
    stored: int
    expected: int
    what: str  # "counts" | "watch"

    @property
    def message(self) -> str:
        start = bucket_start(self.r_bucket)
        half = "nửa đầu" if start.day == 1 else "nửa cuối"
        table = "số hồ sơ tổng hợp" if self.what == "counts" else "danh sách hồ sơ trễ hạn/quá hạn"
        where = (f"Bảng tổng hợp báo cáo khác dữ liệu gốc: đơn vị {self.owner_unit}, hồ sơ nhận {half} tháng "
                 f"{start.month:02d}/{start.year} — {table}: ")
        if self.stored == self.expected:  # same total, split differently (field, channel, outcome, moments)
            return where + f"cùng tổng {self.stored} nhưng khác chi tiết (lĩnh vực, kênh, kết quả hoặc thời điểm)."
        return where + f"bảng tổng hợp ghi {self.stored}, dữ liệu gốc là {self.expected}."


def _slice(what: str, key: tuple[Any, ...]) -> tuple[str, int]:
    return (key[0], key[1]) if what == "counts" else (key[2], key[3])


def check(conn: Connection | Session) -> list[Difference]:
    """Every (unit, reception half-month) where the stored aggregates differ from the raw rows."""
    want_counts, want_watch = compute_all(conn)
    have_counts, have_watch = _stored(conn)
    out: list[Difference] = []
    for what, want, have in (("counts", want_counts, have_counts),
                             ("watch", Counter(want_watch), Counter(have_watch))):
        differing = {_slice(what, k) for k in set(want) | set(have) if want.get(k, 0) != have.get(k, 0)}
        totals: dict[tuple[str, int], list[int]] = {s: [0, 0] for s in differing}
        for side, table in enumerate((have, want)):
            for key, n in table.items():
                if _slice(what, key) in totals:
                    totals[_slice(what, key)][side] += n
        out.extend(Difference(owner, number, stored, expected, what)
                   for (owner, number), (stored, expected) in sorted(totals.items()))
    return out


def ensure(engine: Any, meta_key: str = "report_counts") -> None:
    """On start-up/upgrade: a hub whose aggregates are missing or of an older derivation rebuilds them."""
    from province.db import put_meta
    from province.models import HubMeta

    current = select(HubMeta.value).where(HubMeta.key == meta_key)
    with Session(engine) as session:
        if session.scalar(current) == VERSION:
            return  # the usual case: no lock taken, imports never wait for a command that opens the hub
    with Session(engine) as session, session.begin():
        _lock_tables(session)  # several hub processes starting at once: one rebuilds, the others see it done
        if session.scalar(current) == VERSION:
            return
        rebuild(session)
        put_meta(session, meta_key, VERSION)


# --- the report -----------------------------------------------------------------------------------------

def counts_for(session: Session, period: Any) -> Any:
    """Biểu 06's per-field counts and late/overdue ids over all units, from the aggregates — the same
    ``periodic.Aggregate`` the raw pass computes — or None for a window that does not start and end on
    a half-month (never, for the periods ``parse_period`` makes)."""
    from desktop.reports.periodic import Aggregate, _empty_groups, status_cutoff

    start, end = period.bounds()
    first, last = boundary(start), boundary(end)
    if first is None or last is None:
        return None
    cut = status_cutoff(period)
    by_field: dict[Any, dict[str, dict[str, int]]] = defaultdict(_empty_groups)
    query = (select(COUNT.c.field_name, COUNT.c.channel, COUNT.c.outcome, COUNT.c.withdrawn, COUNT.c.r_bucket,
                    COUNT.c.x_bucket, func.sum(COUNT.c.n))
             .where(COUNT.c.x_bucket >= first, COUNT.c.r_bucket < last)
             .group_by(COUNT.c.field_name, COUNT.c.channel, COUNT.c.outcome, COUNT.c.withdrawn, COUNT.c.r_bucket,
                       COUNT.c.x_bucket))
    for field, channel, result, withdrawn, r, x, n in session.execute(query):
        n = int(n)
        rec, rsl, inp = (by_field[field][g] for g in ("received", "resolved", "in_progress"))
        rec["total"] += n
        if r < first:
            rec["carried_over"] += n
        elif channel == "online":
            rec["new_online"] += n
        elif channel is not None:
            rec["new_direct_postal"] += n
            rec["postal"] += n if channel == "postal" else 0
        if x < last:
            rsl["total"] += n
            rsl[result] += n if result in ("early", "late") else 0
            rsl["withdrawn"] += n if withdrawn else 0
        else:
            inp["total"] += n
    late = set(session.scalars(select(WATCH.c.dossier_id).where(
        WATCH.c.kind == "late", WATCH.c.resolved_at >= start, WATCH.c.resolved_at < end, WATCH.c.received_at < end)))
    overdue: set[str] = set()
    query = select(WATCH.c.field_name, WATCH.c.dossier_id).where(
        WATCH.c.kind == "overdue", WATCH.c.received_at < end,
        or_(WATCH.c.resolved_at.is_(None), WATCH.c.resolved_at >= end),
        or_(WATCH.c.starts.is_(None), WATCH.c.starts < cut), or_(WATCH.c.ends.is_(None), WATCH.c.ends >= cut))
    for field, dossier_id in session.execute(query):
        by_field[field]["in_progress"]["overdue"] += 1
        overdue.add(dossier_id)
    for groups in by_field.values():
        groups["resolved"]["on_time"] = groups["resolved"]["total"] - groups["resolved"]["early"] \
            - groups["resolved"]["late"]
        groups["in_progress"]["within_deadline"] = groups["in_progress"]["total"] - groups["in_progress"]["overdue"]
    return Aggregate(dict(by_field), late, overdue)

