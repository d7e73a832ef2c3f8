"""The province-wide periodic report (all units, and each unit) as JSON, Excel and PDF.

The numbers come from ``province.reports.periodic`` (the desk's own report code at the hub); the
files from the desk's own writers (``desktop.reports.xlsx`` / ``.pdf``), so a unit's Biểu 06 printed at
the province looks exactly like the one printed at the commune. ``by-unit`` as a file is one table, a row
per unit (``province.by_unit_files``).
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select

from desktop.db.models import Unit
from desktop.errors import UserError
from desktop.rules.unit_levels import level_codes
from province.db import Hub
from province.reports import periodic

FORMATS = {"json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}


def unit_codes(hub: Hub) -> list[str]:
    with hub.reading() as session:
        return sorted(session.scalars(select(Unit.code).where(Unit.deleted.is_(False),
                                                        Unit.level.in_(level_codes()))))


def province_report(hub: Hub, period: str) -> dict[str, Any]:
    """All units together, then one report per unit (JSON)."""
    return {"all": periodic(hub, unit="all", period=period),
            "units": {code: periodic(hub, unit=code, period=period) for code in unit_codes(hub)}}


def report_file(hub: Hub, *, unit: str, period: str, fmt: str, names: bool = True) -> bytes:
    """The report as bytes; ``names=False`` (a ``viewer`` at the hub) leaves out applicants' names."""
    from province.auth import without_names

    keep = (lambda report: report) if names else without_names
    if fmt not in FORMATS:
        raise UserError(f"Định dạng '{fmt}' không hỗ trợ (json, xlsx, pdf).", field="format")
    if fmt == "json":
        import json

        data = keep(province_report(hub, period) if unit == "by-unit" else periodic(hub, unit=unit, period=period))
        return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    if unit == "by-unit":  # one row per unit, then the all-units total (no names in it)
        from province.by_unit_files import by_unit_pdf, by_unit_xlsx

        return (by_unit_xlsx if fmt == "xlsx" else by_unit_pdf)(province_report(hub, period))
    report = keep(periodic(hub, unit=unit, period=period))
    place = None
    if fmt == "xlsx":
        from desktop.reports.xlsx import periodic_workbook

        buf = io.BytesIO()
        periodic_workbook(report, place=place).save(buf)
        return buf.getvalue()
    from desktop.reports.pdf import periodic_pdf_bytes

    return periodic_pdf_bytes(report, place=place)
