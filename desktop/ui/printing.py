"""Print flow: render a form to a temporary PDF off the GUI thread, then a preview with «In» / «Lưu PDF».

The renderers are ``desktop.forms.render_form(session, kind, code, out_path, paper="A4") -> Path`` and
``render_ledger(session, date_from, date_to, out_path)`` (reportlab, headless).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop.forms import FORM_LABELS
from desktop.platform.paths import data_dir
from desktop.ui.context import UiContext

log = logging.getLogger("desktop.ui")

OPEN_PREVIEWS: list[QWidget] = []  # previews without a parent must stay referenced while open
FORM_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")


def _t(text: str) -> str:
    return QCoreApplication.translate("Printing", text)


FORM_TITLES = FORM_LABELS  # the names of the regime in force (resources/forms), not written here


PRINT_KEEP_HOURS = 12


def print_folder() -> Path:
    return data_dir() / "print"


def clean_print_folder(keep_hours: float = PRINT_KEEP_HOURS) -> int:
    """Delete rendered PDFs older than ``keep_hours`` (they hold citizens' data); returns how many.

    Called at start-up; the age limit spares the files of a second window still open on the same PC.
    """
    folder = print_folder()
    if not folder.is_dir():
        return 0
    limit = time.time() - keep_hours * 3600
    removed = 0
    for path in folder.glob("*.pdf"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError as exc:  # open in a PDF viewer on Windows: try again next start
            log.info("không xóa được %s: %s", path.name, exc)
    return removed


def temp_pdf(stem: str) -> Path:
    """A fresh file name in the data folder's print area (removed at a start-up 12 hours later)."""
    folder = print_folder()
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(prefix=f"{stem}-", suffix=".pdf", dir=folder, delete=False)
    handle.close()
    return Path(handle.name)


def print_form(ctx: UiContext, parent: QWidget | None, kind: str, code: str, *, paper: str | None = None,
               on_done: Callable[[Path], None] | None = None) -> None:
    """Render ``kind`` for dossier ``code`` then preview it. ``on_done(path)`` gets the PDF.

    Without ``paper`` the receipt comes on the desk's receipt paper (Cài đặt › Chung), every other
    form on A4; the setting is read with the rendering, off the GUI thread.
    """
    from desktop.forms import render_form
    from desktop.services.desk import receipt_paper

    out = temp_pdf(f"{kind}-{_safe(code)}")

    def work(session: Any) -> Path:
        sheet = paper or (receipt_paper(session) if kind == "receipt" else "A4")
        return Path(render_form(session, kind, code, out, paper=sheet))

    ctx.read(work, lambda path: _rendered(ctx, parent, path, FORM_TITLES.get(kind, kind), on_done))


def print_ledger(ctx: UiContext, parent: QWidget | None, date_from: date, date_to: date, *,
                 on_done: Callable[[Path], None] | None = None) -> None:
    from desktop.forms import render_ledger

    out = temp_pdf(f"ledger-{date_from:%Y%m%d}-{date_to:%Y%m%d}")
    ctx.read(lambda session: Path(render_ledger(session, date_from, date_to, out)),
             lambda path: _rendered(ctx, parent, path, FORM_TITLES["ledger"], on_done))


def _rendered(ctx: UiContext, parent: QWidget | None, path: Path, title: str,
              on_done: Callable[[Path], None] | None) -> None:
    if ctx.show_previews:
        from desktop.ui.pdf_preview import PdfPreview

        preview = PdfPreview(path, title, parent)
        OPEN_PREVIEWS.append(preview)
        preview.finished.connect(lambda _r, p=preview: OPEN_PREVIEWS.remove(p) if p in OPEN_PREVIEWS else None)
        if parent is not None:  # the keyboard goes back to the counter form, ready for the next citizen
            preview.finished.connect(lambda _r: parent.window().activateWindow())
        preview.show()
    if on_done is not None:
        on_done(path)


def _safe(code: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in code)
