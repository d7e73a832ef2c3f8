"""Tổng quan's 12-month counts as they were read before the two grouped passes (one query, 48 columns):
the reference the grouped passes must equal."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from desktop.db.models import Dossier, DossierComponent
from desktop.reports.periodic import _count, _moment, resolution_moment
from desktop.reports.periods import Period
from desktop.rules.lifecycle import Status
from desktop.services import resolvers


def _monthly_dossier_counts(session: Session, months: list[Period]) -> list[dict[str, int]]:
    """Per month: new received, resolved, late (as Biểu 06 cols 4+5, 7, 10) and new received with a
    digitised component (the tracker's), in ONE pass over the dossiers of the whole span — twelve
    report aggregates would each scan the table and work out the in-progress columns nobody reads here."""
    res = resolution_moment()
    span_start, span_end = _moment(months[0].bounds()[0]), _moment(months[-1].bounds()[1])
    digitised = exists(select(DossierComponent.id).where(
        DossierComponent.dossier_id == Dossier.id, DossierComponent.deleted.is_(False),
        DossierComponent.digitised.is_(True)))
    columns = []
    for month in months:
        low, high = (_moment(moment) for moment in month.bounds())
        new = and_(Dossier.received_at >= low, Dossier.received_at < high)
        resolved = and_(res.is_not(None), res >= low, res < high)
        columns += [_count(new), _count(resolved), _count(and_(resolved, res > Dossier.due_at)),
                    _count(and_(new, digitised))]
    query = select(*columns).where(
        Dossier.deleted.is_(False), Dossier.status != Status.REFUSED.value,
        resolvers.resolved_here(session),  # as Biểu 06: what this unit resolves (issue #15)
        or_(and_(Dossier.received_at >= span_start, Dossier.received_at < span_end),
            and_(res.is_not(None), res >= span_start, res < span_end)))
    row = [int(v or 0) for v in session.execute(query).one()]
    return [dict(zip(("received", "resolved", "late", "digitised"), row[4 * i:4 * i + 4], strict=True))
            for i in range(len(months))]

