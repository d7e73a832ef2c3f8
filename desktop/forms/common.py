"""Pieces several dossier forms share: the letterhead for a form, the applicant block, wording of
processing times and fees."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.platypus import Flowable, Paragraph

from desktop.text import fold
from desktop.forms.config import FormsConfig, FormSpec
from desktop.forms.data import FormData
from desktop.forms.layout import Styles, esc, labelled, letterhead, number_text, place_date

UNIT_WORDS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc"}


def amount(value: float) -> str:
    """3 -> "03", 1.5 -> "1,5" (Vietnamese decimal comma)."""
    if float(value).is_integer():
        return f"{int(value):02d}"
    return f"{value:g}".replace(".", ",")


def processing_time_text(time_value: float, time_unit: str, same_day_cutoff: str | None = None) -> str:
    """"03 ngày làm việc", "08 giờ làm việc", "Trong ngày" (with the cut-off when there is one)."""
    if time_unit == "same_day" or (time_unit == "working_days" and not time_value):
        if same_day_cutoff:
            hours, minutes = same_day_cutoff.split(":")
            return f"Trong ngày (hồ sơ nhận sau {hours} giờ {minutes} phút được trả trong ngày làm việc tiếp theo)"
        return "Trong ngày"
    return f"{amount(time_value)} {UNIT_WORDS.get(time_unit, time_unit)}"


FREE_WORDS = {"0", "khong", "mien phi", "mien le phi", "khong thu"}


def fee_line(fd: FormData) -> str:
    """The amount or the catalogue's wording; "0"/"Không" reads as free; blank is unknown: a dotted line."""
    parts = []
    if fd.fee_amount:
        parts.append(f"{fd.fee_amount:,} đồng".replace(",", "."))
    text = fd.fee_text.strip()
    if text and fold(text).strip(" .") in FREE_WORDS:
        return "; ".join(parts) if parts else "Không"
    if text:
        parts.append(text)
    if parts:
        return "; ".join(parts)
    return "Không" if fd.fee_amount == 0 else "…………………………"


def form_header(st: Styles, cfg: FormsConfig, spec: FormSpec, fd: FormData, day: date | datetime | None,
                *, numbered: bool = True) -> list[Flowable]:
    """Letterhead (desk or unit issuer), then the form title."""
    number = number_text(fd.ledger_number, spec.number_prefix) if numbered else None
    return [
        letterhead(st, unit_name=fd.unit.name, desk_name=cfg.desk_name if spec.issuer == "desk" else None,
                   number=number, place_line=place_date(fd.unit.place_name, day) if day else None),
        st.gap(1.6),
        Paragraph(esc(spec.title), st.title),
        st.gap(0.8),
    ]


def applicant_block(st: Styles, fd: FormData, *, with_code: bool = True, with_request: bool = True) -> list[Flowable]:
    d = fd.data
    out: list[Flowable] = []
    if with_code:
        out.append(labelled(st, "Mã hồ sơ", d["code"], bold_value=True))
    out.append(labelled(st, "Ông/Bà", d["applicant_name"], bold_value=True))
    if d.get("organisation"):
        out.append(labelled(st, "Tên tổ chức", d["organisation"]))
    if d.get("applicant_id_number"):
        out.append(labelled(st, "Số định danh cá nhân", d["applicant_id_number"]))
    out.append(labelled(st, "Địa chỉ", d.get("applicant_address")))
    phone = esc(d.get("applicant_phone") or "…")
    email = esc(d.get("applicant_email") or "…")
    out.append(Paragraph(f"Số điện thoại: {phone}&nbsp;&nbsp;&nbsp;&nbsp;Email: {email}", st.justify))
    if with_request:
        out.append(labelled(st, "Nội dung yêu cầu giải quyết", d["procedure_name"], bold_value=True))
    return out
