"""The periodic report (Biểu 06/VPCP/KSTT) computed from per-dossier data with SQL aggregates.

Counting rules (issue #5, docs/decisions.md "Reports"), per dossier; refused-at-reception never count:
* received.new_online / new_direct_postal: received within the window, by channel (postal also alone);
* received.carried_over: received before the window and not resolved/returned/withdrawn before it;
* resolved: result recorded (or withdrawn) within the window, bucketed early/on_time/late exactly as
  :func:`desktop.rules.deadlines.classify` does (the withdrawal moment stands for the result);
  resolved.withdrawn counts the withdrawn ones again;
* in_progress: in received.total and not resolved within the window (a result after the window end
  still counts here); overdue when the due moment in force at the end of the window is before the
  window's end (the next day 00:00), within_deadline otherwise or when awaiting a supplement then.

One GROUP BY query does the counting so a hub with a million dossiers answers in about the time of
one hand-written aggregate (bench/bench_periodic.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from desktop.platform import clock
from desktop.db.models import Apology, Dossier, Field, Supplement
from desktop.db.types import VNDateTime
from desktop.rules.lifecycle import Status
from desktop.reports import late_officers
from desktop.reports.columns import COLUMNS as BIEU06_COLUMNS
from desktop.reports.periods import Period
from desktop.services import resolvers
from desktop.texts import LABELS

RECEIVED_KEYS = ("total", "new_online", "new_direct_postal", "postal", "carried_over")
RESOLVED_KEYS = ("total", "early", "on_time", "late", "withdrawn")
IN_PROGRESS_KEYS = ("total", "within_deadline", "overdue")
GROUPS = {"received": RECEIVED_KEYS, "resolved": RESOLVED_KEYS, "in_progress": IN_PROGRESS_KEYS}

# Columns (3)…(13) of Biểu 06 as (group, key), in form order (declared in desktop/reports/columns.py).
COLUMNS: tuple[tuple[str, str], ...] = tuple((c.group.key, c.key) for c in BIEU06_COLUMNS)


class ReportIntegrityError(RuntimeError):
    """An identity of Biểu 06 does not hold: a bug, never shown as a normal user error."""


def _moment(value: datetime) -> ColumnElement[Any]:
    return literal(value, VNDateTime())


def resolution_moment() -> ColumnElement[Any]:
    """When the dossier left the desk's hands: its result, or its withdrawal."""
    return func.coalesce(Dossier.result_at, Dossier.withdrawn_at, Dossier.returned_at)


def _awaiting_supplement_at(end: ColumnElement[Any]) -> ColumnElement[bool]:
    """Awaiting a supplement at ``end``: a request before it not answered before it.

    Dossiers with no supplement rows at all (data written without them, e.g. older imports) fall
    back on their current status.
    """
    open_at_end = exists().where(
        Supplement.dossier_id == Dossier.id,
        Supplement.deleted.is_(False),
        Supplement.requested_at < end,
        or_(Supplement.received_at.is_(None), Supplement.received_at >= end),
    )
    no_rows = not_(exists().where(Supplement.dossier_id == Dossier.id, Supplement.deleted.is_(False)))
    return or_(open_at_end, and_(Dossier.status == Status.AWAITING_SUPPLEMENT.value, no_rows))


