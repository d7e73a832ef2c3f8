"""Sổ theo dõi: a date range checked, then the ledger PDF through the print flow."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate

from desktop.ui.context import UiContext
from desktop.ui.dialogs.ledger_dialog import LedgerDialog

pytestmark = pytest.mark.gui


def test_ledger_range_and_pdf(ctx: UiContext, qtbot: Any, messages: Any, monkeypatch: Any) -> None:
    from desktop.ui import printing

    dialog = LedgerDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.date_from.setDate(QDate(2026, 11, 30))
    dialog.date_to.setDate(QDate(2026, 11, 1))
    dialog.show_pdf()
    assert messages.texts() == ["«Từ ngày» phải trước hoặc bằng «Đến ngày»."]
    dialog.date_from.setDate(QDate(2026, 11, 1))
    dialog.date_to.setDate(QDate(2026, 11, 30))
    rendered: list[Path] = []
    real = printing.print_ledger
    monkeypatch.setattr("desktop.ui.dialogs.ledger_dialog.print_ledger",
                        lambda c, p, a, b: real(c, p, a, b, on_done=rendered.append))
    dialog.show_pdf()
    assert dialog.range() == (date(2026, 11, 1), date(2026, 11, 30))
    assert rendered and rendered[0].read_bytes().startswith(b"%PDF")


def test_ledger_excel_export(ctx: UiContext, qtbot: Any, messages: Any, monkeypatch: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from desktop.services.dossiers import Applicant, Reception, receive

    with ctx.db.transaction(officer="system") as s:
        code = receive(s, Reception("1.001193", Applicant("Quách Thị Ngọc Hân"))).code
    target = tmp_path / "so-theo-doi.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dialog = LedgerDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.date_from.setDate(QDate(2026, 11, 1))
    dialog.date_to.setDate(QDate(2026, 11, 30))
    dialog.export_excel()
    assert messages.texts() == [str(target)]
    cells = {str(c.value) for row in load_workbook(target).active.iter_rows() for c in row if c.value}
    assert code in cells and "Quách Thị Ngọc Hân" in cells
