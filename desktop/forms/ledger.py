"""Sổ theo dõi hồ sơ (ledger) for a period: A4 landscape, the header repeated on every page.

Columns follow domain.md §5.7; rows are numbered in reception order (the same number the receipt
prints as "Số …/TNHS" when the period starts on 1 January).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table
from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.platform.atomic import write_atomic
from desktop.errors import UserError
from desktop.forms.config import FormsConfig, load_config
from desktop.forms.data import LedgerRow, UnitInfo, ledger_rows, unit_info
from desktop.forms.common import form_header
from desktop.forms.layout import LANDSCAPE_A4, Styles, esc, grid_style, render_pdf
from desktop.formatting import dmy
from desktop.rules.lifecycle import CLOCK_RUNNING, STATUS_LABELS, Status

KIND = "ledger"
# Column (sentence key in the regime's ledger.json, width in mm).
COLUMNS = (
    ("col_no", 8), ("col_code", 37), ("col_procedure", 26), ("col_sets", 11), ("col_applicant", 25),
    ("col_address", 28), ("col_resolver", 20), ("col_received", 16.5), ("col_due", 16.5), ("col_sent", 16.5),
    ("col_back", 16.5), ("col_returned", 16.5), ("col_sign", 13), ("col_note", 21.5),
)
DATE_COLUMNS = range(7, 12)


def column_labels(cfg: FormsConfig) -> list[str]:
    return [cfg.plain(KIND, key) for key, _ in COLUMNS]


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise UserError(f"Ngày bắt đầu ({date_from:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc "
                        f"({date_to:%d/%m/%Y}).", field="date_from")


def note_text(cfg: FormsConfig, row: LedgerRow, now: datetime) -> str:
    """What the notes column says: withdrawal, on-time class, overdue if still open, then free notes."""
    parts: list[str] = []
    if row.status == Status.WITHDRAWN:
        parts.append(STATUS_LABELS[Status.WITHDRAWN])
    elif row.classification:
        key = row.classification if row.classification in ("early", "on_time", "late") else None
        parts.append(cfg.plain(None, key) if key else row.classification)
    elif row.status in CLOCK_RUNNING and row.due_at is not None and row.due_at < now:
        parts.append(cfg.plain(KIND, "late_open"))
    if row.notes:
        parts.append(row.notes)
    return "; ".join(parts)


def contact(cfg: FormsConfig, row: LedgerRow) -> str:
    return "; ".join(p for p in (row.address, cfg.plain(KIND, "phone", phone=row.phone) if row.phone else None) if p)


def applicant(row: LedgerRow) -> str:
    return f"{row.applicant_name} ({row.organisation})" if row.organisation else row.applicant_name


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = clock.to_vn(moment)
    return f"{local:%d/%m/%Y}<br/>{local:%H:%M}"


def _body(st: Styles, cfg: FormsConfig, unit: UnitInfo, rows: list[LedgerRow], date_from: date, date_to: date,
          ) -> list[Flowable]:
    spec = cfg.spec(KIND)
    now = clock.now()
    out: list[Flowable] = form_header(st, cfg, spec, None, now, numbered=False, unit_name=unit.name,
                                      place_name=unit.place_name)
    out[-1:] = [Paragraph(cfg.t(KIND, "period", date_from=dmy(date_from), date_to=dmy(date_to)), st.center),
                st.gap(0.8)]
    widths = [w * mm for _, w in COLUMNS]
    head, cell, center = st.cell_head, st.cell, st.cell_center
    top: list[object] = []
    sub: list[object] = []
    for index, label in enumerate(column_labels(cfg)):
        if index in DATE_COLUMNS:
            top.append(Paragraph(cfg.t(KIND, "date_group"), head) if index == DATE_COLUMNS[0] else "")
            sub.append(Paragraph(esc(label), head))
        else:
            top.append(Paragraph(esc(label), head))
            sub.append("")
    numbers = [Paragraph(f"({i})", center) for i in range(1, len(COLUMNS) + 1)]
    data: list[list[object]] = [top, sub, numbers]
    for row in rows:
        data.append([
            Paragraph(str(row.number), center), Paragraph(esc(row.code), cell), Paragraph(esc(row.procedure_name), cell),
            Paragraph(str(row.sets_count), center), Paragraph(esc(applicant(row)), cell),
            Paragraph(esc(contact(cfg, row)), cell), Paragraph(esc(row.resolving_body), cell),
            Paragraph(_when(row.received_at), center), Paragraph(_when(row.due_at), center),
            Paragraph(_when(row.sent_at), center), Paragraph(_when(row.result_at), center),
            Paragraph(_when(row.returned_at), center), "", Paragraph(esc(note_text(cfg, row, now)), cell),
        ])
    style = grid_style()
    for index in range(len(COLUMNS)):
        if index not in DATE_COLUMNS:
            style.add("SPAN", (index, 0), (index, 1))
    style.add("SPAN", (DATE_COLUMNS[0], 0), (DATE_COLUMNS[-1], 0))
    if not rows:
        data.append([Paragraph(cfg.t(KIND, "empty"), center)]
                    + [""] * (len(COLUMNS) - 1))
        style.add("SPAN", (0, 3), (-1, 3))
    table = Table(data, colWidths=widths, repeatRows=3)
    table.setStyle(style)
    out.append(table)
    out.append(st.gap(0.6))
    out.append(Paragraph(cfg.t(KIND, "total", count=len(rows)), st.normal))
    return out


def render_ledger_bytes(session: Session, date_from: date, date_to: date, *, regime: str | None = None,
                        ) -> tuple[bytes, int]:
    check_period(date_from, date_to)
    cfg = load_config(regime=regime, on=date_to, session=session)  # the book is kept in the regime in force at its end
    unit = unit_info(session)
    rows = ledger_rows(session, date_from, date_to)
    title = f"{cfg.spec('ledger').title} {dmy(date_from)}–{dmy(date_to)}"
    return render_pdf([lambda st: _body(st, cfg, unit, rows, date_from, date_to)], LANDSCAPE_A4, title=title,
                      flowing=True)


def render_ledger_pdf(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str], *,
                      regime: str | None = None) -> Path:
    payload, _ = render_ledger_bytes(session, date_from, date_to, regime=regime)
    return write_atomic(out_path, payload, field="out")
