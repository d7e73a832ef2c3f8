"""Print flow: render to a temp PDF, preview it with QtPdf, paint it to a printer, save a copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter

from desktop.services.dossiers import Applicant, Reception, receive
from desktop.ui.context import UiContext
from desktop.ui.pdf_preview import PdfPreview, save_pdf_copy
from desktop.ui.printing import OPEN_PREVIEWS, print_form

pytestmark = pytest.mark.gui


def _code(ctx: UiContext) -> str:
    with ctx.db.transaction(officer="system") as s:
        return receive(s, Reception("1.001193", Applicant("Nguyễn Hoàng Yến Nhi"))).code


def test_preview_prints_and_saves(ctx: UiContext, qtbot: Any, tmp_path: Path) -> None:
    ctx.show_previews = True
    code = _code(ctx)
    rendered: list[Path] = []
    print_form(ctx, None, "receipt", code, on_done=rendered.append)
    assert rendered and rendered[0].read_bytes().startswith(b"%PDF")
    assert len(OPEN_PREVIEWS) == 1
    preview = OPEN_PREVIEWS[0]
    assert isinstance(preview, PdfPreview) and preview.isVisible()
    assert preview.page_count >= 1
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    preview.paint_to(printer)
    assert printed.read_bytes().startswith(b"%PDF") and printed.stat().st_size > 1000
    copy = tmp_path / "ban-sao"
    save_pdf_copy(rendered[0], copy)
    assert (tmp_path / "ban-sao.pdf").read_bytes() == rendered[0].read_bytes()
    preview.close()
    assert OPEN_PREVIEWS == []


def test_old_rendered_pdfs_are_removed_at_start(tmp_path: Path) -> None:
    import os
    import time

    from desktop.ui.printing import clean_print_folder, temp_pdf

    old, fresh = temp_pdf("receipt-cu"), temp_pdf("receipt-moi")
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    assert clean_print_folder() == 1
    assert not old.exists() and fresh.exists()
