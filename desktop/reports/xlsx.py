"""Excel output of the periodic report and the late list, in the official layout (openpyxl).

Times New Roman, thin borders, merged two-level header with the column numbers, A4 landscape,
fit to one page wide, header rows repeated on every printed page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.reports import columns, layout
from desktop.reports.excel_style import (
    BORDER, CENTER, COUNT, LEFT, fit_row, font, height, merged_text, moment, page_setup, put, save,
)
from desktop.reports.periodic import column_values

WIDTHS = (6, 30, 10, 12, 14, 12, 10, 10, 10, 10, 10, 10, 10)
HEADER_ROW = 8  # first header row of the table


def periodic_workbook(report: dict[str, Any], *, place: str | None = None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    heading(ws, report, WIDTHS, [layout.title_line(report)], form=True)
    rows = [[index, item["field"], *column_values(item)] for index, item in enumerate(report["rows"], start=1)]
    total = ["", layout.TOTAL_LABEL, *column_values(report["total"])]
    last_table_row = count_table(ws, HEADER_ROW, columns.LEAD, rows, total, WIDTHS)
    signature(ws, last_table_row + 2, len(WIDTHS), place)
    page_setup(ws, f"{HEADER_ROW}:{HEADER_ROW + 2}")
    if report.get("late_dossiers"):
        _late_sheet(wb.create_sheet("Hồ sơ trễ hạn"), report)
    return wb


def heading(ws: Worksheet, report: dict[str, Any], widths: Sequence[float], titles: Sequence[str], *,
            form: bool) -> None:
    """Column widths and the lines above the table (rows 1–6): the unit, the form's code (``form``), the
    title lines, the period and the unit of measure."""
    last = len(widths)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    merged_text(ws, 1, 1, 5, report["unit"]["name"].upper(), font(12, bold=True))
    if form:
        merged_text(ws, 1, last - 3, last, layout.FORM_CODE, font(12, bold=True))
        merged_text(ws, 2, last - 3, last, layout.FORM_BASIS, font(10, italic=True))
    merged_text(ws, 3, 1, last, "\n".join(titles), font(13, bold=True))
    ws.row_dimensions[3].height = 36 if len(titles) == 1 else 52
    merged_text(ws, 4, 1, last, layout.period_heading(report), font(12, bold=True))
    merged_text(ws, 5, 1, last, layout.period_line(report), font(12, italic=True))
    merged_text(ws, 6, 1, 6, layout.unit_line(report), font(12), LEFT)
    merged_text(ws, 6, last - 3, last, layout.UNIT_OF_MEASURE, font(11, italic=True),
                Alignment(horizontal="right", vertical="center"))


def count_table(ws: Worksheet, top: int, lead: tuple[str, ...], rows: Sequence[Sequence[Any]],
                total: Sequence[Any], widths: Sequence[float]) -> int:
    """Biểu 06's table from row ``top``: the two-level header (the ``lead`` columns span both levels), the
    column numbers, one row per item (the last lead column holds its wrapped name, the counts are typed
    numbers) and the bold total, all framed; the panes freeze below the header. Returns the total's row."""
    sub, numbers, name_column = top + 1, top + 2, len(lead)
    for text, first, last in columns.header_top(lead):
        ws.merge_cells(start_row=top, start_column=first, end_row=sub if first == last else top, end_column=last)
        cell = ws.cell(row=top, column=first, value=text)
        cell.font, cell.alignment = font(11, bold=True), CENTER
    for offset, text in enumerate(layout.HEADER_SUB, start=name_column + 1):
        cell = ws.cell(row=sub, column=offset, value=text)
        cell.font, cell.alignment = font(10, bold=True), CENTER
    for column in range(1, len(widths) + 1):
        cell = ws.cell(row=numbers, column=column, value=f"({column})")
        cell.font, cell.alignment = font(10, italic=True), CENTER
    ws.row_dimensions[top].height = 30
    ws.row_dimensions[sub].height = 62
    row = numbers + 1
    for values in [*rows, total]:
        style = font(11, bold=values is total)
        for column, value in enumerate(values, start=1):
            put(ws, row, column, value, style=style, align=LEFT if column == name_column else CENTER,
                framed=False, fmt=COUNT if column > name_column else None)
        ws.row_dimensions[row].height = height(str(values[name_column - 1]), widths[name_column - 1])
        row += 1
    for r in range(top, row):
        for c in range(1, len(widths) + 1):
            ws.cell(row=r, column=c).border = BORDER
    ws.freeze_panes = ws.cell(row=numbers + 1, column=name_column + 1)
    return row - 1


def signature(ws: Worksheet, row: int, last: int, place: str | None) -> None:
    """The signing date and the two signatures below the table."""
    merged_text(ws, row, last - 4, last, layout.date_line(place), font(12, italic=True))
    for offset, style in ((1, font(12, bold=True)), (2, font(11, italic=True))):
        merged_text(ws, row + offset, 1, 5, layout.SIGN_LEFT[offset - 1], style)
        merged_text(ws, row + offset, last - 4, last, layout.SIGN_RIGHT[offset - 1], style)


def late_workbook(report: dict[str, Any]) -> Workbook:
    wb = Workbook()
    _late_sheet(wb.active, report)
    return wb


LATE_WIDTHS = (6, 28, 16, 30, 22, 17, 17, 20, 10, 11, 40, 22)


def _late_sheet(ws: Worksheet, report: dict[str, Any]) -> None:
    ws.title = "Hồ sơ trễ hạn"
    for index, width in enumerate(LATE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = len(layout.LATE_HEADERS)
    merged_text(ws, 1, 1, 4, report["unit"]["name"].upper(), font(12, bold=True))
    merged_text(ws, 2, 1, last, layout.LATE_TITLE, font(13, bold=True))
    merged_text(ws, 3, 1, last, f"{layout.period_heading(report)} {layout.period_line(report)}", font(12, italic=True))
    header = 5
    for column, text in enumerate(layout.LATE_HEADERS, start=1):
        cell = ws.cell(row=header, column=column, value=text)
        cell.font, cell.alignment, cell.border = font(11, bold=True), CENTER, BORDER
    ws.row_dimensions[header].height = 48  # "Số ngày quá hạn" wraps on three lines
    row = header + 1
    for index, item in enumerate(report["late_dossiers"], start=1):
        values = layout.late_row(index, item)
        values[5], values[6] = moment(item["due_at"]), moment(item.get("resolved_at"))  # moments, not text
        for column, value in enumerate(values, start=1):
            put(ws, row, column, value, align=CENTER if column in (1, 6, 7, 9, 10) else LEFT)
        fit_row(ws, row, LATE_WIDTHS, values)
        row += 1
    if not report["late_dossiers"]:
        merged_text(ws, row, 1, last, "Không có hồ sơ trễ hạn hoặc quá hạn trong kỳ.", font(11, italic=True))
    page_setup(ws, f"{header}:{header}")


def write_periodic_xlsx(report: dict[str, Any], path: str | Path, *, place: str | None = None) -> Path:
    return save(periodic_workbook(report, place=place), path)


def write_late_xlsx(report: dict[str, Any], path: str | Path) -> Path:
    return save(late_workbook(report), path)
