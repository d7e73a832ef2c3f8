"""The ledger as an Excel workbook: the desk's Excel style, moments as dates with their hour (as the printed
ledger shows them), rows as tall as their wrapped text, A4 landscape, two-level header repeated on every
printed page, header frozen on screen."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.forms.config import load_config
from desktop.forms.data import ledger_rows, unit_info
from desktop.forms.layout import PRODUCER
from desktop.formatting import dmy
from desktop.forms.ledger import COLUMNS, DATE_COLUMNS, KIND, applicant, check_period, column_labels, contact, note_text
from desktop.reports import excel_style as style

HEADER_ROW = 5  # first header row; data starts after two header rows and the column-number row
DATE_WIDTH = 16.5  # «05/12/2026 08:00» fits; a narrower date column would show ### in Excel


def _local(moment: datetime | None) -> datetime | None:
    """The moment as the desk's wall-clock time, as the printed ledger shows it (date and hour)."""
    return clock.to_vn(moment).replace(tzinfo=None) if moment is not None else None


class _Sheet:
    """The ledger's one worksheet in the desk's Excel style (:mod:`desktop.reports.excel_style`)."""

    def __init__(self, ws) -> None:  # type: ignore[no-untyped-def]
        self.ws = ws
        self.regular = style.font(11)
        self.bold = style.font(11, bold=True)
        self.title = style.font(14, bold=True)
        self.italic = style.font(11, italic=True)
        self.center = style.CENTER
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(self, row: int, col: int, value: object, *, font=None, align=None, framed: bool = False,  # type: ignore[no-untyped-def]
            fmt: str | None = None) -> None:
        style.put(self.ws, row, col, value, style=font or self.regular, align=align or self.left, framed=framed,
                  fmt=fmt)


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
    put, ws, bold, center = sheet.put, sheet.ws, sheet.bold, sheet.center
    top, sub, numbers = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    for index, ((_, width), label) in enumerate(zip(COLUMNS, column_labels(cfg), strict=True)):
        col = index + 1
        ws.column_dimensions[get_column_letter(col)].width = (DATE_WIDTH if index in DATE_COLUMNS
                                                               else round(width / 2.1 + 1.5, 1))
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
            (_local(item.received_at), style.DATETIME, center),
            (_local(item.due_at), style.DATETIME, center),
            (_local(item.sent_at), style.DATETIME, center),
            (_local(item.result_at), style.DATETIME, center),
            (_local(item.returned_at), style.DATETIME, center),
            (None, None, center), (note_text(cfg, item, now) or None, None, left),
        ]
        for col, (value, fmt, align) in enumerate(values, start=1):
            sheet.put(row_no, col, value, align=align, framed=True, fmt=fmt)
        widths = [sheet.ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(values) + 1)]
        style.fit_row(sheet.ws, row_no, widths, [v for v, _, _ in values])
        row_no += 1
    return row_no


def _page_setup(ws, numbers: int) -> None:  # type: ignore[no-untyped-def]
    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    style.page_setup(ws, f"{HEADER_ROW}:{numbers}", left_right=0.4, top_bottom=0.5, numbered=True)


def build_workbook(session: Session, date_from: date, date_to: date):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

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
    sheet.ws.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=6)  # one line, not «số: 6 hồ»
    _page_setup(sheet.ws, numbers)
    wb.properties.creator = PRODUCER
    wb.properties.title = f"{cfg.spec('ledger').title} {dmy(date_from)}–{dmy(date_to)}"
    return wb


def export_xlsx(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str]) -> Path:
    return style.save(build_workbook(session, date_from, date_to), Path(out_path))
