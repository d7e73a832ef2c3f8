"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả: one page per copy ("Liên 1: Lưu", "Liên 2: Giao người
nộp hồ sơ"), with a QR code of the dossier code so a scanner opens the dossier at the counter.

A receipt reprinted after a completed supplement keeps the first reception time and says when the
counting restarted, so the new due date and the processing time agree."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop.forms.common import (
    applicant_block,
    fee_line,
    form_header,
    processing_time_text,
    signed_end,
    signer,
    unprintable,
)
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Styles, esc, numbered, qr_code, signatures
from desktop.formatting import vn_datetime
from desktop.rules.lifecycle import Status
from desktop.platform.pdf_fonts import SERIF

KIND = "receipt"


def collect_place(cfg: FormsConfig, fd: FormData) -> str:
    d = fd.data
    if d.get("return_by_post"):
        return cfg.plain(KIND, "collect_post", address=d.get("applicant_address") or cfg.plain(None, "unknown"))
    return cfg.plain(KIND, "collect_desk", unit=fd.unit.name)


def _body(st: Styles, cfg: FormsConfig, fd: FormData) -> list[Flowable]:
    """Everything below the copy's label (the same on both copies)."""
    spec = cfg.spec(KIND)
    d = fd.data
    received = fd.at("received_at")
    due = fd.at("due_at")
    unknown = cfg.plain(None, "unknown")
    out: list[Flowable] = form_header(st, cfg, spec, fd, received)

    qr_size = min(max(st.size * 6.2, 20 * mm), 30 * mm)
    intro = Paragraph(cfg.t(KIND, "intro", unit=fd.unit.name), st.justify)
    info = [intro, *applicant_block(st, cfg, fd)]
    qr_cell = [qr_code(fd.code, qr_size), Paragraph(cfg.t(KIND, "qr_caption"), st.cell_center)]
    block = Table([[info, qr_cell]], colWidths=[st.width - qr_size - 4, qr_size + 4])
    block.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    out.append(block)
    out.append(st.gap(0.4))

    components = fd.submitted_components or [unknown]
    out.append(Paragraph(cfg.t(KIND, "components"), st.justify))
    out += numbered(st, components, suffix=")")
    out.append(Paragraph(cfg.t(KIND, "sets", sets=f"{int(d.get('sets_count') or 1):02d}"), st.justify))
    time_text = processing_time_text(cfg, d["time_value"], d["time_unit"], d.get("same_day_cutoff"))
    out.append(Paragraph(cfg.t(KIND, "processing_time", time=time_text), st.justify))
    out.append(Paragraph(cfg.t(KIND, "received", received=vn_datetime(received) if received else unknown), st.justify))
    restarts = [moment(s["received_at"]) for s in fd.supplements if s.get("received_at")]
    if restarts and restarts[-1] is not None:
        out.append(Paragraph(cfg.t(KIND, "restarted", restart=vn_datetime(restarts[-1])), st.justify))
    out.append(Paragraph(cfg.t(KIND, "due", due=vn_datetime(due) if due else unknown), st.justify))
    out.append(Paragraph(cfg.t(KIND, "collect", place=collect_place(cfg, fd)), st.justify))
    out.append(Paragraph(cfg.t(KIND, "fee", fee=fee_line(cfg, fd)), st.justify))
    out.append(Paragraph(cfg.t(KIND, "ledger", book=fd.ledger_year, number=fd.ledger_number), st.justify))
    return out + signed_end(st, spec, signatures(st, [
        signer(cfg, cfg.plain(KIND, "signer_applicant"), d["applicant_name"]),
        signer(cfg, cfg.plain(KIND, "signer_officer"), fd.officer(d.get("received_by"))),
    ]))


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if fd.data["status"] == Status.REFUSED:
        raise unprintable(f"Hồ sơ {fd.code} đã bị từ chối tiếp nhận: in Phiếu từ chối thay cho "
                          "Giấy tiếp nhận.")
    bodies: dict[float, list[Flowable]] = {}  # by font size: the second copy draws the first one's body

    def copy(st: Styles, label: str) -> list[Flowable]:
        body = bodies.get(st.size)
        if body is None:
            body = bodies[st.size] = _body(st, cfg, fd)
        return [Paragraph(esc(label), st.italic_right), *body]

    return [lambda st, label=label: copy(st, label) for label in cfg.spec(KIND).copies]
