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

from desktop import clock
from desktop.atomic import write_atomic
from desktop.errors import UserError
from desktop.forms.config import FormsConfig, load_config
from desktop.forms.data import LedgerRow, UnitInfo, ledger_rows, unit_info
from desktop.forms.layout import (
    LANDSCAPE_A4,
    Styles,
    dmy,
    esc,
    grid_style,
    letterhead,
    place_date,
    render_pdf,
)
from desktop.lifecycle import CLOCK_RUNNING, STATUS_LABELS, Status

DATE_GROUP = "Ngày, tháng, năm"
COLUMNS = (
    ("STT", 8), ("Mã hồ sơ", 37), ("Tên thủ tục hành chính", 26), ("Số lượng hồ sơ (bộ)", 11),
    ("Tên cá nhân, tổ chức", 25), ("Địa chỉ, số điện thoại", 28), ("Cơ quan chủ trì giải quyết", 20),
    ("Nhận hồ sơ", 16.5), ("Hẹn trả kết quả", 16.5), ("Chuyển hồ sơ đến cơ quan giải quyết", 16.5),
    ("Nhận kết quả từ cơ quan giải quyết", 16.5), ("Trả kết quả cho cá nhân, tổ chức", 16.5),
    ("Ký nhận", 13), ("Ghi chú", 21.5),
)
DATE_COLUMNS = range(7, 12)
CLASS_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise UserError(f"Ngày bắt đầu ({date_from:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc "
                        f"({date_to:%d/%m/%Y}).", field="date_from")


def note_text(row: LedgerRow, now: datetime) -> str:
    """What the notes column says: withdrawal, on-time class, overdue if still open, then free notes."""
    parts: list[str] = []
    if row.status == Status.WITHDRAWN:
        parts.append(STATUS_LABELS[Status.WITHDRAWN])
    elif row.classification:
        parts.append(CLASS_LABELS.get(row.classification, row.classification))
    elif row.status in CLOCK_RUNNING and row.due_at is not None and row.due_at < now:
        parts.append("Quá hạn (chưa có kết quả)")
    if row.notes:
        parts.append(row.notes)
    return "; ".join(parts)


def contact(row: LedgerRow) -> str:
    return "; ".join(p for p in (row.address, f"ĐT: {row.phone}" if row.phone else None) if p)


def applicant(row: LedgerRow) -> str:
    return f"{row.applicant_name} ({row.organisation})" if row.organisation else row.applicant_name


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = clock.to_vn(moment)
    return f"{local:%d/%m/%Y}<br/>{local:%H:%M}"


def _body(st: Styles, cfg: FormsConfig, unit: UnitInfo, rows: list[LedgerRow], date_from: date, date_to: date,
          ) -> list[Flowable]:
    spec = cfg.spec("ledger")
    now = clock.now()
    out: list[Flowable] = [
        letterhead(st, unit_name=unit.name, desk_name=cfg.desk_name, number=None,
                   place_line=place_date(unit.place_name, now)),
        st.gap(1.2),
        Paragraph(esc(spec.title), st.title),
        Paragraph(f"<i>Từ ngày {dmy(date_from)} đến ngày {dmy(date_to)}</i>", st.center),
        st.gap(0.8),
    ]
    widths = [w * mm for _, w in COLUMNS]
    head, cell, center = st.cell_head, st.cell, st.cell_center
    top: list[object] = []
    sub: list[object] = []
    for index, (label, _) in enumerate(COLUMNS):
        if index in DATE_COLUMNS:
            top.append(Paragraph(DATE_GROUP, head) if index == DATE_COLUMNS[0] else "")
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
            Paragraph(esc(contact(row)), cell), Paragraph(esc(row.resolving_body), cell),
            Paragraph(_when(row.received_at), center), Paragraph(_when(row.due_at), center),
            Paragraph(_when(row.sent_at), center), Paragraph(_when(row.result_at), center),
            Paragraph(_when(row.returned_at), center), "", Paragraph(esc(note_text(row, now)), cell),
        ])
    style = grid_style()
    for index in range(len(COLUMNS)):
        if index not in DATE_COLUMNS:
            style.add("SPAN", (index, 0), (index, 1))
    style.add("SPAN", (DATE_COLUMNS[0], 0), (DATE_COLUMNS[-1], 0))
    if not rows:
        data.append([Paragraph("Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này.", center)]
                    + [""] * (len(COLUMNS) - 1))
        style.add("SPAN", (0, 3), (-1, 3))
    table = Table(data, colWidths=widths, repeatRows=3)
    table.setStyle(style)
    out.append(table)
    out.append(st.gap(0.6))
    out.append(Paragraph(f"Tổng số: <b>{len(rows)}</b> hồ sơ.", st.normal))
    return out


def render_ledger_bytes(session: Session, date_from: date, date_to: date) -> tuple[bytes, int]:
    check_period(date_from, date_to)
    cfg = load_config()
    unit = unit_info(session)
    rows = ledger_rows(session, date_from, date_to)
    title = f"{cfg.spec('ledger').title} {dmy(date_from)}–{dmy(date_to)}"
    return render_pdf([lambda st: _body(st, cfg, unit, rows, date_from, date_to)], LANDSCAPE_A4, title=title,
                      flowing=True)


def render_ledger_pdf(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str]) -> Path:
    payload, _ = render_ledger_bytes(session, date_from, date_to)
    return write_atomic(out_path, payload, field="out")
