"""Printed forms of the one-stop desk (reportlab, no Qt): receipt, supplement request, refusal,
apology, stop-processing notice, control slip and the ledger (PDF and Excel).

    from desktop.forms import render_form, render_ledger, export_ledger_xlsx

Data comes through the services (``desktop.forms.data``); each form module only lays it out.
reportlab and openpyxl are imported on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
import os
from datetime import date
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORM_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "transfer")


class _Labels(Mapping[str, str]):
    """Form names for menus and messages, read from the regime in force today (never written in code)."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds

    def __getitem__(self, kind: str) -> str:
        if kind not in self.kinds:
            raise KeyError(kind)
        from desktop.forms.config import load_config

        return load_config().spec(kind).label

    def __iter__(self) -> Iterator[str]:
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)


KIND_LABELS: Mapping[str, str] = _Labels(FORM_KINDS)
FORM_LABELS: Mapping[str, str] = _Labels((*FORM_KINDS, "ledger"))

__all__ = ["FORM_KINDS", "FORM_LABELS", "KIND_LABELS", "available_forms", "export_ledger_xlsx", "render_form", "render_form_bytes",
           "render_ledger"]


def _check_kind(kind: str) -> str:
    key = (kind or "").strip().lower()
    if key not in FORM_KINDS:
        raise UserError(f"Loại biểu mẫu '{kind}' không có; chọn một trong: {', '.join(FORM_KINDS)}.", field="kind")
    return key


def available_forms(session: Session, code: str) -> list[str]:
    """The kinds that print for this dossier as it stands, without asking for anything (a UI enables
    these print buttons; ``stop`` and ``refusal`` also print for others when given ``reason=``)."""
    from desktop.rules.lifecycle import Status
    from desktop.services.queries import dossier_detail

    detail = dossier_detail(session, code)
    data = detail.data
    refused = data["status"] == Status.REFUSED
    rejected = data.get("result") == "rejected" and bool(data.get("result_reason"))
    kinds = {
        "receipt": not refused,
        "supplement": bool(detail.supplements),
        "refusal": (refused and bool(data.get("refusal_reason"))) or rejected,
        "apology": bool(detail.apologies),
        "stop": data["status"] == Status.WITHDRAWN or rejected,
        "control": not refused,
        "transfer": bool(data.get("transferred_at")),
    }
    return [kind for kind in FORM_KINDS if kinds[kind]]


def render_form_bytes(session: Session, kind: str, code: str, paper: str = "A4", *, regime: str | None = None,
                      **options: Any) -> tuple[bytes, int]:
    """The PDF of one form and its page count, without writing a file (for a preview). The regime is the
    one in force on the dossier's reception date unless ``regime`` names another (e.g. "tt01-2018")."""
    from desktop.forms import layout
    from desktop.forms.config import load_config
    from desktop.forms.data import form_data

    key = _check_kind(kind)
    sheet = layout.paper(paper)
    fd = form_data(session, code)
    cfg = load_config(regime=regime, on=fd.at("received_at"), session=session)
    module = importlib.import_module(f"desktop.forms.{key}")
    builders = module.pages(fd, cfg, **options)
    spec = cfg.spec(key)
    payload, count = layout.render_pdf(builders, sheet, title=f"{spec.title} — {fd.code}", subject=fd.code)
    if count != len(builders):
        raise RuntimeError(f"{key}: expected {len(builders)} page(s), rendered {count}")
    return payload, count


def render_form(session: Session, kind: str, code: str, out_path: str | os.PathLike[str], paper: str = "A4",
                *, regime: str | None = None, **options: Any) -> Path:
    """Write form ``kind`` of dossier ``code`` to ``out_path`` (PDF, atomically) and return the path.

    ``options``: ``reason=`` for ``stop`` (and ``refusal`` of a dossier without a recorded reason),
    ``at=`` (a datetime) for the date printed on ``stop``.
    """
    from desktop.platform.atomic import write_atomic

    payload, _ = render_form_bytes(session, kind, code, paper, regime=regime, **options)
    return write_atomic(out_path, payload, field="out")


def render_ledger(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str], *,
                  regime: str | None = None) -> Path:
    """Sổ theo dõi hồ sơ of dossiers received in [date_from, date_to], A4 landscape PDF."""
    from desktop.forms.ledger import render_ledger_pdf

    return render_ledger_pdf(session, date_from, date_to, out_path, regime=regime)


def export_ledger_xlsx(session: Session, date_from: date, date_to: date, out_path: str | os.PathLike[str]) -> Path:
    """The same ledger as an Excel workbook (Times New Roman, borders, DD/MM/YYYY, A4 landscape)."""
    from desktop.forms.ledger_xlsx import export_xlsx

    return export_xlsx(session, date_from, date_to, out_path)
