"""Every unit's periodic report as one table (``report-file --unit by-unit --format xlsx|pdf``): one row per
unit — its code, its name and the Biểu 06 columns of its own report — then the total of the all-units report.

The numbers are the by-unit JSON's (``province.report_files.province_report``), laid out by the desk's
own Biểu 06 writers (``desktop.reports.xlsx`` / ``.pdf``: same columns, fonts and Excel style). A unit whose
report window differs from the province's (calendar months) shows its window after its name. Dossiers the
all-units report counts but no unit row does (resolved by a provincial agency, or by a unit no longer
listed) go in one «Khác» row, so the rows always add up to the total.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from desktop.formatting import dmy
from desktop.reports import layout
from desktop.reports.periodic import column_values
from desktop.texts import LABELS

TITLE = "CHI TIẾT THEO TỪNG ĐƠN VỊ"
LEAD = ("STT", LABELS["unit_code"], LABELS["unit_name"])
OTHERS = "Khác (không thuộc các đơn vị trên)"
WIDTHS = (6, 10, 30, 10, 12, 14, 12, 10, 10, 10, 10, 10, 10, 10)  # Excel: STT, code, name, (4)…(14)
LEAD_MM = (12, 18, 50)  # PDF
HEADER_ROW = 8


def unit_name(report: dict[str, Any], period: dict[str, Any]) -> str:
    """The unit's name, with its own window when it is not the province's."""
    own = report["period"]
    if (own["start"], own["end"]) == (period["start"], period["end"]):
        return str(report["unit"]["name"])
    return f"{report['unit']['name']} (từ {dmy(own['start'])} đến {dmy(own['end'])})"


def table(data: dict[str, Any]) -> tuple[list[list[Any]], list[Any]]:
    """The rows (one per unit, then «Khác» if anything is left over) and the total row."""
    everything = data["all"]
    rows: list[list[Any]] = [[index, code, unit_name(report, everything["period"]), *column_values(report["total"])]
                             for index, (code, report) in enumerate(data["units"].items(), start=1)]
    total = column_values(everything["total"])
    rest = [value - sum(row[len(LEAD) + i] for row in rows) for i, value in enumerate(total)]
    if any(rest):
        rows.append(["", "", OTHERS, *rest])
    return rows, ["", "", layout.TOTAL_LABEL, *total]


def titles(data: dict[str, Any]) -> list[str]:
    return [layout.title_line(data["all"]), TITLE]


def by_unit_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    from desktop.reports.excel_style import page_setup
    from desktop.reports.xlsx import count_table, heading, signature

    wb = Workbook()
    ws = wb.active
    ws.title = "Từng đơn vị"
    heading(ws, data["all"], WIDTHS, titles(data), form=False)
    last_row = count_table(ws, HEADER_ROW, LEAD, *table(data), WIDTHS)
    signature(ws, last_row + 2, len(WIDTHS), None)
    page_setup(ws, f"{HEADER_ROW}:{HEADER_ROW + 2}")
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def by_unit_pdf(data: dict[str, Any]) -> bytes:
    from desktop.reports.pdf import MARGIN, PAGE, count_table, document, heading, signature, styles

    st, buffer, width = styles(), BytesIO(), PAGE[0] - 2 * MARGIN
    doc = document(buffer, " — ".join(titles(data)))
    doc.build([*heading(data["all"], st, width, titles(data), form=False),
               count_table(LEAD, *table(data), LEAD_MM, st, width), signature(st, width, None)])
    return buffer.getvalue()
