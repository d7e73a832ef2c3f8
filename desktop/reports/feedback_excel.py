"""Excel exports of the Số hóa tracker and the Khảo sát results (openpyxl, atomic write).

Takes the dicts the report functions return, so the page, the CLI and tests export the same thing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from desktop.reports.excel_style import CENTER, COUNT, DECIMAL, font, save
from desktop.rules.text import excel_safe
from desktop.texts import LABELS

TRACKER_COLUMNS = (
    ("field", LABELS["field"]), ("received", LABELS["reception"]),
    ("with_digitised_components", "Có thành phần đã số hóa"),
    ("without_digitised_components", "Không có thành phần số hóa"), ("component_rate", "Tỷ lệ số hóa (%)"),
    ("with_reused_components", "Có thành phần tái sử dụng"), ("reuse_rate", "Tỷ lệ tái sử dụng (%)"),
    ("reused_from_national_portal", "Tái sử dụng từ Cổng DVC quốc gia"), ("resolved", LABELS["resolved"]),
    ("results_digitised", LABELS["digitised_result"]), ("results_not_digitised", "Kết quả chưa số hóa"),
    ("result_rate", "Tỷ lệ kết quả số hóa (%)"),
)
SATISFACTION_COLUMNS = (("answers", "Số phiếu"), ("very_satisfied", LABELS["very_satisfied"]),
                        ("satisfied", LABELS["satisfied"]),
                        ("unsatisfied", LABELS["dissatisfied"]), ("rate", "Tỷ lệ hài lòng (%)"))


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y")


def _sheet_header(ws: Any, title: str, subtitle: str, columns: tuple[tuple[str, str], ...]) -> None:
    from openpyxl.styles import PatternFill

    ws.append([title])
    ws.append([subtitle])
    ws.append([])
    ws.append([label for _key, label in columns])
    ws["A1"].font = font(14, bold=True)
    ws["A2"].font = font(11, italic=True)
    for cell in ws[4]:
        cell.font = font(11, bold=True)
        cell.alignment = CENTER
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.row_dimensions[4].height = 45
    ws.freeze_panes = "B5"
    ws.column_dimensions["A"].width = 34
    for index in range(2, len(columns) + 1):
        ws.column_dimensions[ws.cell(row=4, column=index).column_letter].width = 15


def _rows(ws: Any, rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...], bold_last: bool = False) -> None:
    for row in rows:
        ws.append([excel_safe(row.get(key)) if row.get(key) is not None else "—" for key, _label in columns])
        for cell in ws[ws.max_row]:
            cell.font = font(11, bold=bold_last and row is rows[-1])
            if isinstance(cell.value, float):
                cell.number_format = DECIMAL
            elif isinstance(cell.value, int):
                cell.number_format = COUNT


def save_atomic(workbook: Any, path: str | Path) -> Path:
    """The workbook through the app's one atomic writer, always under an ``.xlsx`` name."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    return save(workbook, target)


def export_tracker(tracker: dict[str, Any], path: str | Path, *, unit_name: str = "") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Theo dõi số hóa"
    period = f"Từ ngày {_day(tracker['start'])} đến ngày {_day(tracker['end'])}"
    _sheet_header(ws, f"THEO DÕI SỐ HÓA HỒ SƠ, KẾT QUẢ GIẢI QUYẾT TTHC {unit_name}".strip(), period, TRACKER_COLUMNS)
    _rows(ws, list(tracker["fields"]) + [{"field": LABELS["total"]} | tracker["total"]], TRACKER_COLUMNS,
          bold_last=True)
    targets = tracker["targets"]
    ws.append([])
    ws.append([f"Chỉ tiêu năm {targets['year']} (%)", None, None, None, targets["component_rate"], None,
               targets["reuse_rate"], None, None, None, None, targets["result_rate"]])
    ws.append([tracker.get("label", "")])
    trend = wb.create_sheet("Theo tháng")
    monthly_cols = (("month", LABELS["month"]),) + TRACKER_COLUMNS[1:]
    _sheet_header(trend, "XU HƯỚNG THEO THÁNG", period, monthly_cols)
    _rows(trend, tracker["monthly"], monthly_cols)
    return save_atomic(wb, path)


def export_surveys(results: dict[str, Any], path: str | Path, *, unit_name: str = "") -> Path:
    """``results``: start, end, total (satisfaction dict), by_field, by_officer (or None), comments, quarterly."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = LABELS["satisfaction_level"]
    period = f"Từ ngày {_day(results['start'])} đến ngày {_day(results['end'])}"
    by_field_cols = (("field", LABELS["field"]),) + SATISFACTION_COLUMNS
    _sheet_header(ws, f"KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG {unit_name}".strip(), period, by_field_cols)
    _rows(ws, list(results["by_field"]) + [{"field": LABELS["total"]} | results["total"]], by_field_cols,
          bold_last=True)
    ws.append([])
    ws.append(["Chỉ tiêu (%)", results["total"].get("target")])
    if results.get("by_officer") is not None:
        officer_ws = wb.create_sheet(LABELS["by_officer"])
        cols = (("officer", LABELS["officer"]),) + SATISFACTION_COLUMNS
        _sheet_header(officer_ws, "MỨC ĐỘ HÀI LÒNG THEO CÁN BỘ", period, cols)
        _rows(officer_ws, results["by_officer"], cols)
    notes = wb.create_sheet(LABELS["comment"])
    note_cols = (("answered_at", LABELS["moment"]), ("overall_label", LABELS["rating"]),
                 ("dossier_code", LABELS["dossier"]),
                 ("field", LABELS["field"]), ("comment", "Nội dung góp ý"))
    _sheet_header(notes, "Ý KIẾN GÓP Ý", period, note_cols)
    _rows(notes, results["comments"], note_cols)
    notes.column_dimensions["E"].width = 80
    quarterly = results["quarterly"]
    q_ws = wb.create_sheet("Đánh giá 18 điểm")
    q_cols = (("text", LABELS["indicator"]), ("max", "Điểm tối đa"), ("answers", LABELS["ballots"]),
              ("average", "Điểm bình quân"))
    _sheet_header(q_ws, "ĐÁNH GIÁ CHẤT LƯỢNG GIẢI QUYẾT TTHC (9 CHỈ SỐ, 18 ĐIỂM)", period, q_cols)
    q_ws.column_dimensions["A"].width = 70
    _rows(q_ws, quarterly["indicators"] + [{"text": "Tổng điểm", "max": quarterly["max_total"],
                                            "answers": quarterly["answers"], "average": quarterly["total"]}],
          q_cols, bold_last=True)
    q_ws.append(["Xếp loại", quarterly["band"] or "—"])
    return save_atomic(wb, path)
