"""Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (2025), formerly Phiếu xin lỗi và
hẹn lại ngày trả kết quả (2018) — the latest apology recorded for the dossier, with its own outgoing
number (số văn bản đi, a yearly sequence of this form), not the dossier's ledger number."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Paragraph

from desktop.forms.common import form_header, signed_end, signer, unprintable
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Styles, recipients, signatures
from desktop.formatting import dmy, vn_date, vn_datetime

KIND = "apology"


def letter_signature(st: Styles, cfg: FormsConfig, kind: str) -> Flowable:
    """"Nơi nhận" on the left, the head of the unit on the right (apology and stop letters)."""
    spec = cfg.spec(kind)
    lines = [line.replace("{desk}", cfg.desk_label) for line in spec.recipients]
    return signatures(st, [
        recipients(st, cfg.c("recipients"), lines),
        signer(cfg, spec.signer_title or cfg.plain(kind, "signer_default"), prefix=spec.signer_prefix, sealed=True),
    ], space=st.size * 5)


def _body(st: Styles, cfg: FormsConfig, fd: FormData, apology: dict[str, object]) -> list[Flowable]:
    spec = cfg.spec(KIND)
    d = fd.data
    issued = moment(str(apology["issued_at"]))
    new_date = date.fromisoformat(str(apology["new_appointment"]))
    received = fd.at("received_at")
    due = fd.at("due_at")
    unit = fd.unit.name
    number = fd.outgoing.get(f"{KIND}:{apology.get('id')}", cfg.plain(None, "unknown"))
    out: list[Flowable] = form_header(st, cfg, spec, fd, issued, number=number)
    out.append(Paragraph(cfg.c("dear", applicant=d["applicant_name"]), st.center))
    out.append(st.gap(0.6))
    out.append(Paragraph(cfg.t(KIND, "received", received=dmy(received), unit=unit, code=d["code"],
                               procedure=d["procedure_name"]), st.letter))
    out.append(Paragraph(cfg.t(KIND, "due", due=vn_datetime(due) if due else cfg.plain(None, "unknown")), st.letter))
    out.append(Paragraph(cfg.t(KIND, "late", unit=unit), st.letter))
    out.append(Paragraph(cfg.t(KIND, "reason", reason=apology["reason"]), st.letter))
    out.append(Paragraph(cfg.t(KIND, "apology", unit=unit, new_date=vn_date(new_date)), st.letter))
    out.append(Paragraph(cfg.t(KIND, "closing"), st.letter))
    return out + signed_end(st, spec, letter_signature(st, cfg, KIND))


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if not fd.apologies:
        raise unprintable(f"Hồ sơ {fd.code} chưa có phiếu xin lỗi, hẹn lại nào; lập phiếu (chọn ngày hẹn mới) "
                          "trước khi in.")
    return [lambda st: _body(st, cfg, fd, fd.apologies[-1])]
