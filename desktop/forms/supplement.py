"""Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: everything missing listed at once (the latest request)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from desktop.forms.common import applicant_block, form_header, signed_end, signer, unprintable
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Styles, labelled, numbered, signatures
from desktop.formatting import vn_datetime

KIND = "supplement"


def _requester(fd: FormData) -> str:
    asked = [e for e in fd.events if e["kind"] == "supplement_requested"]
    return fd.officer(asked[-1]["officer"]) if asked else ""


def _body(st: Styles, cfg: FormsConfig, fd: FormData, request: dict[str, object]) -> list[Flowable]:
    spec = cfg.spec(KIND)
    requested = moment(str(request["requested_at"]))
    received = fd.at("received_at")
    out: list[Flowable] = form_header(st, cfg, spec, fd, requested)
    out.append(Paragraph(cfg.t(KIND, "intro"), st.justify))
    out += applicant_block(st, cfg, fd)
    out.append(labelled(st, cfg.plain(KIND, "received"), vn_datetime(received) if received else None))
    previous = moment(str(request["previous_due_at"])) if request.get("previous_due_at") else None
    if previous is not None:
        out.append(labelled(st, cfg.plain(KIND, "previous_due"), vn_datetime(previous)))
    out.append(st.gap(0.4))
    out.append(Paragraph(cfg.t(KIND, "items"), st.justify))
    out += numbered(st, [str(item) for item in request["items"]])  # type: ignore[attr-defined]
    if request.get("reason"):
        out.append(labelled(st, cfg.plain(None, "label_reason"), request["reason"]))
    officer = _requester(fd)
    contact = cfg.plain(KIND, "contact_named", officer=officer) if officer else cfg.plain(KIND, "contact_anyone")
    out.append(st.gap(0.4))
    out.append(Paragraph(cfg.t(KIND, "closing", contact=contact, unit=fd.unit.name), st.justify))
    return out + signed_end(st, spec, signatures(st, [
        signer(cfg, cfg.plain(KIND, "signer_applicant"), fd.data["applicant_name"]),
        signer(cfg, cfg.plain(KIND, "signer_officer"), officer)]))


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if not fd.supplements:
        raise unprintable(f"Hồ sơ {fd.code} chưa có yêu cầu bổ sung nào; ghi nhận yêu cầu bổ sung trước khi in "
                          "phiếu.")
    return [lambda st: _body(st, cfg, fd, fd.supplements[-1])]
