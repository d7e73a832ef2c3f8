"""Reports at the hub: the desk's own report code, scoped to one unit's dossiers or to all of them.

The hub holds the desk's tables under the same names, so ``periodic_report`` runs unchanged and a
unit's report at the hub equals the desk's own report once its batches are in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import Unit
from desktop.errors import UserError
from desktop.rules.validation import CONTROL_CHARACTERS
from province import report_counts
from province.db import Hub, meta_in


def periodic(hub: Hub, *, unit: str, period: str, calendar: bool | None = None) -> dict[str, Any]:
    """Biểu 06 for ``unit`` (a unit code, or ``all``) over ``period`` (same syntax as the desk).

    ``calendar`` as on the desk: True = calendar months, False = official 15th→14th windows, None = the
    unit's own setting (official windows for ``all``).
    """
    from desktop.reports.periodic import periodic_report
    from desktop.reports.periods import parse_period

    with hub.reading() as session:
        if unit.strip().lower() == "all":
            label = ("all", meta_in(session, "name").get("name") or "Tất cả đơn vị")  # no second session
            chosen = parse_period(period, calendar=bool(calendar))
            # Issue 14: the counts and late/overdue ids from the maintained aggregates, not a scan.
            return periodic_report(session, chosen, unit_codes=None, unit=label,
                                   found=report_counts.counts_for(session, chosen))
        row = _known_unit(session, unit)
        windows = bool(row.calendar_windows) if calendar is None else calendar
        return periodic_report(session, parse_period(period, calendar=windows),
                               unit_codes=[row.code], unit=(row.code, row.name))


def _known_unit(session: Session, unit: str) -> Unit:
    """The unit a report names; the refusal echoes at most 40 characters of what was typed (a pasted
    page of text must not come back whole)."""
    code = unit.strip()
    # a code with a NUL (or another control character) names no unit; PostgreSQL refused the query (a 500)
    row = None if CONTROL_CHARACTERS.search(code) else session.scalar(
        select(Unit).where(Unit.code == code, Unit.deleted.is_(False)))
    if row is None:
        shown = "".join(c if c.isprintable() else "?" for c in unit.strip())
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise UserError(f"Máy chủ tỉnh chưa có dữ liệu của đơn vị '{shown}'.", field="unit")
    return row


def indicators(hub: Hub, *, unit: str, period: str, calendar: bool | None = None) -> dict[str, Any]:
    """The desk's indicator catalogue over one unit's dossiers, or every unit's (``all``), against the
    province's targets: ``{"unit", "period", "indicators": [...]}`` with the desk's entry keys."""
    from desktop.reports.indicator_entries import catalogue_entries
    from desktop.reports.periods import parse_period

    with hub.reading() as session:
        if unit.strip().lower() == "all":
            label = ("all", meta_in(session, "name").get("name") or "Tất cả đơn vị")
            scope: list[str] | None = None
            windows = bool(calendar)
        else:
            row = _known_unit(session, unit)
            label, scope = (row.code, row.name), [row.code]
            windows = bool(row.calendar_windows) if calendar is None else calendar
        chosen = parse_period(period, calendar=windows)
        entries = catalogue_entries(session, chosen, unit_codes=scope, unit=label)
    return {"unit": {"code": label[0], "name": label[1]}, "period": chosen.as_json(), "indicators": entries}
