"""Thông báo dừng giải quyết hồ sơ (new in 2025; fields kept to what is known: dossier, reason, date).

The reason is the one passed in, else the withdrawal (the citizen asked to stop) or a rejected result.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, Paragraph

from desktop import clock
from desktop.errors import UserError
from desktop.forms.common import form_header
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData
from desktop.forms.layout import (
    PageBuilder,
    Signer,
    Styles,
    esc,
    footnotes,
    labelled,
    numbered,
    recipients,
    signatures,
    split_reasons,
    vn_date,
    vn_datetime,
)

WITHDRAWN_REASON = "Người nộp hồ sơ đề nghị rút hồ sơ"


def stop_reason(fd: FormData, reason: str | None, at: datetime | None) -> tuple[str, datetime]:
    d = fd.data
    withdrawn = [e for e in fd.events if e["kind"] == "withdrawn"]
    when = at or fd.at("withdrawn_at") or (fd.at("result_at") if d.get("result") == "rejected" else None) or clock.now()
    if reason and reason.strip():
        return reason.strip(), clock.to_vn(when)
    if withdrawn:
        note = withdrawn[-1].get("note")
        return (f"{WITHDRAWN_REASON}: {note}" if note else WITHDRAWN_REASON), clock.to_vn(when)
    if d.get("result") == "rejected" and d.get("result_reason"):
        return str(d["result_reason"]), clock.to_vn(when)
    raise UserError(f"Hồ sơ {fd.code} chưa có lý do dừng giải quyết (không rút, không bị từ chối giải quyết); "
                    "nhập lý do để in thông báo.", field="reason")


def _body(st: Styles, cfg: FormsConfig, fd: FormData, reason: str, when: datetime) -> list[Flowable]:
    spec = cfg.spec("stop")
    d = fd.data
    unit = esc(fd.unit.name)
    received = fd.at("received_at")
    due = fd.at("due_at")
    out: list[Flowable] = form_header(st, cfg, spec, fd, when)
    out.append(Paragraph(f"Kính gửi: Ông/Bà <b>{esc(d['applicant_name'])}</b>", st.center))
    out.append(st.gap(0.6))
    out.append(Paragraph(f"{unit} đã tiếp nhận hồ sơ của Ông/Bà:", st.letter))
    out.append(labelled(st, "Mã hồ sơ", d["code"], bold_value=True, style=st.item))
    out.append(labelled(st, "Thủ tục hành chính", d["procedure_name"], bold_value=True, style=st.item))
    out.append(labelled(st, "Địa chỉ", d.get("applicant_address"), style=st.item))
    out.append(labelled(st, "Thời gian tiếp nhận", vn_datetime(received) if received else None, style=st.item))
    out.append(labelled(st, "Thời gian hẹn trả kết quả", vn_datetime(due) if due else None, style=st.item))
    out.append(st.gap(0.4))
    out.append(Paragraph(f"{unit} thông báo dừng giải quyết hồ sơ nêu trên kể từ <b>{vn_date(when)}</b>.", st.letter))
    reasons = split_reasons(reason)
    if len(reasons) > 1:
        out.append(Paragraph("Lý do:", st.letter))
        out += numbered(st, reasons)
    else:
        out.append(Paragraph(f"Lý do: {esc((reasons[0] if reasons else reason).rstrip('.'))}.", st.letter))
    out.append(Paragraph(
        f"Mọi vướng mắc, đề nghị Ông/Bà liên hệ Bộ phận tiếp nhận và trả kết quả {unit} để được hướng dẫn./.",
        st.letter))
    out.append(st.gap(1.2))
    out.append(signatures(st, [
        recipients(st, ["Như trên;", "Bộ phận tiếp nhận và trả kết quả;", "Lưu: VT."]),
        Signer(spec.signer_title or "THỦ TRƯỞNG CƠ QUAN", "", prefix=spec.signer_prefix, hint="(Ký, ghi rõ họ tên và đóng dấu)"),
    ], space=st.size * 5))
    out += footnotes(st, spec.footnotes)
    return out


def pages(fd: FormData, cfg: FormsConfig, *, reason: str | None = None, at: datetime | None = None,
          **_: object) -> list[PageBuilder]:
    text, when = stop_reason(fd, reason, at)
    return [lambda st: _body(st, cfg, fd, text, when)]
