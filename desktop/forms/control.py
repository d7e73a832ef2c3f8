"""Phiếu kiểm soát quá trình giải quyết hồ sơ, derived from the dossier's event timeline.

One row per step; hand-over rows (to the resolving officer, back to the desk, to the citizen) carry
room for the giver's and the receiver's signatures and Trước hạn / Đúng hạn / Quá hạn against the
appointment in force at that moment (a completed supplement moves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop.deadlines import Classification, classify
from desktop.errors import UserError
from desktop.forms.common import form_header
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import (
    PageBuilder,
    Styles,
    dmy_hm,
    esc,
    footnotes,
    grid_style,
    labelled,
    number_text,
    shorten,
    vn_datetime,
)
from desktop.lifecycle import Status
from desktop.pdf_fonts import SERIF

CLASS_LABELS = {Classification.EARLY: "Trước hạn", Classification.ON_TIME: "Đúng hạn", Classification.LATE: "Quá hạn"}
NOTE_LIMIT = 160  # the supplement and apology forms carry the full text
DESK = esc("Bộ phận TN&TKQ")
HEADERS = ("STT", "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
           "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)", "GHI CHÚ")


@dataclass(frozen=True)
class Step:
    body: str  # who gives / who receives (already marked up)
    at: datetime
    handover: bool
    result: str
    note: str


def steps(fd: FormData) -> list[Step]:
    """The timeline as control-slip rows."""
    d = fd.data
    resolver = fd.unit.name
    applicant = esc(d["applicant_name"])
    due: datetime | None = None
    out: list[Step] = []
    for event in fd.events:
        kind = event["kind"]
        at = moment(event["at"])
        if at is None:
            continue
        data = event.get("data") or {}
        officer = esc(fd.officer(event.get("officer"), fallback=True))
        note = esc(shorten(event.get("note") or "", NOTE_LIMIT))
        if data.get("due_at"):
            due = moment(str(data["due_at"]))

        def verdict(at: datetime = at) -> str:
            value = classify(at, due)
            return CLASS_LABELS[value] if value else ""

        if kind == "received":
            out.append(Step(f"<b>Tiếp nhận:</b> {DESK}<br/>Nộp: Ông/Bà {applicant}", at, False, "",
                            f"Hẹn trả: {dmy_hm(due)}" + (f"<br/>Người nhận: {officer}" if officer else "")))
        elif kind == "started":
            handler = esc(fd.officer(data.get("handler"), fallback=True))
            who = f"{esc(resolver)}" + (f" ({handler})" if handler else "")
            out.append(Step(f"<b>Giao:</b> {DESK}<br/><b>Nhận:</b> {who}", at, True, verdict(), ""))
        elif kind == "supplement_requested":
            out.append(Step(f"<b>Yêu cầu bổ sung:</b> {DESK}<br/>Giao: Ông/Bà {applicant}", at, False, "",
                            f"Cần bổ sung: {note}"))
        elif kind == "supplement_received":
            out.append(Step(f"<b>Nhận hồ sơ bổ sung:</b> {DESK}", at, False, "", f"Hẹn trả mới: {dmy_hm(due)}"))
        elif kind == "resolved":
            label = "Không giải quyết" if data.get("result") == "rejected" else "Có kết quả giải quyết"
            out.append(Step(f"<b>Giao:</b> {esc(resolver)}<br/><b>Nhận:</b> {DESK}", at, True, verdict(),
                            label + (f": {note}" if note else "")))
        elif kind == "returned":
            how = "qua dịch vụ bưu chính" if data.get("by_post") else "trực tiếp"
            out.append(Step(f"<b>Giao:</b> {DESK}<br/><b>Nhận:</b> Ông/Bà {applicant}", at, True, verdict(),
                            f"Trả kết quả {how}"))
        elif kind == "withdrawn":
            out.append(Step(f"<b>Rút hồ sơ:</b> Ông/Bà {applicant}", at, False, verdict(),
                            "Dừng giải quyết" + (f": {note}" if note else "")))
        elif kind == "apology_issued":
            new = data.get("new_appointment")
            new_text = f"{new[8:10]}/{new[5:7]}/{new[0:4]}" if isinstance(new, str) and len(new) == 10 else ""
            out.append(Step("<b>Phiếu xin lỗi, hẹn lại</b>", at, False, "",
                            f"Hẹn lại ngày {new_text}" + (f"; lý do: {note}" if note else "")))
        elif kind == "refused":
            out.append(Step(f"<b>Từ chối tiếp nhận:</b> {DESK}", at, False, "", note))
        else:
            out.append(Step(f"<b>{esc(kind)}</b>", at, False, "", note))
    return out


def _time_cell(st: Styles, step: Step, width: float) -> list[Flowable]:
    cell: list[Flowable] = [Paragraph(vn_datetime(step.at), st.cell_center)]
    if step.handover:
        sign = Table([[Paragraph("<i>Người giao</i>", st.cell_center), Paragraph("<i>Người nhận</i>", st.cell_center)],
                      ["", ""]], colWidths=[width / 2 - 3] * 2, rowHeights=[None, st.size * 2.2])
        sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        cell.append(sign)
    return cell


def _body(st: Styles, cfg: FormsConfig, fd: FormData) -> list[Flowable]:
    spec = cfg.spec("control")
    d = fd.data
    out: list[Flowable] = form_header(st, cfg, spec, fd, fd.at("received_at"), numbered=False)
    receipt_no = number_text(fd.ledger_number, cfg.spec("receipt").number_prefix).removeprefix("Số: ")
    out.append(Paragraph(f"<i>(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số {esc(receipt_no)})</i>",
                         st.italic_center))
    out.append(st.gap(0.6))
    out.append(labelled(st, "Mã hồ sơ", d["code"], bold_value=True))
    out.append(labelled(st, "Người nộp hồ sơ", d["applicant_name"], bold_value=True))
    out.append(labelled(st, "Thủ tục hành chính", d["procedure_name"]))
    out.append(labelled(st, "Cơ quan chủ trì giải quyết", fd.unit.name))
    due = fd.at("due_at")
    out.append(labelled(st, "Thời gian hẹn trả kết quả", vn_datetime(due) if due else None))
    out.append(st.gap(0.6))

    widths = [9 * mm, 0, 0, 0, 0]
    rest = st.width - widths[0]
    widths[1:] = [rest * 0.28, rest * 0.30, rest * 0.16, rest * 0.26]
    rows: list[list[object]] = [[Paragraph(h, st.cell_head) for h in HEADERS]]
    for index, step in enumerate(steps(fd), start=1):
        rows.append([
            Paragraph(str(index), st.cell_center),
            Paragraph(step.body, st.cell),
            _time_cell(st, step, widths[2]),
            Paragraph(step.result, st.cell_center),
            Paragraph(step.note, st.cell),
        ])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(grid_style())
    out.append(table)
    out += footnotes(st, spec.footnotes)
    return out


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if fd.data["status"] == Status.REFUSED:
        raise UserError(f"Hồ sơ {fd.code} đã bị từ chối tiếp nhận nên không có quá trình giải quyết để kiểm soát.",
                        field="kind")
    return [lambda st: _body(st, cfg, fd)]
