"""The ledger as an Excel workbook: Times New Roman, thin borders, DD/MM/YYYY dates, A4 landscape,
two-level header repeated on every printed page, header frozen on screen."""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.forms.config import load_config
from desktop.forms.data import ledger_rows, unit_info
from desktop.platform.atomic import write_atomic
from desktop.forms.layout import PRODUCER
from desktop.formatting import dmy
from desktop.forms.ledger import COLUMNS, DATE_COLUMNS, KIND, applicant, check_period, column_labels, contact, note_text
from desktop.rules.text import excel_safe

FONT = "Times New Roman"
DATE_FORMAT = "DD/MM/YYYY"
HEADER_ROW = 5  # first header row; data starts after two header rows and the column-number row


def _local_date(moment: datetime | None) -> date | None:
    return clock.to_vn(moment).date() if moment is not None else None


def build_workbook(session: Session, date_from: date, date_to: date):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    check_period(date_from, date_to)
    cfg = load_config(on=date_to, session=session)
    unit = unit_info(session)
    rows = ledger_rows(session, date_from, date_to)
    now = clock.now()

    wb = Workbook()
    ws = wb.active
    ws.title = cfg.plain(KIND, "sheet")[:31]
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    regular = Font(name=FONT, size=11)
    bold = Font(name=FONT, size=11, bold=True)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(row: int, col: int, value: object, *, font: Font = regular, align: Alignment = wrap_left,
            framed: bool = False, fmt: str | None = None) -> None:
        cell = ws.cell(row=row, column=col, value=excel_safe(value))
        cell.font = font
        cell.alignment = align
        if framed:
            cell.border = border
        if fmt:
            cell.number_format = fmt

    put(1, 1, unit.name.upper(), align=wrap_center)
    ws.merge_cells(f"A1:E1")
    put(2, 1, cfg.desk_name, font=bold, align=wrap_center)
    ws.merge_cells(f"A2:E2")
    put(1, 8, cfg.plain(None, "motto"), font=bold, align=wrap_center)
    ws.merge_cells(f"H1:{last}1")
    put(2, 8, cfg.plain(None, "independence"), font=bold, align=wrap_center)
    ws.merge_cells(f"H2:{last}2")
    put(3, 1, cfg.spec("ledger").title, font=Font(name=FONT, size=14, bold=True), align=wrap_center)
    ws.merge_cells(f"A3:{last}3")
    put(4, 1, cfg.plain(KIND, "period_plain", date_from=dmy(date_from), date_to=dmy(date_to)),
        font=Font(name=FONT, size=11, italic=True),
        align=wrap_center)
    ws.merge_cells(f"A4:{last}4")

    top, sub, numbers = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    for index, ((_, width), label) in enumerate(zip(COLUMNS, column_labels(cfg), strict=True)):
        col = index + 1
        ws.column_dimensions[get_column_letter(col)].width = round(width / 2.1 + 1.5, 1)
        if index in DATE_COLUMNS:
            put(top, col, cfg.plain(KIND, "date_group") if index == DATE_COLUMNS[0] else None, font=bold, align=wrap_center, framed=True)
            put(sub, col, label, font=bold, align=wrap_center, framed=True)
        else:
            put(top, col, label, font=bold, align=wrap_center, framed=True)
            put(sub, col, None, font=bold, align=wrap_center, framed=True)
            ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        put(numbers, col, f"({col})", align=wrap_center, framed=True)
    ws.merge_cells(start_row=top, start_column=DATE_COLUMNS[0] + 1, end_row=top, end_column=DATE_COLUMNS[-1] + 1)
    ws.row_dimensions[sub].height = 58

    row_no = numbers + 1
    for item in rows:
        values: list[tuple[object, str | None, Alignment]] = [
            (item.number, None, wrap_center), (item.code, None, wrap_left), (item.procedure_name, None, wrap_left),
            (item.sets_count, None, wrap_center), (applicant(item), None, wrap_left), (contact(cfg, item), None, wrap_left),
            (item.resolving_body, None, wrap_left),
            (_local_date(item.received_at), DATE_FORMAT, wrap_center),
            (_local_date(item.due_at), DATE_FORMAT, wrap_center),
            (_local_date(item.sent_at), DATE_FORMAT, wrap_center),
            (_local_date(item.result_at), DATE_FORMAT, wrap_center),
            (_local_date(item.returned_at), DATE_FORMAT, wrap_center),
            (None, None, wrap_center), (note_text(cfg, item, now) or None, None, wrap_left),
        ]
        for col, (value, fmt, align) in enumerate(values, start=1):
            put(row_no, col, value, align=align, framed=True, fmt=fmt)
        row_no += 1
    put(row_no + 1, 1, cfg.plain(KIND, "total_plain", count=len(rows)), font=bold)

    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    ws.print_title_rows = f"{top}:{numbers}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.oddFooter.center.font = FONT
    wb.properties.creator = PRODUCER
    wb.properties.title = f"{cfg.spec('ledger').title} {dmy(date_from)}–{dmy(date_to)}"
    return wb


def export_xlsx(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str]) -> Path:
    wb = build_workbook(session, date_from, date_to)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(out_path, buffer.getvalue(), field="out")
