"""The wording of the printed forms, shared by the Excel and PDF writers (and the UI table)."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.formatting import dmy, dmy_hm, place_date
from desktop.reports import columns
from desktop.texts import LABELS

FORM_CODE = "Biểu số 06/VPCP/KSTT"
FORM_BASIS = "(Ban hành kèm theo Thông tư số 01/2020/TT-VPCP)"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI"
UNIT_OF_MEASURE = "Đơn vị tính: Số hồ sơ TTHC"

# Two-level header: (text, first column, last column) for level 1; columns are 1-based form columns.
HEADER_TOP: tuple[tuple[str, int, int], ...] = columns.header_top()
HEADER_SUB: tuple[str, ...] = tuple(c.header for c in columns.COLUMNS)
COLUMN_NUMBERS: tuple[str, ...] = tuple(f"({n})" for n in range(1, columns.LAST_NUMBER + 1))
TOTAL_LABEL = LABELS["total"]

LATE_TITLE = "DANH SÁCH HỒ SƠ TRỄ HẠN, QUÁ HẠN"
LATE_HEADERS: tuple[str, ...] = (
    "STT", LABELS["dossier_code"], LABELS["field"], LABELS["procedure"], LABELS["applicant"],
    "Hạn trả kết quả", LABELS["resolved_on"],
    "Tình trạng", "Số ngày quá hạn", LABELS["apology_letter"], LABELS["reason"], "Cán bộ phụ trách",
)
LATE_STATUS = {"late": "Đã giải quyết quá hạn", "overdue": "Đang giải quyết, quá hạn"}

SIGN_LEFT = ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
SIGN_RIGHT = ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)")


# The periodic report's section for dossiers received on behalf of other bodies (issue #15).
ON_BEHALF_TITLE = "Hồ sơ tiếp nhận hộ cơ quan khác giải quyết"
ON_BEHALF_LABELS = {"received": "tiếp nhận", "transferred": "đã chuyển", "results_back": "đã nhận kết quả",
                    "returned": "đã trả", "returned_on_time": "trả đúng hẹn", "returned_late": "trả trễ hẹn"}


def on_behalf_line(counts: dict[str, int]) -> str:
    return f"{ON_BEHALF_TITLE}: " + ", ".join(f"{label} {counts[key]}" for key, label in ON_BEHALF_LABELS.items())


def title_line(report: dict[str, Any]) -> str:
    return f"{TITLE} {report['unit']['name'].upper()}"


def period_heading(report: dict[str, Any]) -> str:
    return f"Kỳ báo cáo: {report.get('period_title') or report['period']['label']}"


def period_line(report: dict[str, Any]) -> str:
    period = report["period"]
    return f"(Từ ngày {dmy(period['start'])} đến ngày {dmy(period['end'])})"


def unit_line(report: dict[str, Any]) -> str:
    return f"Đơn vị báo cáo: {report['unit']['name']}"


def date_line(place: str | None = None, day: date | None = None) -> str:
    """The signing date under Biểu 06: the day it is printed (issue #17: it was left blank)."""
    from desktop.platform import clock

    return place_date(place or "…", day or clock.today())


def late_row(index: int, item: dict[str, Any]) -> list[Any]:
    return [
        index,
        item["code"],
        item.get("field") or "",
        item.get("procedure") or "",
        item.get("applicant") or "",
        dmy_hm(item["due_at"]),
        dmy_hm(item.get("resolved_at")),
        LATE_STATUS.get(item.get("status", "late"), ""),
        item.get("days_over") if item.get("days_over") is not None else "",
        "Đã lập" if item["apology_issued"] else "Chưa lập",
        item.get("reason") or "",
        item.get("officer_name") or item.get("officer") or "",
    ]
