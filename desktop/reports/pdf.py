"""PDF output of the periodic report and the late list (reportlab, bundled Liberation Serif).

Liberation Serif is metric-compatible with Times New Roman, the font of official documents; the
built-in PDF fonts would drop Vietnamese letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.platform.pdf_fonts import register_fonts
from desktop.formatting import number
from desktop.reports import columns, layout
from desktop.platform.atomic import write_atomic
from desktop.reports.periodic import column_values
from desktop.texts import LABELS

PAGE = landscape(A4)
MARGIN = 12 * mm


def styles() -> dict[str, ParagraphStyle]:
    serif = register_fonts()
    bold = f"{serif}-Bold"
    italic = f"{serif}-Italic"
    return {
        "head": ParagraphStyle("head", fontName=bold, fontSize=11, leading=14, alignment=TA_CENTER),
        "form": ParagraphStyle("form", fontName=bold, fontSize=11, leading=14, alignment=TA_CENTER),
        "basis": ParagraphStyle("basis", fontName=italic, fontSize=9, leading=11, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=bold, fontSize=13, leading=17, alignment=TA_CENTER),
        "period": ParagraphStyle("period", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER),
        "line": ParagraphStyle("line", fontName=italic, fontSize=12, leading=15, alignment=TA_CENTER),
        "left": ParagraphStyle("left", fontName=serif, fontSize=11, leading=14, alignment=TA_LEFT),
        "right": ParagraphStyle("right", fontName=italic, fontSize=10, leading=13, alignment=TA_RIGHT),
        "cellh": ParagraphStyle("cellh", fontName=bold, fontSize=9.5, leading=11.5, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", fontName=serif, fontSize=10, leading=12, alignment=TA_LEFT),
        "small": ParagraphStyle("small", fontName=serif, fontSize=9, leading=11, alignment=TA_LEFT),
        "cellb": ParagraphStyle("cellb", fontName=bold, fontSize=10, leading=12, alignment=TA_LEFT),
        "sign": ParagraphStyle("sign", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER),
        "signi": ParagraphStyle("signi", fontName=italic, fontSize=11, leading=14, alignment=TA_CENTER),
        "_serif": ParagraphStyle("_serif", fontName=serif),
    }


def heading(report: dict[str, Any], st: dict[str, ParagraphStyle], width: float, titles: Sequence[str] = (), *,
            form: bool = True) -> list[Any]:
    """The lines above the table: the unit, the form's code (``form``), the title lines (Biểu 06's title when
    none are given), the period and the unit of measure."""
    corner = [Paragraph(layout.FORM_CODE, st["form"]), Paragraph(layout.FORM_BASIS, st["basis"])] if form else ""
    top = Table(
        [[Paragraph(report["unit"]["name"].upper(), st["head"]), "", corner]],
        colWidths=[width * 0.35, width * 0.3, width * 0.35],
    )
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("FONTNAME", (0, 0), (-1, -1), register_fonts())]))  # the empty cell too
    return [
        top,
        Spacer(1, 4 * mm),
        *(Paragraph(title, st["title"]) for title in (titles or [layout.title_line(report)])),
        Paragraph(layout.period_heading(report), st["period"]),
        Paragraph(layout.period_line(report), st["line"]),
        Spacer(1, 2 * mm),
        Table([[Paragraph(layout.unit_line(report), st["left"]), Paragraph(layout.UNIT_OF_MEASURE, st["right"])]],
              colWidths=[width * 0.6, width * 0.4],
              style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("FONTNAME", (0, 0), (-1, -1), register_fonts())])),
        Spacer(1, 2 * mm),
    ]


def signature(st: dict[str, ParagraphStyle], width: float, place: str | None) -> Any:
    table = Table(
        [["", Paragraph(layout.date_line(place), st["signi"])],
         [Paragraph(layout.SIGN_LEFT[0], st["sign"]), Paragraph(layout.SIGN_RIGHT[0], st["sign"])],
         [Paragraph(layout.SIGN_LEFT[1], st["signi"]), Paragraph(layout.SIGN_RIGHT[1], st["signi"])]],
        colWidths=[width * 0.45, width * 0.55],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), register_fonts())]),  # the empty cell too
    )
    return KeepTogether([Spacer(1, 6 * mm), table, Spacer(1, 22 * mm)])


def periodic_table(report: dict[str, Any], st: dict[str, ParagraphStyle], width: float) -> Table:
    rows = [[str(index), row["field"], *column_values(row)] for index, row in enumerate(report["rows"], start=1)]
    total = ["", layout.TOTAL_LABEL, *column_values(report["total"])]
    return count_table(columns.LEAD, rows, total, [12, 62], st, width)


def count_table(lead: tuple[str, ...], rows: Sequence[Sequence[Any]], total: Sequence[Any],
                lead_mm: Sequence[float], st: dict[str, ParagraphStyle], width: float) -> Table:
    """Biểu 06's table: the two-level header (the ``lead`` columns, ``lead_mm`` wide, span both levels), the
    column numbers, one row per item (the last lead column holds its wrapped name, counts «1.234») and the
    bold total; the header repeats on every page."""
    name_column = len(lead) - 1  # 0-based
    widths_mm = [*lead_mm] + [17] * len(layout.HEADER_SUB)
    scale = width / (sum(widths_mm) * mm)
    top: list[Any] = [""] * len(widths_mm)
    for text, first, _last in columns.header_top(lead):
        top[first - 1] = Paragraph(text, st["cellh"])
    sub = [""] * len(lead) + [Paragraph(text, st["cellh"]) for text in layout.HEADER_SUB]
    data: list[list[Any]] = [top, sub, [f"({n})" for n in range(1, len(widths_mm) + 1)]]
    for values in [*rows, total]:
        cells = [str(v) for v in values[:name_column]]
        cells.append(Paragraph(str(values[name_column]), st["cellb" if values is total else "cell"]))
        data.append(cells + [number(v) for v in values[name_column + 1:]])
    serif = st["_serif"].fontName
    style = [
        ("FONTNAME", (0, 0), (-1, -1), serif),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("FONTNAME", (0, 2), (-1, 2), f"{serif}-Italic"),
        ("FONTSIZE", (0, 2), (-1, 2), 9),
        ("FONTNAME", (0, -1), (-1, -1), f"{serif}-Bold"),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for _text, first, last in columns.header_top(lead):
        style.append(("SPAN", (first - 1, 0), (last - 1, 0 if last > first else 1)))
    return Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=3, style=TableStyle(style))


def document(buffer: BytesIO, title: str) -> SimpleDocTemplate:
    serif = register_fonts()
    return SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                             bottomMargin=MARGIN, title=title, author=LABELS["app_name"],
                             initialFontName=serif)  # else the canvas starts in (unembedded) Helvetica


def periodic_pdf_bytes(report: dict[str, Any], *, place: str | None = None, with_late: bool = True) -> bytes:
    st = styles()
    buffer = BytesIO()
    doc = document(buffer, layout.title_line(report))
    width = PAGE[0] - 2 * MARGIN
    story = [*heading(report, st, width), periodic_table(report, st, width), signature(st, width, place)]
    if with_late and report.get("late_dossiers"):
        story.extend(_late_story(report, st, width, new_page=True))
    doc.build(story)
    return buffer.getvalue()


def _late_story(report: dict[str, Any], st: dict[str, ParagraphStyle], width: float, *, new_page: bool) -> list[Any]:
    from reportlab.platypus import PageBreak

    widths_mm = [13, 50, 20, 38, 28, 23, 23, 25, 12, 14, 34, 24]
    scale = width / (sum(widths_mm) * mm)
    header = [Paragraph(text, st["cellh"]) for text in layout.LATE_HEADERS]
    data: list[list[Any]] = [header]
    for index, item in enumerate(report["late_dossiers"], start=1):
        data.append([Paragraph(str(v), st["small"]) if isinstance(v, str) and v else str(v)
                     for v in layout.late_row(index, item)])
    if len(data) == 1:
        data.append([Paragraph("Không có hồ sơ trễ hạn hoặc quá hạn trong kỳ.", st["cell"])] + [""] * (len(layout.LATE_HEADERS) - 1))
    serif = st["_serif"].fontName
    table = Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1, style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), serif), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ]))
    story: list[Any] = [PageBreak()] if new_page else []
    story += [
        Paragraph(report["unit"]["name"].upper(), st["head"]),
        Spacer(1, 3 * mm),
        Paragraph(layout.LATE_TITLE, st["title"]),
        Paragraph(f"{layout.period_heading(report)} {layout.period_line(report)}", st["line"]),
        Spacer(1, 4 * mm),
        table,
    ]
    return story


def late_pdf_bytes(report: dict[str, Any]) -> bytes:
    st = styles()
    buffer = BytesIO()
    doc = document(buffer, layout.LATE_TITLE)
    width = PAGE[0] - 2 * MARGIN
    doc.build(_late_story(report, st, width, new_page=False))
    return buffer.getvalue()


def write_periodic_pdf(report: dict[str, Any], path: str | Path, *, place: str | None = None) -> Path:
    data = periodic_pdf_bytes(report, place=place)
    return write_atomic(path, data, field="path")


def write_late_pdf(report: dict[str, Any], path: str | Path) -> Path:
    data = late_pdf_bytes(report)
    return write_atomic(path, data, field="path")
