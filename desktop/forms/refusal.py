"""Phiếu từ chối tiếp nhận giải quyết hồ sơ: who, what was asked, and the specific reasons."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, Paragraph

from desktop.platform import clock
from desktop.errors import UserError
from desktop.forms.common import applicant_block, form_header, signed_end, signer
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Styles, esc, numbered, signatures, split_reasons
from desktop.rules.lifecycle import Status

KIND = "refusal"


def refusal_reason(fd: FormData, reason: str | None) -> tuple[str, datetime]:
    """The recorded reason (refused at reception, or a rejected result) unless one is passed in."""
    d = fd.data
    refused = [e for e in fd.events if e["kind"] == "refused"]
    when = moment(refused[-1]["at"]) if refused else (fd.at("result_at") or clock.now())
    if reason and reason.strip():
        return reason.strip(), when or clock.now()
    if d["status"] == Status.REFUSED and d.get("refusal_reason"):
        return str(d["refusal_reason"]), when or clock.now()
    if d.get("result") == "rejected" and d.get("result_reason"):
        return str(d["result_reason"]), when or clock.now()
    raise UserError(f"Hồ sơ {fd.code} không bị từ chối và chưa có lý do từ chối; nhập lý do để in phiếu.",
                    field="reason")


def _body(st: Styles, cfg: FormsConfig, fd: FormData, reason: str, when: datetime) -> list[Flowable]:
    spec = cfg.spec(KIND)
    out: list[Flowable] = form_header(st, cfg, spec, fd, when)
    out.append(Paragraph(cfg.t(KIND, "intro", unit=fd.unit.name), st.justify))
    out += applicant_block(st, cfg, fd)
    out.append(st.gap(0.4))
    out.append(Paragraph(cfg.t(KIND, "statement"), st.justify))
    reasons = split_reasons(reason)
    if len(reasons) > 1:
        out += numbered(st, reasons)
    else:
        out.append(Paragraph(f"<b>{esc(reasons[0] if reasons else reason)}</b>", st.item))
    out.append(Paragraph(cfg.t(KIND, "closing"), st.justify))
    officer = fd.officer(next((e["officer"] for e in reversed(fd.events) if e["kind"] == "refused"), None)
                         or fd.data.get("received_by"))
    return out + signed_end(st, spec, signatures(st, [
        None, signer(cfg, cfg.plain(KIND, "signer_officer"), officer)]))


def pages(fd: FormData, cfg: FormsConfig, *, reason: str | None = None, **_: object) -> list[PageBuilder]:
    text, when = refusal_reason(fd, reason)
    return [lambda st: _body(st, cfg, fd, text, when)]
