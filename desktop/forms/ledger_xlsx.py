"""The ledger as an Excel workbook: Times New Roman, thin borders, DD/MM/YYYY dates, A4 landscape,
two-level header repeated on every printed page, header frozen on screen."""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


class _Sheet:
    """The ledger's one worksheet and its few styles: ``put`` writes a cell the ledger's way."""

    def __init__(self, ws) -> None:  # type: ignore[no-untyped-def]
        from openpyxl.styles import Alignment, Border, Font, Side

        thin = Side(style="thin", color="000000")
        self.ws = ws
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.regular = Font(name=FONT, size=11)
        self.bold = Font(name=FONT, size=11, bold=True)
        self.title = Font(name=FONT, size=14, bold=True)
        self.italic = Font(name=FONT, size=11, italic=True)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(self, row: int, col: int, value: object, *, font=None, align=None, framed: bool = False,  # type: ignore[no-untyped-def]
            fmt: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col, value=excel_safe(value))
        cell.font = font or self.regular
        cell.alignment = align or self.left
        if framed:
            cell.border = self.border
        if fmt:
            cell.number_format = fmt


def _letterhead(sheet: _Sheet, cfg: Any, unit: Any, date_from: date, date_to: date, last: str) -> None:
    put, ws = sheet.put, sheet.ws
    put(1, 1, unit.name.upper(), align=sheet.center)
    ws.merge_cells("A1:E1")
    put(2, 1, cfg.desk_name, font=sheet.bold, align=sheet.center)
    ws.merge_cells("A2:E2")
    put(1, 8, cfg.plain(None, "motto"), font=sheet.bold, align=sheet.center)
    ws.merge_cells(f"H1:{last}1")
    put(2, 8, cfg.plain(None, "independence"), font=sheet.bold, align=sheet.center)
    ws.merge_cells(f"H2:{last}2")
    put(3, 1, cfg.spec("ledger").title, font=sheet.title, align=sheet.center)
    ws.merge_cells(f"A3:{last}3")
    put(4, 1, cfg.plain(KIND, "period_plain", date_from=dmy(date_from), date_to=dmy(date_to)), font=sheet.italic,
        align=sheet.center)
    ws.merge_cells(f"A4:{last}4")


def _header(sheet: _Sheet, cfg: Any) -> int:
    """The two header rows and the "(1) (2) …" row; returns the number row."""
    from openpyxl.utils import get_column_letter

    put, ws, bold, center = sheet.put, sheet.ws, sheet.bold, sheet.center
    top, sub, numbers = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    for index, ((_, width), label) in enumerate(zip(COLUMNS, column_labels(cfg), strict=True)):
        col = index + 1
        ws.column_dimensions[get_column_letter(col)].width = round(width / 2.1 + 1.5, 1)
        if index in DATE_COLUMNS:
            put(top, col, cfg.plain(KIND, "date_group") if index == DATE_COLUMNS[0] else None, font=bold, align=center,
                framed=True)
            put(sub, col, label, font=bold, align=center, framed=True)
        else:
            put(top, col, label, font=bold, align=center, framed=True)
            put(sub, col, None, font=bold, align=center, framed=True)
            ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        put(numbers, col, f"({col})", align=center, framed=True)
    ws.merge_cells(start_row=top, start_column=DATE_COLUMNS[0] + 1, end_row=top, end_column=DATE_COLUMNS[-1] + 1)
    ws.row_dimensions[sub].height = 58
    return numbers


def _body(sheet: _Sheet, cfg: Any, rows: Any, first_row: int) -> int:
    """One line per dossier; returns the row after the last one."""
    center, left, now = sheet.center, sheet.left, clock.now()
    row_no = first_row
    for item in rows:
        values: list[tuple[object, str | None, Any]] = [
            (item.number, None, center), (item.code, None, left), (item.procedure_name, None, left),
            (item.sets_count, None, center), (applicant(item), None, left), (contact(cfg, item), None, left),
            (item.resolving_body, None, left),
            (_local_date(item.received_at), DATE_FORMAT, center),
            (_local_date(item.due_at), DATE_FORMAT, center),
            (_local_date(item.sent_at), DATE_FORMAT, center),
            (_local_date(item.result_at), DATE_FORMAT, center),
            (_local_date(item.returned_at), DATE_FORMAT, center),
            (None, None, center), (note_text(cfg, item, now) or None, None, left),
        ]
        for col, (value, fmt, align) in enumerate(values, start=1):
            sheet.put(row_no, col, value, align=align, framed=True, fmt=fmt)
        row_no += 1
    return row_no


def _page_setup(ws, numbers: int) -> None:  # type: ignore[no-untyped-def]
    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    ws.print_title_rows = f"{HEADER_ROW}:{numbers}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.oddFooter.center.font = FONT


def build_workbook(session: Session, date_from: date, date_to: date):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    check_period(date_from, date_to)
    cfg = load_config(on=date_to, session=session)
    rows = ledger_rows(session, date_from, date_to)
    wb = Workbook()
    sheet = _Sheet(wb.active)
    sheet.ws.title = cfg.plain(KIND, "sheet")[:31]
    _letterhead(sheet, cfg, unit_info(session), date_from, date_to, get_column_letter(len(COLUMNS)))
    numbers = _header(sheet, cfg)
    end = _body(sheet, cfg, rows, numbers + 1)
    sheet.put(end + 1, 1, cfg.plain(KIND, "total_plain", count=len(rows)), font=sheet.bold)
    _page_setup(sheet.ws, numbers)
    wb.properties.creator = PRODUCER
    wb.properties.title = f"{cfg.spec('ledger').title} {dmy(date_from)}–{dmy(date_to)}"
    return wb


def export_xlsx(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str]) -> Path:
    wb = build_workbook(session, date_from, date_to)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(out_path, buffer.getvalue(), field="out")