def _due_at_end(end: ColumnElement[Any]) -> ColumnElement[Any]:
    """The due moment in force at ``end``: a supplement requested later remembers it as previous_due_at."""
    later = (
        select(Supplement.previous_due_at)
        .where(Supplement.dossier_id == Dossier.id, Supplement.deleted.is_(False), Supplement.requested_at >= end)
        .order_by(Supplement.requested_at)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(later, Dossier.due_at)


class not_an_index(FunctionElement[Any]):  # noqa: N801  (SQL, named like a function)
    """A moment column itself, which SQLite must not look up through an index (``+column``): the window's rows
    are those not resolved before it starts, one range of ``ix_dossier_resolution`` (plus the open ones);
    ``received_at < end`` is nearly the whole table, and SQLite, with no statistics, chose it and read
    every row through the index (0.15 s for a month at 200k dossiers, 0.04 s by the resolution index)."""

    type = VNDateTime()
    inherit_cache = True


@compiles(not_an_index)
def _not_an_index(element: not_an_index, compiler: Any, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(not_an_index, "sqlite")
def _not_an_index_sqlite(element: not_an_index, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(list(element.clauses)[0], **kw)}"


def _scope(period: Period, unit_codes: Sequence[str] | None,
           resolver: str | None = None) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    start, end = period.bounds()
    s, e = _moment(start), _moment(end)
    res = resolution_moment()
    where: list[ColumnElement[bool]] = [
        Dossier.deleted.is_(False),
        Dossier.status != Status.REFUSED.value,
        not_an_index(Dossier.received_at) < e,
        or_(res.is_(None), res >= s),
    ]
    if unit_codes is not None:  # each dossier under the body that resolves it (issue #15)
        where.append(resolvers.resolver_in(list(unit_codes)))
    elif resolver:  # a desk counts what it resolves, not what it received for others
        where.append(resolvers.resolved_by(resolver))
    return where, {"s": s, "e": e, "res": res, "start": start, "end": end}


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def status_cutoff(period: Period) -> datetime:
    """The moment in-progress dossiers are judged at: the window's end, or now for a window not over yet
    (a dossier due tomorrow is not overdue today, even if the window ends after tomorrow)."""
    _, end = period.bounds()
    return min(end, clock.now())


class Aggregate(NamedTuple):
    by_field: dict[str, dict[str, dict[str, int]]]
    late_ids: set[str]
    overdue_ids: set[str]


def _aggregate(session: Session, period: Period, unit_codes: Sequence[str] | None,
               resolver: str | None = None) -> Aggregate:
    """One pass over the dossiers in scope: every count per field, plus the ids of late/overdue ones."""
    where, b = _scope(period, unit_codes, resolver)
    s, e, res = b["s"], b["e"], b["res"]
    is_new = Dossier.received_at >= s
    resolved = and_(res.is_not(None), res < e)
    late = and_(resolved, res > Dossier.due_at)
    early = and_(resolved, not_(res > Dossier.due_at), func.date(res) < func.date(Dossier.due_at))
    in_progress = or_(res.is_(None), res >= e)
    cut = _moment(status_cutoff(period))
    overdue = and_(in_progress, not_(_awaiting_supplement_at(cut)), _due_at_end(cut) < cut)
    columns = {
        ("received", "new_online"): _count(and_(is_new, Dossier.channel == "online")),
        ("received", "new_direct_postal"): _count(and_(is_new, Dossier.channel != "online")),
        ("received", "postal"): _count(and_(is_new, Dossier.channel == "postal")),
        ("received", "carried_over"): _count(Dossier.received_at < s),
        ("resolved", "total"): _count(resolved),
        ("resolved", "early"): _count(early),
        ("resolved", "late"): _count(late),
        ("resolved", "withdrawn"): _count(and_(resolved, Dossier.withdrawn_at.is_not(None))),
        ("in_progress", "total"): _count(in_progress),
        ("in_progress", "overdue"): _count(overdue),
        ("all", "count"): func.count(),
        ("ids", "late"): func.aggregate_strings(case((late, Dossier.id), else_=None), ","),
        ("ids", "overdue"): func.aggregate_strings(case((overdue, Dossier.id), else_=None), ","),
    }
    keys = list(columns)
    query = select(Dossier.field_name, *columns.values()).where(*where).group_by(Dossier.field_name)
    out: dict[str, dict[str, dict[str, int]]] = {}
    late_ids: set[str] = set()
    overdue_ids: set[str] = set()
    for row in session.execute(query):
        raw = dict(zip(keys, row[1:], strict=True))
        late_ids.update(filter(None, (raw.pop(("ids", "late")) or "").split(",")))
        overdue_ids.update(filter(None, (raw.pop(("ids", "overdue")) or "").split(",")))
        values = {k: int(v or 0) for k, v in raw.items()}
        g = _empty_groups()
        for (group, key), value in values.items():
            if group != "all":
                g[group][key] = value
        rec, rsl, inp = g["received"], g["resolved"], g["in_progress"]
        rec["total"] = values[("all", "count")]
        rsl["on_time"] = rsl["total"] - rsl["early"] - rsl["late"]
        inp["within_deadline"] = inp["total"] - inp["overdue"]
        out[row[0]] = g
    return Aggregate(out, late_ids, overdue_ids)


def _empty_groups() -> dict[str, dict[str, int]]:
    return {group: {key: 0 for key in keys} for group, keys in GROUPS.items()}


def check_identities(name: str, g: dict[str, dict[str, int]]) -> None:
    """3 = 4+5+6; 3 = 7+11; 7 = 8+9+10; 11 = 12+13 — and no negative cell."""
    rec, rsl, inp = g["received"], g["resolved"], g["in_progress"]
    problems = []
    if rec["total"] != rec["new_online"] + rec["new_direct_postal"] + rec["carried_over"]:
        problems.append("(3) ≠ (4)+(5)+(6)")
    if rec["total"] != rsl["total"] + inp["total"]:
        problems.append("(3) ≠ (7)+(11)")
    if rsl["total"] != rsl["early"] + rsl["on_time"] + rsl["late"]:
        problems.append("(7) ≠ (8)+(9)+(10)")
    if inp["total"] != inp["within_deadline"] + inp["overdue"]:
        problems.append("(11) ≠ (12)+(13)")
    if rec["postal"] > rec["new_direct_postal"] or rsl["withdrawn"] > rsl["total"]:
        problems.append("postal/withdrawn vượt tổng")
    if any(g[group][key] < 0 for group, keys in GROUPS.items() for key in keys):
        problems.append("số âm")
    if problems:
        raise ReportIntegrityError(f"Báo cáo sai đẳng thức ở dòng '{name}': {', '.join(problems)} — {g}")


def _field_order(session: Session, names: Sequence[str]) -> list[str]:
    order = dict(session.execute(select(Field.name, Field.sort_order).where(Field.name.in_(list(names)))).all())
    return sorted(names, key=lambda n: (0, order[n], n) if n in order else (1, 0, n))


def _late_details(session: Session, period: Period, late_ids: set[str], overdue_ids: set[str]) -> list[dict[str, Any]]:
    """The rows behind the ids the aggregate found, read by primary key (no second scan)."""
    end = status_cutoff(period)
    due_end = _due_at_end(_moment(end))
    apology = (
        select(Apology.reason).where(Apology.dossier_id == Dossier.id, Apology.deleted.is_(False))
        .order_by(Apology.issued_at.desc()).limit(1).scalar_subquery()
    )
    appointment = (
        select(Apology.new_appointment).where(Apology.dossier_id == Dossier.id, Apology.deleted.is_(False))
        .order_by(Apology.issued_at.desc()).limit(1).scalar_subquery()
    )
    ids = sorted(late_ids | overdue_ids)
    rows = []
    for offset in range(0, len(ids), 500):
        chunk = ids[offset:offset + 500]
        rows.extend(session.execute(select(
            Dossier.id, Dossier.code, Dossier.owner_unit, Dossier.field_name, Dossier.procedure_name,
            Dossier.applicant_name, Dossier.received_at, Dossier.due_at, due_end.label("due_end"), Dossier.result_at,
            Dossier.withdrawn_at, apology.label("apology_reason"), appointment.label("new_appointment"),
            Dossier.handler, Dossier.received_by,
        ).where(Dossier.id.in_(chunk))))
    rows.sort(key=lambda r: (r.due_at or datetime.min.replace(tzinfo=clock.VN_TZ), r.code))
    names = late_officers.full_names(session, ((r.owner_unit, r.handler or r.received_by) for r in rows))
    out = []
    for row in rows:
        is_late = row.id in late_ids
        due = row.due_at if is_late else _aware(row.due_end)
        resolved_at = (row.result_at or row.withdrawn_at) if is_late else None
        reference = resolved_at or end
        out.append({
            "code": row.code,
            "unit": row.owner_unit,
            "field": row.field_name,
            "procedure": row.procedure_name,
            "applicant": row.applicant_name,
            "status": "late" if is_late else "overdue",
            "received_at": clock.iso(row.received_at),
            "due_at": clock.iso(due),
            "resolved_at": clock.iso(resolved_at),
            "withdrawn": bool(is_late and row.withdrawn_at is not None and row.result_at is None),
            "days_over": max((clock.to_vn(reference).date() - clock.to_vn(due).date()).days, 0) if due else None,
            "apology_issued": row.apology_reason is not None,
            "reason": row.apology_reason,
            "new_appointment": row.new_appointment.isoformat() if row.new_appointment else None,
            **late_officers.responsible(row, names),
        })
    return out


def _aware(value: Any) -> datetime | None:
    return VNDateTime().process_result_value(value, None)


def _unit_json(session: Session, unit: tuple[str, str] | None, unit_codes: Sequence[str] | None) -> dict[str, str]:
    if unit is not None:
        return {"code": unit[0], "name": unit[1]}
    from desktop.db.models import Unit
    from desktop.services.desk import local_unit

    if unit_codes is not None and len(unit_codes) == 1:
        row = session.scalar(select(Unit).where(Unit.code == unit_codes[0]))
        if row is not None:
            return {"code": row.code, "name": row.name}
    local = local_unit(session)
    return {"code": local.code, "name": local.name}


def _rows_and_total(session: Session, by_field: dict[str, dict[str, dict[str, int]]]
                    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """The rows in catalogue order and their sum, every identity checked."""
    rows = []
    total = _empty_groups()
    for name in _field_order(session, [n for n, g in by_field.items() if g["received"]["total"] > 0]):
        groups = by_field[name]
        check_identities(name, groups)
        rows.append({"field": name, **groups})
        for group, keys in GROUPS.items():
            for key in keys:
                total[group][key] += groups[group][key]
    check_identities(LABELS["total"], total)
    return rows, total


def periodic_totals(session: Session, period: Period, *, unit_codes: Sequence[str] | None = None,
                    unit: tuple[str, str] | None = None) -> dict[str, dict[str, int]]:
    """Biểu 06's total row alone, from the same pass and checks as :func:`periodic_report`, without the late
    list and the on-behalf counts (Tổng quan's previous period and year so far need only these numbers)."""
    desk = unit_codes is None and unit is None
    resolver = _unit_json(session, unit, unit_codes)["code"] if desk else None
    return _rows_and_total(session, _aggregate(session, period, unit_codes, resolver).by_field)[1]


def periodic_report(session: Session, period: Period, *, unit_codes: Sequence[str] | None = None,
                    unit: tuple[str, str] | None = None, found: Aggregate | None = None) -> dict[str, Any]:
    """Biểu 06 for ``period``: rows per field in catalogue order, the total, and the late list.

    ``unit_codes`` restricts to dossiers owned by those units (the hub holds many units' dossiers);
    ``unit`` (code, name) labels the report, by default this desk's unit. ``found``: the counts and
    late/overdue ids already computed elsewhere (the hub's maintained aggregates, issue 14) instead of
    the one pass over the dossiers; everything else is assembled and checked the same way.
    """
    unit_json = _unit_json(session, unit, unit_codes)
    desk = unit_codes is None and unit is None  # a desk's own report, not the hub's province total
    if found is None:
        found = _aggregate(session, period, unit_codes, unit_json["code"] if desk else None)
    rows, total = _rows_and_total(session, found.by_field)
    late_list = _late_details(session, period, found.late_ids, found.overdue_ids)
    late_count = sum(1 for d in late_list if d["status"] == "late")
    overdue_count = len(late_list) - late_count
    if late_count != total["resolved"]["late"] or overdue_count != total["in_progress"]["overdue"]:
        raise ReportIntegrityError(
            f"Danh sách hồ sơ trễ hạn ({late_count}/{overdue_count}) không khớp bảng tổng hợp "
            f"({total['resolved']['late']}/{total['in_progress']['overdue']})."
        )
    return {
        "unit": unit_json,
        "period": period.as_json(),
        "period_title": period.title,
        "generated_at": clock.iso(clock.now()),
        "as_of": clock.iso(status_cutoff(period)),
        "rows": rows,
        "total": total,
        "late_dossiers": late_list,
        "late_without_apology": sum(1 for d in late_list if d["status"] == "late" and not d["apology_issued"]),
        "on_behalf": on_behalf(session, period, unit_json["code"] if desk or unit_codes else None),
    }


ON_BEHALF_KEYS = ("received", "transferred", "results_back", "returned", "returned_on_time", "returned_late")


def on_behalf(session: Session, period: Period, unit_code: str | None) -> dict[str, int]:
    """What ``unit_code`` received for other bodies (the whole province when None) in the window: received,
    transferred, results back, returned — on time or late against the appointment (issue #15)."""
    start, end = period.bounds()
    s, e = _moment(start), _moment(end)

    def within(column: ColumnElement[Any]) -> ColumnElement[bool]:
        return and_(column.is_not(None), column >= s, column < e)

    returned = within(Dossier.returned_at)
    scope = (resolvers.received_for_others(unit_code) if unit_code
             else and_(Dossier.resolver_code.is_not(None), Dossier.resolver_code != "",
                       Dossier.resolver_code != func.coalesce(Dossier.receiving_unit, Dossier.owner_unit)))
    row = session.execute(select(
        _count(within(Dossier.received_at)), _count(within(Dossier.transferred_at)),
        _count(within(Dossier.result_back_at)), _count(returned),
        _count(and_(returned, not_(Dossier.returned_at > Dossier.due_at))),
        _count(and_(returned, Dossier.returned_at > Dossier.due_at)),
    ).where(scope, Dossier.deleted.is_(False), Dossier.status != Status.REFUSED.value)).one()
    return dict(zip(ON_BEHALF_KEYS, (int(v or 0) for v in row), strict=True))


def column_values(groups: dict[str, dict[str, int]]) -> list[int]:
    """Columns (3)…(13) of one row, in form order."""
    return [groups[group][key] for group, key in COLUMNS]
