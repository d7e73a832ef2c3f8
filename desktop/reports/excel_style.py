"""The one Excel style of the desk (Biểu 06, late list, ledger, indicators, Số hóa, Khảo sát): Times New
Roman, thin borders, A4 landscape fitted to the page width, and cells that hold what they show — numbers
as numbers, percentages and moments with number formats — so a leader can sum, sort and chart them.

Row heights are set from the text a wrapped cell holds: LibreOffice keeps a row one line high when the
file does not say otherwise, and the next row would be drawn over the wrapped text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from desktop.platform import clock
from desktop.platform.atomic import write_atomic
from desktop.rules.text import excel_safe

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
ROW_HEIGHT = 20  # points: the text keeps clear of the borders when printed
LINE_HEIGHT = 15  # points per wrapped line at 11–12 pt

DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = '0.0"%"'  # the cell holds 84.0 for 84,0%: the same number the report's JSON carries


def font(size: float = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def value(item: Any) -> Any:
    """What a cell stores: moments as the Vietnamese wall-clock time (Excel has no time zones), text made
    safe from formula injection, numbers untouched."""
    if isinstance(item, datetime):
        return clock.to_vn(item).replace(tzinfo=None) if item.tzinfo else item
    if isinstance(item, str):
        return excel_safe(item)
    return item


def moment(text_or_value: Any) -> datetime | None:
    """An ISO moment from a report's JSON as a cell value."""
    if text_or_value in (None, ""):
        return None
    if isinstance(text_or_value, datetime):
        return value(text_or_value)
    return value(datetime.fromisoformat(str(text_or_value)))


def put(ws: Worksheet, row: int, column: int, item: Any, *, style: Font | None = None,
        align: Alignment = LEFT, framed: bool = True, fmt: str | None = None) -> Cell:
    """One cell the desk's way; a date or moment gets its format unless ``fmt`` says otherwise."""
    cell = ws.cell(row=row, column=column, value=value(item))
    cell.font = style or font(11)
    cell.alignment = align
    if framed:
        cell.border = BORDER
    if fmt is None and isinstance(item, datetime):
        fmt = DATETIME
    elif fmt is None and isinstance(item, date):
        fmt = DATE
    if fmt:
        cell.number_format = fmt
    return cell


def merged_text(ws: Worksheet, row: int, first: int, last: int, text: str, style: Font,
                align: Alignment = CENTER) -> None:
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row=row, column=first, value=text)
    cell.font = style
    cell.alignment = align


def lines(text: Any, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (≈ 1 character per unit)."""
    if text is None:
        return 1
    usable = max(1, int(width) - 2)
    return max(1, sum(math.ceil(max(1, len(part)) / usable) for part in str(text).split("\n")))


def height(text: str, width: float) -> float:
    """The height a row needs for ``text`` wrapped in a column ``width`` wide."""
    return max(ROW_HEIGHT, LINE_HEIGHT * lines(text, width) + 5)


def fit_row(ws: Worksheet, row: int, widths: Sequence[float], items: Sequence[Any]) -> None:
    """Make the row as tall as its longest wrapped cell, so no row is drawn over the next."""
    needed = max((lines(item, width) for item, width in zip(items, widths, strict=False)), default=1)
    ws.row_dimensions[row].height = max(ROW_HEIGHT, LINE_HEIGHT * needed + 5)


def page_setup(ws: Worksheet, header_rows: str, *, left_right: float = 0.5, top_bottom: float = 0.6,
               numbered: bool = False) -> None:
    """A4 landscape, one page wide, the table's header repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = left_right
    ws.page_margins.top = ws.page_margins.bottom = top_bottom
    ws.print_title_rows = header_rows
    if numbered:
        ws.oddFooter.center.text = "Trang &P / &N"
        ws.oddFooter.center.font = FONT


def save(wb: Workbook, path: str | Path) -> Path:
    """Written to a temporary name and renamed: a half-written workbook never takes the file's place."""
    buffer = BytesIO()
    wb.save(buffer)
    return write_atomic(path, buffer.getvalue(), field="path")
