"""The named counts the indicator catalogue's formulas are written over (resources/indicators/catalogue.json).

Each name is one number for a period, counted the way the rest of the desk counts it: ``received``,
``resolved``, ``resolved_in_time`` and ``resolved_early`` are the periodic report's (Biểu 06); the
``*_tracked`` counts are the digitisation tracker's; ``survey_answers`` and ``waiting_*`` come from the
survey and queue services. The rest are counted here, over the same dossiers as Biểu 06 (not deleted,
not refused at reception, received in the window).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, and_, distinct, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session

from desktop.db.models import Apology, Dossier, Procedure
from desktop.reports.digitisation import counts as tracker_counts
from desktop.reports.periodic import _count, _moment, _scope, periodic_totals
from desktop.reports.periods import Period, parse_period
from desktop.services import duty, queue, surveys

ONLINE_OFFERED = ("full", "partial")


Units = Sequence[str] | None  # the hub's scope: these units' dossiers (None: all, or the desk's own)


def _dossier_counts(session: Session, period: Period, unit_codes: Units) -> dict[str, int]:
    """Postal, payment, online-service and apology counts in one pass over the period's dossiers."""
    where, b = _scope(period, unit_codes)
    s, e, res = b["s"], b["e"], b["res"]
    is_new = Dossier.received_at >= s
    offered = Procedure.online_level.in_(ONLINE_OFFERED)
    late = and_(res.is_not(None), res < e, res > Dossier.due_at)
    apologised = select(Apology.id).where(Apology.dossier_id == Dossier.id, Apology.deleted.is_(False)).exists()
    paid = and_(is_new, Dossier.payment_method.is_not(None))
    row = session.execute(select(
        _count(and_(is_new, or_(Dossier.channel == "postal", Dossier.return_by_post.is_(True)))),
        _count(paid), _count(and_(paid, Dossier.payment_method == "online")),
        _count(and_(is_new, offered)), _count(and_(is_new, offered, Dossier.channel == "online")),
        _count(late), _count(and_(late, apologised)),
    ).select_from(Dossier).join(Procedure, Procedure.id == Dossier.procedure_id).where(*where)).one()
    names = ("postal_dossiers", "paid", "paid_online", "online_offered_received", "online_offered_received_online",
             "late", "late_with_apology")
    return dict(zip(names, (int(v or 0) for v in row), strict=True))


def _online_procedures(session: Session, period: Period, unit_codes: Units) -> dict[str, int]:
    """Procedures offered online (full or partial, in force), and how many of them had an online dossier
    (at the hub, procedures are the province's catalogue: counted once, whatever the units)."""
    s, e = (_moment(m) for m in period.bounds())
    scope = [Dossier.owner_unit.in_(list(unit_codes))] if unit_codes is not None else []
    offered = int(session.scalar(select(func.count()).select_from(Procedure).where(
        Procedure.deleted.is_(False), Procedure.active.is_(True), Procedure.online_level.in_(ONLINE_OFFERED))) or 0)
    used = int(session.scalar(select(func.count(distinct(Dossier.procedure_id))).join(
        Procedure, Procedure.id == Dossier.procedure_id).where(
        Dossier.deleted.is_(False), Dossier.channel == "online", Dossier.received_at >= s, Dossier.received_at < e,
        *scope, Procedure.deleted.is_(False), Procedure.active.is_(True), Procedure.online_level.in_(ONLINE_OFFERED))) or 0)
    return {"online_procedures_offered": offered, "online_procedures_used": used}


class epoch_microseconds(FunctionElement[int]):  # noqa: N801  (a SQL function, named like one)
    """A stored moment as whole microseconds since 1970, exact on both back-ends (naive Vietnam local
    time on both, so a difference of two is the elapsed time)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_microseconds, "sqlite")
def _epoch_microseconds_sqlite(element: epoch_microseconds, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(list(element.clauses)[0], **kw)  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff'
    return f"(CAST(strftime('%s', {moment}) AS INTEGER) * 1000000 + CAST(substr({moment}, 21) AS INTEGER))"


@compiles(epoch_microseconds, "postgresql")
def _epoch_microseconds_postgresql(element: epoch_microseconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(extract(epoch FROM {compiler.process(list(element.clauses)[0], **kw)}) * 1000000 AS BIGINT)"


def average_processing_days(session: Session, period: Period, unit_codes: Units = None) -> float | None:
    """Calendar days from reception to result, averaged over the dossiers resolved in the period (withdrawn
    ones left out: no result was produced). The microseconds are summed as integers in SQL, so SQLite and
    PostgreSQL agree exactly and no row is read into Python (80,000 a year at 200k dossiers)."""
    where, b = _scope(period, unit_codes)
    res = b["res"]
    count, elapsed = session.execute(select(
        func.count(), func.sum(epoch_microseconds(res) - epoch_microseconds(Dossier.received_at))).where(
        *where, res.is_not(None), res < b["e"], Dossier.withdrawn_at.is_(None),
        Dossier.received_at.is_not(None))).one()
    return round(int(elapsed) / 86_400_000_000 / count, 4) if count else None  # 4 places: the change uses it


def same_period_last_year(period: Period) -> Period:
    return parse_period(f"{int(period.label[:4]) - 1}{period.label[4:]}", calendar=period.calendar)


def period_counts(session: Session, period: Period, *, totals: dict[str, Any] | None = None,
                  unit_codes: Units = None, unit: tuple[str, str] | None = None) -> dict[str, Any]:
    """Every named count of the period (``totals``: the periodic report's, when the caller has it;
    ``unit_codes``/``unit`` as for the periodic report, at the hub)."""
    total = totals or periodic_totals(session, period, unit_codes=unit_codes, unit=unit)
    rec, rsl = total["received"], total["resolved"]
    start, end = period.start, period.end
    tracked = tracker_counts(session, start, end, unit_codes=unit_codes)[""]
    satisfaction = surveys.satisfaction(session, start, end, unit_codes=unit_codes, with_target=False)
    waits = queue.waits(session, start, end, unit_codes=unit_codes)  # the exact sum, not avg × served
    out: dict[str, Any] = {
        "received": rec["new_online"] + rec["new_direct_postal"], "received_online": rec["new_online"],
        "resolved": rsl["total"], "resolved_in_time": rsl["total"] - rsl["late"], "resolved_early": rsl["early"],
        "received_tracked": tracked["received"],
        "received_with_digitised_components": tracked["with_digitised_components"],
        "received_with_reused_components": tracked["with_reused_components"],
        "resolved_tracked": tracked["resolved"], "results_digitised": tracked["results_digitised"],
        "survey_answers": satisfaction["answers"],
        "satisfied_answers": satisfaction["very_satisfied"] + satisfaction["satisfied"],
        "waiting_served": len(waits), "waiting_minutes": round(sum(waits), 1),
        "staff_days": duty.staff_days(session, start, end, unit_codes=unit_codes),
        "avg_processing_days": average_processing_days(session, period, unit_codes),
        "avg_processing_days_last_year": average_processing_days(session, same_period_last_year(period), unit_codes),
    }
    out |= _dossier_counts(session, period, unit_codes)
    out |= _online_procedures(session, period, unit_codes)
    return out


def field_satisfaction(session: Session, start: date, end: date, unit_codes: Units = None) -> list[dict[str, Any]]:
    """Satisfied answers and answers per field (the catalogue's per-field targets apply to these)."""
    return [{"field": row["field"], "numerator": row["very_satisfied"] + row["satisfied"],
             "denominator": row["answers"]}
            for row in surveys.satisfaction_by_field(session, start, end, unit_codes=unit_codes, with_target=False)]
