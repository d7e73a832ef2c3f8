"""Reports at the hub: the desk's own report code, scoped to one unit's dossiers or to all of them.

The hub holds the desk's tables under the same names, so ``periodic_report`` runs unchanged and a
unit's report at the hub equals the desk's own report once its batches are in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop.db.models import Unit
from desktop.errors import UserError
from province.db import Hub


def periodic(hub: Hub, *, unit: str, period: str) -> dict[str, Any]:
    """Biểu 06 for ``unit`` (a unit code, or ``all``) over ``period`` (same syntax as the desk)."""
    from desktop.reports.periodic import periodic_report
    from desktop.reports.periods import parse_period

    with hub.reading() as session:
        if unit.strip().lower() == "all":
            label = ("all", hub.meta("name") or "Tất cả đơn vị")
            return periodic_report(session, parse_period(period), unit_codes=None, unit=label)
        row = session.scalar(select(Unit).where(Unit.code == unit.strip(), Unit.deleted.is_(False)))
        if row is None:
            raise UserError(f"Máy chủ tỉnh chưa có dữ liệu của đơn vị '{unit}'.", field="unit")
        return periodic_report(session, parse_period(period, calendar=bool(row.calendar_windows)),
                               unit_codes=[row.code], unit=(row.code, row.name))
