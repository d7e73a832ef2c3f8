"""The digitisation tracker as it was before it counted in two grouped passes (one query per window, 16 for a
year): the reference the new counts must equal, number for number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from desktop.db.models import Dossier, Field
from desktop.reports.digitisation import (
    COUNT_KEYS, NO_FIELD, _bounds, _months, _targets, component_flags, count_where, projection, with_rates, ytd_windows,
)
from desktop.rules.lifecycle import Status


def counts(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None,
           by_field: bool = False) -> dict[str, dict[str, int]]:
    """Raw counts keyed by field name (or ``""`` for the total)."""
    low, high = _bounds(start, end)
    not_refused = Dossier.status != Status.REFUSED
    received = and_(Dossier.received_at >= low, Dossier.received_at < high, not_refused)
    resolved = and_(Dossier.result_at.is_not(None), Dossier.result_at >= low, Dossier.result_at < high, not_refused)
    digitised, reused, portal = component_flags()
    total = count_where

    group = Dossier.field_name if by_field else None
    columns = [
        total(received), total(and_(received, digitised)), total(and_(received, reused)),
        total(and_(received, portal)), total(resolved), total(and_(resolved, Dossier.result_digitised.is_(True))),
    ]
    query = select(*( [group] if group is not None else []), *columns).where(
        Dossier.deleted.is_(False), or_(received, resolved))
    if unit_codes:
        query = query.where(Dossier.owner_unit.in_(list(unit_codes)))
    if group is not None:
        query = query.group_by(group)
    out: dict[str, dict[str, int]] = {}
    for row in session.execute(query):
        name = (row[0] or NO_FIELD) if group is not None else ""
        rec, dig, reu, por, res, rdig = (int(v) for v in row[-6:])
        out[name] = {"received": rec, "with_digitised_components": dig, "without_digitised_components": rec - dig,
                     "with_reused_components": reu, "reused_from_national_portal": por, "resolved": res,
                     "results_digitised": rdig, "results_not_digitised": res - rdig}
    if not by_field and "" not in out:
        out[""] = dict.fromkeys(COUNT_KEYS, 0)
    return out


def forecast(session: Session, end: date, *, unit_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """The same projection (``digitisation.projection``) over the old counts."""
    year_start, ytd_end, recent_start = ytd_windows(end)
    ytd = counts(session, year_start, ytd_end, unit_codes=unit_codes)[""]
    recent = counts(session, recent_start, ytd_end, unit_codes=unit_codes)[""]
    return projection(ytd, recent, end.year, ytd_end, _targets(session, end.year))


def digitisation_tracker(session: Session, start: date, end: date, *,
                         unit_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """The whole tracker: by field, total, targets of ``end``'s year, monthly trend, forecast."""
    if end < start:
        from desktop.errors import UserError

        raise UserError("Ngày kết thúc kỳ phải không sớm hơn ngày bắt đầu.", field="period")
    order = {name: sort for name, sort in session.execute(select(Field.name, Field.sort_order))}
    per_field = counts(session, start, end, unit_codes=unit_codes, by_field=True)
    fields = [{"field": name} | with_rates(values)
              for name, values in sorted(per_field.items(), key=lambda kv: (order.get(kv[0], 10**6), kv[0]))]
    total = with_rates(counts(session, start, end, unit_codes=unit_codes)[""])
    targets = _targets(session, end.year)
    total["meets_targets"] = {name: (None if targets[name] is None or total[name] is None
                                     else total[name] >= targets[name]) for name in targets}
    monthly = [{"month": f"{lo:%Y-%m}", "start": lo.isoformat(), "end": hi.isoformat()}
               | with_rates(counts(session, lo, hi, unit_codes=unit_codes)[""])
               for lo, hi in _months(start, end)]
    return {"start": start.isoformat(), "end": end.isoformat(), "fields": fields, "total": total,
            "targets": {"year": end.year} | targets, "monthly": monthly,
            "forecast": forecast(session, end, unit_codes=unit_codes),
            "label": "Tự đánh giá tại đơn vị, không phải điểm chính thức của Bộ chỉ số 766"}
