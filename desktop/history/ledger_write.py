"""Writing a planned ledger row as a dossier, and reading the supplements of an ``export all`` workbook.

The dossier, its timeline events and its supplements are written the way the services write them
(``reception.new_dossier``, the same event kinds), so reports, indicators and sync see no difference; a
``dossier_import`` row records the file, sheet and row it came from.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.db.models import DossierEvent, Supplement, new_id
from desktop.db.models_history import DossierImport
from desktop.history import dates
from desktop.history.export_all import SUPPLEMENT_HEADERS, SUPPLEMENT_SHEET
from desktop.history.plan import ImportPlan, PlannedRow, SupplementRow
from desktop.history.reader import read_rows, sheet_names
from desktop.rules.lifecycle import Status
from desktop.rules.text import nfc
from desktop.services.desk import DeskContext
from desktop.services.reception import new_dossier


def _get(values: Any, col: int) -> Any:
    value = values[col] if col < len(values) else None
    if isinstance(value, str):
        value = value.strip() or None
    return value


def read_supplements(path: str | Path) -> dict[str, list[SupplementRow]]:
    """Supplements of an ``export all`` workbook, so a round trip keeps the stopped clocks (Biểu 06
    reads them for dossiers awaiting a supplement at the end of a period). Other files have none."""
    if Path(path).suffix.lower() != ".xlsx":
        return {}
    if SUPPLEMENT_SHEET not in sheet_names(path):
        return {}
    _, rows = read_rows(path, SUPPLEMENT_SHEET)
    if not rows or tuple(rows[0][:len(SUPPLEMENT_HEADERS)]) != SUPPLEMENT_HEADERS:
        return {}
    found: dict[str, list[SupplementRow]] = {}
    late = time(17, 0)
    for values in rows[1:]:
        code = _get(values, 0)
        try:
            requested = dates.parse(_get(values, 1), late)
            if not code or requested is None:
                continue
            items = [part.strip() for part in str(_get(values, 2) or "").split(";") if part.strip()]
            found.setdefault(str(code).casefold(), []).append(SupplementRow(
                requested_at=requested, items=items, reason=nfc(_get(values, 3)),
                received_at=dates.parse(_get(values, 5), late), previous_due_at=dates.parse(_get(values, 6), late),
                new_due_at=dates.parse(_get(values, 7), late)))
        except dates.BadDate:
            continue
    return found


def write_row(session: Session, ctx: DeskContext, plan: ImportPlan, row: PlannedRow, officer: str | None,
           moment: datetime) -> None:
    dossier = new_dossier(session, ctx, row.procedure, row.applicant, row.received_at, Status(row.status),
                          code=row.code)
    dossier.id = new_id()  # supplements and events below refer to it before the flush
    dossier.channel = row.channel
    dossier.sets_count = row.sets_count
    dossier.notes = row.notes
    source = {"file": plan.source_file, "sheet": plan.sheet, "row": row.row}
    events: list[tuple[str, datetime, dict[str, Any]]] = []
    if row.status == Status.REFUSED:
        dossier.refusal_reason = row.notes or "Từ chối tiếp nhận (nhập từ sổ theo dõi)."
        events.append(("refused", row.received_at, {"imported": source}))
    else:
        dossier.counting_start = ctx.rules.counting_start(row.received_at)
        dossier.due_at = dossier.original_due_at = row.due_at
        events.append(("received", row.received_at, {"channel": row.channel, "due_at": row.due_at.isoformat()
                                                     if row.due_at else None, "imported": source}))
    for sup in plan.supplements.get((row.code or "").casefold(), []) if row.status != Status.REFUSED else []:
        session.add(Supplement(dossier_id=dossier.id, requested_at=sup.requested_at, items=sup.items,
                               reason=sup.reason, requested_by=officer, received_at=sup.received_at,
                               previous_due_at=sup.previous_due_at, new_due_at=sup.new_due_at))
        if sup.previous_due_at is not None and dossier.original_due_at == row.due_at:
            dossier.original_due_at = sup.previous_due_at
        events.append(("supplement_requested", sup.requested_at, {}))
        if sup.received_at is not None:
            dossier.counting_start = ctx.rules.counting_start(sup.received_at)
            events.append(("supplement_received", sup.received_at,
                           {"due_at": sup.new_due_at.isoformat() if sup.new_due_at else None}))
    if row.transferred_at is not None and row.status != Status.REFUSED:
        dossier.handler = officer
        events.append(("started", row.transferred_at, {"handler": officer}))
    if row.result_at is not None:
        if row.transferred_at is None:
            dossier.handler = officer
            events.append(("started", row.result_at, {"handler": officer, "implicit": True}))
        dossier.result = "rejected" if row.rejected else "approved"
        dossier.result_at = row.result_at
        events.append(("resolved", row.result_at, {"result": dossier.result}))
    if row.returned_at is not None:
        dossier.returned_at = row.returned_at
        events.append(("returned", row.returned_at, {"by_post": False}))
    if row.withdrawn_at is not None:
        dossier.withdrawn_at = row.withdrawn_at
        events.append(("withdrawn", row.withdrawn_at, {}))
    session.add(dossier)
    for kind, at, data in events:
        session.add(DossierEvent(dossier_id=dossier.id, kind=kind, at=at, officer=officer, data=data,
                                 note="Nhập từ sổ theo dõi" if kind in ("received", "refused") else None))
    session.add(DossierImport(dossier_id=dossier.id, dossier_code=dossier.code, source_file=plan.source_file,
                              source_sheet=plan.sheet, source_row=row.row, imported_at=moment, imported_by=officer))
