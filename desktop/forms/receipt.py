"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả: one page per copy ("Liên 1: Lưu", "Liên 2: Giao người
nộp hồ sơ"), with a QR code of the dossier code so a scanner opens the dossier at the counter."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop.errors import UserError
from desktop.forms.common import applicant_block, fee_line, form_header, processing_time_text
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData
from desktop.forms.layout import PageBuilder, Signer, Styles, esc, footnotes, numbered, qr_code, signatures, vn_datetime
from desktop.pdf_fonts import SERIF
from desktop.lifecycle import Status


def collect_place(fd: FormData) -> str:
    d = fd.data
    if d.get("return_by_post"):
        address = d.get("applicant_address") or "…"
        return f"Nhận qua dịch vụ bưu chính công ích tại địa chỉ: {address}"
    return f"Bộ phận tiếp nhận và trả kết quả {fd.unit.name}"


def _body(st: Styles, cfg: FormsConfig, fd: FormData, copy_label: str) -> list[Flowable]:
    spec = cfg.spec("receipt")
    d = fd.data
    received = fd.at("received_at")
    due = fd.at("due_at")
    out: list[Flowable] = [Paragraph(esc(copy_label), st.italic_right)]
    out += form_header(st, cfg, spec, fd, received)

    qr_size = min(max(st.size * 6.2, 20 * mm), 30 * mm)
    intro = Paragraph(f"Bộ phận tiếp nhận và trả kết quả {esc(fd.unit.name)} đã tiếp nhận hồ sơ của:", st.justify)
    info = [intro, *applicant_block(st, fd)]
    qr_cell = [qr_code(fd.code, qr_size), Paragraph("Mã hồ sơ", st.cell_center)]
    block = Table([[info, qr_cell]], colWidths=[st.width - qr_size - 4, qr_size + 4])
    block.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    out.append(block)
    out.append(st.gap(0.4))

    components = fd.submitted_components or ["…"]
    out.append(Paragraph("<b>1. Thành phần hồ sơ nộp gồm:</b>", st.justify))
    out += numbered(st, components, suffix=")")
    sets = int(d.get("sets_count") or 1)
    out.append(Paragraph(f"<b>2. Số lượng hồ sơ:</b> {sets:02d} (bộ)", st.justify))
    time_text = processing_time_text(d["time_value"], d["time_unit"], d.get("same_day_cutoff"))
    out.append(Paragraph(f"<b>3. Thời gian giải quyết hồ sơ theo quy định:</b> {esc(time_text)}", st.justify))
    out.append(Paragraph(f"<b>4. Thời gian nhận hồ sơ:</b> {vn_datetime(received) if received else '…'}", st.justify))
    due_text = f"<b>{vn_datetime(due)}</b>" if due else "…"
    out.append(Paragraph(f"<b>5. Thời gian trả kết quả giải quyết hồ sơ:</b> {due_text}", st.justify))
    out.append(Paragraph(f"<b>6. Đăng ký nhận kết quả tại:</b> {esc(collect_place(fd))}", st.justify))
    out.append(Paragraph(f"<b>7. Phí, lệ phí:</b> {esc(fee_line(fd))}", st.justify))
    out.append(Paragraph(
        f"Vào Sổ theo dõi hồ sơ, Quyển số: {fd.ledger_year}, Số thứ tự: {fd.ledger_number}.", st.justify))
    out.append(st.gap(1.2))
    out.append(signatures(st, [
        Signer("NGƯỜI NỘP HỒ SƠ", d["applicant_name"]),
        Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", fd.officer(d.get("received_by"))),
    ]))
    out += footnotes(st, spec.footnotes)
    return out


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if fd.data["status"] == Status.REFUSED:
        raise UserError(f"Hồ sơ {fd.code} đã bị từ chối tiếp nhận: in Phiếu từ chối thay cho Giấy tiếp nhận.",
                        field="kind")
    return [lambda st, label=label: _body(st, cfg, fd, label) for label in cfg.spec("receipt").copies]
