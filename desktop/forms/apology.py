"""Phiếu xin lỗi và hẹn lại ngày trả kết quả (the latest apology recorded for the dossier)."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Paragraph

from desktop.errors import UserError
from desktop.forms.common import form_header
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import (
    PageBuilder,
    Signer,
    Styles,
    dmy,
    esc,
    footnotes,
    recipients,
    signatures,
    vn_date,
    vn_datetime,
)


def _body(st: Styles, cfg: FormsConfig, fd: FormData, apology: dict[str, object]) -> list[Flowable]:
    spec = cfg.spec("apology")
    d = fd.data
    issued = moment(str(apology["issued_at"]))
    new_date = date.fromisoformat(str(apology["new_appointment"]))
    received = fd.at("received_at")
    due = fd.at("due_at")
    unit = esc(fd.unit.name)
    out: list[Flowable] = form_header(st, cfg, spec, fd, issued)
    out.append(Paragraph(f"Kính gửi: Ông/Bà <b>{esc(d['applicant_name'])}</b>", st.center))
    out.append(st.gap(0.6))
    out.append(Paragraph(
        f"Ngày {dmy(received)}, {unit} tiếp nhận giải quyết hồ sơ của Ông/Bà, mã hồ sơ: <b>{esc(d['code'])}</b>, "
        f"đề nghị giải quyết thủ tục: <b>{esc(d['procedure_name'])}</b>.", st.letter))
    out.append(Paragraph(
        f"Thời hạn trả kết quả giải quyết hồ sơ đã hẹn: <b>{vn_datetime(due) if due else '…'}</b>.", st.letter))
    out.append(Paragraph(
        f"Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn như đã hẹn.", st.letter))
    out.append(Paragraph(f"Lý do: {esc(apology['reason'])}", st.letter))
    out.append(Paragraph(
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {unit} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả "
        f"giải quyết hồ sơ là <b>{vn_date(new_date)}</b>.", st.letter))
    out.append(Paragraph("Mong nhận được sự thông cảm của Ông/Bà vì sự chậm trễ này./.", st.letter))
    out.append(st.gap(1.2))
    out.append(signatures(st, [
        recipients(st, ["Như trên;", "Bộ phận tiếp nhận và trả kết quả;", "Lưu: VT."]),
        Signer(spec.signer_title or "THỦ TRƯỞNG CƠ QUAN", "", prefix=spec.signer_prefix, hint="(Ký, ghi rõ họ tên và đóng dấu)"),
    ], space=st.size * 5))
    out += footnotes(st, spec.footnotes)
    return out


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if not fd.apologies:
        raise UserError(f"Hồ sơ {fd.code} chưa có phiếu xin lỗi, hẹn lại nào; lập phiếu (chọn ngày hẹn mới) trước khi in.",
                        field="kind")
    apology = fd.apologies[-1]
    return [lambda st: _body(st, cfg, fd, apology)]
