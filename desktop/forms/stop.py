"""Form 05: Thông báo dừng giải quyết hồ sơ (new in 2025; fields kept to what is known: dossier,
reason, date), with its own outgoing number when the stop was recorded (withdrawal, rejection).

The reason is the one passed in, else the withdrawal (the citizen asked to stop) or a rejected result.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, Paragraph

from desktop.platform import clock
from desktop.errors import UserError
from desktop.forms.apology import letter_signature
from desktop.forms.common import form_header, signed_end
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData
from desktop.forms.layout import PageBuilder, Styles, labelled, numbered, split_reasons
from desktop.formatting import vn_date, vn_datetime

KIND = "stop"


def stop_reason(cfg: FormsConfig, fd: FormData, reason: str | None, at: datetime | None) -> tuple[str, datetime]:
    d = fd.data
    withdrawn = [e for e in fd.events if e["kind"] == "withdrawn"]
    when = at or fd.at("withdrawn_at") or (fd.at("result_at") if d.get("result") == "rejected" else None) or clock.now()
    if reason and reason.strip():
        return reason.strip(), clock.to_vn(when)
    if withdrawn:
        note = withdrawn[-1].get("note")
        text = cfg.plain(KIND, "withdrawn_note", note=note) if note else cfg.plain(KIND, "withdrawn")
        return text, clock.to_vn(when)
    if d.get("result") == "rejected" and d.get("result_reason"):
        return str(d["result_reason"]), clock.to_vn(when)
    raise UserError(f"Hồ sơ {fd.code} chưa có lý do dừng giải quyết (không rút, không bị từ chối giải quyết); "
                    "nhập lý do để in thông báo.", field="reason")


def _body(st: Styles, cfg: FormsConfig, fd: FormData, reason: str, when: datetime) -> list[Flowable]:
    spec = cfg.spec(KIND)
    d = fd.data
    unit = fd.unit.name
    received = fd.at("received_at")
    due = fd.at("due_at")
    number = fd.outgoing.get(KIND, cfg.plain(None, "unknown"))
    out: list[Flowable] = form_header(st, cfg, spec, fd, when, number=number)
    out.append(Paragraph(cfg.c("dear", applicant=d["applicant_name"]), st.center))
    out.append(st.gap(0.6))
    out.append(Paragraph(cfg.t(KIND, "intro", unit=unit), st.letter))
    out.append(labelled(st, cfg.plain(None, "label_code"), d["code"], bold_value=True, style=st.item))
    out.append(labelled(st, cfg.plain(None, "label_procedure"), d["procedure_name"], bold_value=True, style=st.item))
    out.append(labelled(st, cfg.plain(None, "label_address"), d.get("applicant_address"), style=st.item))
    out.append(labelled(st, cfg.plain(KIND, "received"), vn_datetime(received) if received else None, style=st.item))
    out.append(labelled(st, cfg.plain(KIND, "due"), vn_datetime(due) if due else None, style=st.item))
    out.append(st.gap(0.4))
    out.append(Paragraph(cfg.t(KIND, "statement", unit=unit, date=vn_date(when)), st.letter))
    reasons = split_reasons(reason)
    if len(reasons) > 1:
        out.append(Paragraph(cfg.t(KIND, "reasons"), st.letter))
        out += numbered(st, reasons)
    else:
        out.append(Paragraph(cfg.t(KIND, "reason", reason=(reasons[0] if reasons else reason).rstrip(".")), st.letter))
    out.append(Paragraph(cfg.t(KIND, "closing", unit=unit), st.letter))
    return out + signed_end(st, spec, letter_signature(st, cfg, KIND))


def pages(fd: FormData, cfg: FormsConfig, *, reason: str | None = None, at: datetime | None = None,
          **_: object) -> list[PageBuilder]:
    text, when = stop_reason(cfg, fd, reason, at)
    return [lambda st: _body(st, cfg, fd, text, when)]
