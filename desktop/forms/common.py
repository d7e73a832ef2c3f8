"""Pieces several dossier forms share: the letterhead and legal basis of a form, the applicant block,
wording of processing times and fees — every word from the dossier's regime (``FormsConfig``)."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.platypus import Flowable, Paragraph

from desktop.formatting import number, plain
from desktop.forms.config import FormsConfig, FormSpec
from desktop.forms.data import FormData
from desktop.errors import UserError
from desktop.forms.layout import Signer, Styles, esc, footnotes, letterhead
from desktop.formatting import place_date
from desktop.rules.text import fold

FREE_WORDS = {"0", "khong", "mien phi", "mien le phi", "khong thu"}


def unprintable(message: str) -> UserError:
    """The refusal of a form that does not apply to this dossier (or not yet), naming the form choice, so
    the officer picks another form or records the step first; nothing is printed."""
    return UserError(message, field="kind")


def signed_end(st: Styles, spec: FormSpec, signature: Flowable) -> list[Flowable]:
    """A form's last block: a gap, the signature block, then the form's footnotes."""
    return [st.gap(1.2), signature, *footnotes(st, spec.footnotes)]


def amount(value: float) -> str:
    """3 -> "03", 1.5 -> "1,5" (Vietnamese decimal comma)."""
    if float(value).is_integer():
        return f"{int(value):02d}"
    return plain(value)


def processing_time_text(cfg: FormsConfig, time_value: float, time_unit: str, same_day_cutoff: str | None = None) -> str:
    """"03 ngày làm việc", "08 giờ làm việc", "Trong ngày" (with the cut-off when there is one); plain text."""
    if time_unit == "same_day" or (time_unit == "working_days" and not time_value):
        if same_day_cutoff:
            hours, minutes = same_day_cutoff.split(":")
            return cfg.plain(None, "same_day_cutoff", hours=hours, minutes=minutes)
        return cfg.plain(None, "same_day")
    unit = {"working_days": "unit_working_days", "working_hours": "unit_working_hours"}.get(time_unit)
    return f"{amount(time_value)} {cfg.plain(None, unit) if unit else time_unit}"


def fee_line(cfg: FormsConfig, fd: FormData) -> str:
    """The amount or the catalogue's wording; "0"/"Không" reads as free; blank is unknown: a dotted line."""
    parts = []
    if fd.fee_amount:
        parts.append(cfg.plain(None, "fee_amount", amount=number(fd.fee_amount)))
    text = fd.fee_text.strip()
    if text and fold(text).strip(" .") in FREE_WORDS:
        return "; ".join(parts) if parts else cfg.plain(None, "fee_free")
    if text:
        parts.append(text)
    if parts:
        return "; ".join(parts)
    return cfg.plain(None, "fee_free") if fd.fee_amount == 0 else cfg.plain(None, "fee_unknown")


def number_text(cfg: FormsConfig, number: int | str, prefix: str) -> str:
    """"Số: 12/TNHS" (or "Số: 12" when the form has no prefix)."""
    return cfg.plain(None, "number", number=number, prefix=prefix) if prefix else \
        cfg.plain(None, "number_plain", number=number)


def signer(cfg: FormsConfig, title: str, name: str = "", *, prefix: str = "", sealed: bool = False) -> Signer:
    return Signer(title, name, prefix=prefix, hint=cfg.plain(None, "seal_hint" if sealed else "sign_hint"))


def form_header(st: Styles, cfg: FormsConfig, spec: FormSpec, fd: FormData | None, day: date | datetime | None,
                *, numbered: bool = True, number: int | str | None = None, unit_name: str | None = None,
                place_name: str | None = None) -> list[Flowable]:
    """Legal basis line, letterhead (desk or unit issuer), then the form title."""
    shown = number if number is not None else (fd.ledger_number if fd else None)
    number_line = number_text(cfg, shown, spec.number_prefix) if numbered and shown is not None else None
    unit = unit_name or (fd.unit.name if fd else "")
    place = place_name or (fd.unit.place_name if fd else "")
    out: list[Flowable] = []
    basis = cfg.basis_line(spec.kind)
    if basis:
        out.append(Paragraph(f"<i>{esc(basis)}</i>", st.small_italic_right))
    out += [
        letterhead(st, unit_name=unit, desk_name=cfg.desk_name if spec.issuer == "desk" else None,
                   number=number_line, place_line=place_date(place, day) if day else None,
                   motto=(cfg.plain(None, "motto"), cfg.plain(None, "independence"))),
        st.gap(1.6),
        Paragraph(esc(spec.title), st.title),
        st.gap(0.8),
    ]
    return out


def applicant_block(st: Styles, cfg: FormsConfig, fd: FormData, *, with_code: bool = True,
                    with_request: bool = True) -> list[Flowable]:
    from desktop.forms.layout import labelled

    d = fd.data
    out: list[Flowable] = []
    if with_code:
        out.append(labelled(st, cfg.plain(None, "label_code"), d["code"], bold_value=True))
    out.append(labelled(st, cfg.plain(None, "label_applicant"), d["applicant_name"], bold_value=True))
    if d.get("organisation"):
        out.append(labelled(st, cfg.plain(None, "label_organisation"), d["organisation"]))
    if d.get("applicant_id_number"):
        out.append(labelled(st, cfg.plain(None, "label_id_number"), d["applicant_id_number"]))
    out.append(labelled(st, cfg.plain(None, "label_address"), d.get("applicant_address")))
    unknown = cfg.plain(None, "unknown")
    out.append(Paragraph(cfg.c("contacts", phone=d.get("applicant_phone") or unknown,
                               email=d.get("applicant_email") or unknown), st.justify))
    if with_request:
        out.append(labelled(st, cfg.plain(None, "label_request"), d["procedure_name"], bold_value=True))
    return out
