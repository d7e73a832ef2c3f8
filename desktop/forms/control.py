"""Phiếu kiểm soát quá trình giải quyết hồ sơ, derived from the dossier's event timeline.

One row per step; hand-over rows (to the resolving officer, back to the desk, to the citizen) carry
room for the giver's and the receiver's signatures and Trước hạn / Đúng hạn / Quá hạn against the
appointment in force at that moment (a completed supplement moves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop.rules.deadlines import Classification, classify
from desktop.forms.common import form_header, unprintable
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData, moment
from desktop.forms.layout import PageBuilder, Styles, esc, footnotes, grid_style, labelled, shorten
from desktop.formatting import dmy_hm, vn_datetime
from desktop.rules.lifecycle import Status
from desktop.platform.pdf_fonts import SERIF

KIND = "control"
NOTE_LIMIT = 160  # the supplement and apology forms carry the full text
CLASS_KEYS = {Classification.EARLY: "early", Classification.ON_TIME: "on_time", Classification.LATE: "late"}
HEADER_KEYS = ("header_no", "header_body", "header_time", "header_result", "header_note")


@dataclass(frozen=True)
class Step:
    body: str  # who gives / who receives (already marked up)
    at: datetime
    handover: bool
    result: str
    note: str


def steps(fd: FormData, cfg: FormsConfig) -> list[Step]:
    """The timeline as control-slip rows. A login that is no officer (e.g. the "cli" system account)
    prints no name."""
    d = fd.data
    resolver = fd.resolving_body or fd.unit.name
    applicant = d["applicant_name"]
    desk = cfg.desk_short
    due: datetime | None = None
    out: list[Step] = []

    def t(key: str, **values: object) -> str:
        return cfg.t(KIND, key, desk=desk, applicant=applicant, **values)

    for event in fd.events:
        kind = event["kind"]
        at = moment(event["at"])
        if at is None:
            continue
        data = event.get("data") or {}
        officer = fd.officer(event.get("officer"))
        note = shorten(event.get("note") or "", NOTE_LIMIT)
        if data.get("due_at"):
            due = moment(str(data["due_at"]))

        def verdict(at: datetime = at) -> str:
            value = classify(at, due)
            return cfg.plain(None, CLASS_KEYS[value]) if value else ""

        if kind == "received":
            out.append(Step(t("received"), at, False, "",
                            t("received_note", due=dmy_hm(due)) + (t("received_officer", officer=officer) if officer else "")))
        elif kind == "started":
            handler = fd.officer(data.get("handler"))
            who = resolver + (f" ({handler})" if handler else "")
            out.append(Step(t("started", resolver=who), at, True, verdict(), ""))
        elif kind == "supplement_requested":
            out.append(Step(t("supplement_requested"), at, False, "", t("supplement_requested_note", note=note)))
        elif kind == "supplement_received":
            out.append(Step(t("supplement_received"), at, False, "", t("supplement_received_note", due=dmy_hm(due))))
        elif kind == "due_rescheduled":
            out.append(Step(t("rescheduled"), at, False, "", t("rescheduled_note", due=dmy_hm(due))))
        elif kind == "resolved":
            label = t("resolved_rejected") if data.get("result") == "rejected" else t("resolved_ok")
            out.append(Step(t("resolved", resolver=resolver), at, True, verdict(),
                            label + (f": {esc(note)}" if note else "")))
        elif kind == "returned":
            how = t("returned_post") if data.get("by_post") else t("returned_direct")
            out.append(Step(t("returned"), at, True, verdict(), how))
        elif kind == "withdrawn":
            out.append(Step(t("withdrawn"), at, False, verdict(),
                            t("withdrawn_note") + (f": {esc(note)}" if note else "")))
        elif kind == "apology_issued":
            new = data.get("new_appointment")
            new_text = f"{new[8:10]}/{new[5:7]}/{new[0:4]}" if isinstance(new, str) and len(new) == 10 else ""
            out.append(Step(t("apology", apology_label=cfg.spec("apology").label), at, False, "",
                            t("apology_note", date=new_text) + (t("apology_reason", reason=note) if note else "")))
        elif kind == "refused":
            out.append(Step(t("refused"), at, False, "", esc(note)))
        else:
            out.append(Step(f"<b>{esc(kind)}</b>", at, False, "", esc(note)))
    return out


def _time_cell(st: Styles, cfg: FormsConfig, step: Step, width: float) -> list[Flowable]:
    cell: list[Flowable] = [Paragraph(vn_datetime(step.at), st.cell_center)]
    if step.handover:
        sign = Table([[Paragraph(cfg.t(KIND, "giver"), st.cell_center), Paragraph(cfg.t(KIND, "receiver"), st.cell_center)],
                      ["", ""]], colWidths=[width / 2 - 3] * 2, rowHeights=[None, st.size * 2.2])
        sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        cell.append(sign)
    return cell


def _body(st: Styles, cfg: FormsConfig, fd: FormData) -> list[Flowable]:
    spec = cfg.spec(KIND)
    d = fd.data
    out: list[Flowable] = form_header(st, cfg, spec, fd, fd.at("received_at"), numbered=False)
    receipt_no = f"{fd.ledger_number}/{cfg.spec('receipt').number_prefix}".rstrip("/")
    out.append(Paragraph(cfg.t(KIND, "attached", number=receipt_no), st.italic_center))
    out.append(st.gap(0.6))
    out.append(labelled(st, cfg.plain(KIND, "label_code"), d["code"], bold_value=True))
    out.append(labelled(st, cfg.plain(KIND, "label_applicant"), d["applicant_name"], bold_value=True))
    out.append(labelled(st, cfg.plain(KIND, "label_procedure"), d["procedure_name"]))
    out.append(labelled(st, cfg.plain(KIND, "label_resolver"), fd.resolving_body or fd.unit.name))
    due = fd.at("due_at")
    out.append(labelled(st, cfg.plain(KIND, "label_due"), vn_datetime(due) if due else None))
    out.append(st.gap(0.6))

    headers = [cfg.t(KIND, key) for key in HEADER_KEYS]
    # "STT" on one line whatever the paper: the column is as wide as the bold word plus its padding.
    first = max(9 * mm, stringWidth(cfg.plain(KIND, "header_no"), f"{SERIF}-Bold", st.cell_head.fontSize) + 8)
    rest = st.width - first
    widths = [first, rest * 0.27, rest * 0.28, rest * 0.21, rest * 0.24]
    rows: list[list[object]] = [[Paragraph(h, st.cell_head) for h in headers]]
    for index, step in enumerate(steps(fd, cfg), start=1):
        rows.append([
            Paragraph(str(index), st.cell_center),
            Paragraph(step.body, st.cell),
            _time_cell(st, cfg, step, widths[2]),
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
        raise unprintable(f"Hồ sơ {fd.code} đã bị từ chối tiếp nhận nên không có quá trình giải quyết "
                          "để kiểm soát.")
    return [lambda st: _body(st, cfg, fd)]
