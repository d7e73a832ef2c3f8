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
