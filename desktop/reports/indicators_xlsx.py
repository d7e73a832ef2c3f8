"""Excel copy of the Tổng quan page: the indicators against targets, the 766 self-assessment and the
12-month trend, for a leader to send on or print (same style as the Biểu 06 workbook)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.reports import layout
from desktop.reports.indicator_catalogue import reading_text
from desktop.reports.excel_style import CENTER, LEFT, font, height, merged_text, page_setup, put, save
from desktop.texts import LABELS

TARGET_HEADERS = ("STT", LABELS["indicator"], LABELS["result"], LABELS["target"], LABELS["rating"],
                  "Cách tính")
TARGET_WIDTHS = (6, 44, 16, 18, 16, 70)
ASSESSMENT_HEADERS = ("STT", "Nhóm tiêu chí (QĐ 766)", "Điểm", "Tối đa", "", "Cách tính")
TREND_COLUMNS = (  # key, header, scale (100 = a 0..1 rate shown in percent)
    ("label", LABELS["month"], None), ("start", LABELS["date_from"], None), ("end", "Đến ngày", None),
    ("received", LABELS["newly_received"], None), ("resolved", LABELS["resolved"], None),
    ("late", LABELS["late"], None),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)", 100), ("digitisation_rate", "Tỷ lệ số hóa (%)", 100),
    ("satisfaction_rate", "Tỷ lệ hài lòng (%)", 100), ("survey_answers", "Số phiếu khảo sát", None),
    ("waiting_avg_minutes", "Chờ bình quân (phút)", None), ("waiting_p90_minutes", "Chờ của 90% lượt (phút)", None),
)


def _table_row(ws: Worksheet, row: int, values: list[Any], *, bold: bool = False, left: tuple[int, ...] = (2, 6),
               formats: dict[int, str] | None = None) -> None:
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value, style=font(11, bold=bold), align=LEFT if column in left else CENTER,
            fmt=(formats or {}).get(column))


# The targets table's units as Excel number formats: the cell holds the number, the sheet shows the unit
UNIT_FORMATS = {"%": '0.0"%"', "phút": '0.0" phút"', "hồ sơ/năm": '#,##0" hồ sơ/năm"'}


def _target_cells(item: dict[str, Any]) -> tuple[Any, Any, dict[int, str]]:
    """The value and target as numbers (a 0..1 rate as its percentage) with formats that show ≥ / ≤."""
    unit = "phút" if item["key"].startswith("waiting") else "hồ sơ/năm" if item["key"] == "productivity" else "%"
    scale = 100 if unit == "%" else 1
    shown = UNIT_FORMATS[unit]
    value = None if item["value"] is None else round(item["value"] * scale, 1)
    target = None if item["target"] is None else round(item["target"] * scale, 1)
    sign = {"min": "≥ ", "max": "≤ "}.get(item.get("comparison") or "", "")
    return value, target, {3: shown, 4: f'"{sign}"{shown}' if sign else shown}


def _heading(ws: Worksheet, data: dict[str, Any], title: str, last: int) -> int:
    merged_text(ws, 1, 1, 3, data["unit"]["name"].upper(), font(12, bold=True))
    merged_text(ws, 2, 1, last, title, font(13, bold=True))
    merged_text(ws, 3, 1, last, f"{layout.period_heading(data)} {layout.period_line(data)}", font(12, italic=True))
    return 5


def _targets_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    ws.title = LABELS["target"]
    for index, width in enumerate(TARGET_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    row = _heading(ws, data, "CHỈ SỐ KẾT QUẢ GIẢI QUYẾT TTHC SO VỚI CHỈ TIÊU", len(TARGET_HEADERS))
    header = row
    _table_row(ws, row, list(TARGET_HEADERS), bold=True, left=())
    for index, item in enumerate(data["targets"], start=1):
        row += 1
        value, target, formats = _target_cells(item)
        _table_row(ws, row, [index, item["label"], "—" if value is None else value,
                             item["target_text"] if target is None else target, item["status_text"], item["formula"]],
                   formats=formats)
        ws.row_dimensions[row].height = max(height(item["label"], TARGET_WIDTHS[1]),
                                            height(item["formula"], TARGET_WIDTHS[5]))
    sa = data["self_assessment"]
    row += 2
    merged_text(ws, row, 1, len(TARGET_HEADERS), "TỰ ĐÁNH GIÁ THEO BỘ CHỈ SỐ QUYẾT ĐỊNH 766/QĐ-TTg",
                 font(12, bold=True))
    row += 1
    merged_text(ws, row, 1, len(TARGET_HEADERS), sa["note"], font(11, italic=True))
    ws.row_dimensions[row].height = 30
    row += 1
    _table_row(ws, row, list(ASSESSMENT_HEADERS), bold=True, left=())
    for index, group in enumerate(sa["groups"], start=1):
        row += 1
        _table_row(ws, row, [index, group["label"], "—" if group["points"] is None else group["points"],
                             group["max"], "", group["formula"]])
        ws.row_dimensions[row].height = height(group["formula"], TARGET_WIDTHS[5])
    row += 1
    _table_row(ws, row, ["", "Cộng các nhóm tính được", sa["points"], sa["max_points"], "", ""], bold=True)
    page_setup(ws, f"{header}:{header}")


def _trend_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    last = len(TREND_COLUMNS)
    for index in range(1, last + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14
    row = _heading(ws, data, "XU HƯỚNG 12 THÁNG", last)
    header = row
    _table_row(ws, row, [title for _, title, _ in TREND_COLUMNS], bold=True, left=())
    ws.row_dimensions[row].height = 32
    for month in data["trend"]:
        row += 1
        values = []
        for key, _, scale in TREND_COLUMNS:
            value = month.get(key)
            if key in ("start", "end"):
                value = date.fromisoformat(value)  # a date cell, shown DD/MM/YYYY
            elif scale is not None and value is not None:
                value = round(value * scale, 1)
            values.append("—" if value is None else value)
        _table_row(ws, row, values, left=())
    page_setup(ws, f"{header}:{header}")


CATALOGUE_HEADERS = ("STT", "Mã", LABELS["indicator"], LABELS["result"], LABELS["target"], LABELS["rating"],
                     "Tử số", "Mẫu số", "Kỳ trước", "Từ đầu năm", LABELS["source"])
CATALOGUE_WIDTHS = (6, 24, 44, 12, 12, 12, 11, 11, 12, 12, 60)
# Excel number formats by the catalogue's unit: the cell holds the number, the sheet shows it the desk's way
NUMBER_FORMATS = {"percent": '0.0"%"', "change_percent": '+0.0"%";-0.0"%";0.0"%"', "per_staff_day": "0.0",
                  "minutes": '0.0" phút"'}


def _catalogue_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    """Every indicator of the province's catalogue with its counts, as numbers a leader can sum or chart."""
    for index, width in enumerate(CATALOGUE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    row = _heading(ws, data, "BỘ CHỈ SỐ THEO DÕI CỦA TỈNH", len(CATALOGUE_HEADERS))
    header = row
    _table_row(ws, row, list(CATALOGUE_HEADERS), bold=True, left=())
    for index, entry in enumerate(data.get("indicators") or [], start=1):
        row += 1
        _table_row(ws, row, [index, entry["id"], entry["name"], entry["value"], entry["target"],
                             reading_text(entry), entry["numerator"], entry["denominator"], entry.get("previous"),
                             entry.get("forecast"), entry["source"]], left=(2, 3, 11))
        for column in (4, 5, 9, 10):
            ws.cell(row=row, column=column).number_format = NUMBER_FORMATS[entry["unit"]]
        ws.row_dimensions[row].height = max(height(entry["name"], CATALOGUE_WIDTHS[2]),
                                            height(entry["source"], CATALOGUE_WIDTHS[10]))
    page_setup(ws, f"{header}:{header}")


def indicators_workbook(data: dict[str, Any]) -> Workbook:
    wb = Workbook()
    _catalogue_sheet(wb.active, data)
    wb.active.title = "Bộ chỉ số"
    _targets_sheet(wb.create_sheet(), data)
    _trend_sheet(wb.create_sheet("Xu hướng 12 tháng"), data)
    return wb


def write_indicators_xlsx(data: dict[str, Any], path: str | Path) -> Path:
    return save(indicators_workbook(data), path)
