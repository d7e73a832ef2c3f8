"""Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: everything missing listed at once (the latest request)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from desktop.errors import UserError
from desktop.forms.common import applicant_block, form_header
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Signer, Styles, esc, footnotes, labelled, numbered, signatures, vn_datetime


def _requester(fd: FormData) -> str:
    asked = [e for e in fd.events if e["kind"] == "supplement_requested"]
    return fd.officer(asked[-1]["officer"]) if asked else ""


def _body(st: Styles, cfg: FormsConfig, fd: FormData, request: dict[str, object]) -> list[Flowable]:
    spec = cfg.spec("supplement")
    requested = moment(str(request["requested_at"]))
    received = fd.at("received_at")
    out: list[Flowable] = form_header(st, cfg, spec, fd, requested)
    out.append(Paragraph("Hồ sơ của:", st.justify))
    out += applicant_block(st, fd)
    out.append(labelled(st, "Thời gian tiếp nhận hồ sơ", vn_datetime(received) if received else None))
    previous = moment(str(request["previous_due_at"])) if request.get("previous_due_at") else None
    if previous is not None:
        out.append(labelled(st, "Thời gian hẹn trả kết quả đã ghi trên Giấy tiếp nhận", vn_datetime(previous)))
    out.append(st.gap(0.4))
    out.append(Paragraph("<b>Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:</b>", st.justify))
    out += numbered(st, [str(item) for item in request["items"]])  # type: ignore[attr-defined]
    if request.get("reason"):
        out.append(labelled(st, "Lý do", request["reason"]))
    officer = _requester(fd)
    contact = f"công chức {officer}" if officer else "công chức tiếp nhận hồ sơ"
    out.append(st.gap(0.4))
    out.append(Paragraph(
        f"Thời hạn giải quyết hồ sơ được tính lại từ khi Bộ phận tiếp nhận và trả kết quả nhận đủ hồ sơ đã "
        f"bổ sung, hoàn thiện. Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với "
        f"{esc(contact)} tại Bộ phận tiếp nhận và trả kết quả {esc(fd.unit.name)} để được hướng dẫn.", st.justify))
    out.append(st.gap(1.2))
    out.append(signatures(st, [Signer("NGƯỜI NỘP HỒ SƠ", fd.data["applicant_name"]),
                               Signer("NGƯỜI HƯỚNG DẪN", officer)]))
    out += footnotes(st, spec.footnotes)
    return out


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if not fd.supplements:
        raise UserError(f"Hồ sơ {fd.code} chưa có yêu cầu bổ sung nào; ghi nhận yêu cầu bổ sung trước khi in phiếu.",
                        field="kind")
    request = fd.supplements[-1]
    return [lambda st: _body(st, cfg, fd, request)]
