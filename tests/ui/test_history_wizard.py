"""Issue #20: the import wizard and the export button, driven as an officer would (Cài đặt › Dữ liệu)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import func, select

from desktop.db.models import Dossier
from desktop.db.models_history import DossierImport
from desktop.ui.context import UiContext
from desktop.ui.pages.settings import SettingsPage
from tests.history.ledger_fixture import build_ledger


def _next(wizard: Any) -> None:
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()


def test_wizard_previews_confirms_and_imports(qtbot, ctx: UiContext, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    panel = page.data
    assert page.tabs.tabText(page.tabs.indexOf(panel)) == "Dữ liệu" and panel.import_button.isEnabled()
    wizard = panel.open_wizard()
    ledger = build_ledger(tmp_path / "so-theo-doi.xlsx")
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # no file yet
    wizard.file_page.set_file(ledger)
    assert wizard.file_page.sheet.currentText() == "Sổ 2026"
    _next(wizard)

    columns = wizard.columns_page
    assert columns.header_label.text() == "Tiêu đề ở dòng 4–5 của trang tính «Sổ 2026»."
    due = columns.table.findChild(QComboBox, "field_I")
    assert due.currentData() == "due" and due.currentText() == "Ngày hẹn trả"
    saved = tmp_path / "anh-xa.json"
    wizard.save_file = lambda *_: saved  # type: ignore[method-assign]
    columns.save()
    assert json.loads(saved.read_text(encoding="utf-8"))["columns"]["L"] == "returned"
    _next(wizard)

    preview = wizard.preview_page
    assert preview.summary.text().startswith("Sẽ nhập 4 hồ sơ") and "Bỏ qua vì trùng: 1. Từ chối: 5." in preview.summary.text()
    assert preview.fuzzy.count() == 1 and "2.000884" in preview.fuzzy.item(0).text()
    rows = [preview.problems.item(r, 0).text() for r in range(preview.problems.rowCount())]
    assert "12" in rows and "14" in rows
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count(Dossier.id))) == 0  # the preview wrote nothing
    preview.fuzzy.item(0).setCheckState(Qt.CheckState.Checked)  # the officer confirms the near name
    preview.initializePage()
    assert preview.summary.text().startswith("Sẽ nhập 5 hồ sơ") and "Từ chối: 4." in preview.summary.text()
    _next(wizard)

    done = wizard.done_page
    assert done.isComplete() and wizard.result is not None and wizard.result.imported == 5
    assert done.status.text().startswith("Đã nhập 5 hồ sơ từ so-theo-doi.xlsx")
    assert done.progress.value() == done.progress.maximum()
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count(Dossier.id))) == 5
        assert session.scalar(select(func.count(DossierImport.id))) == 5
    assert messages.texts() == []

    again = panel.open_wizard()  # the same file again adds nothing
    again.file_page.set_file(ledger)
    _next(again)
    _next(again)
    assert again.preview_page.summary.text().startswith("Sẽ nhập 0 hồ sơ")
    assert not again.button(again.WizardButton.NextButton).isEnabled()


def test_export_button_writes_every_sheet(qtbot, ctx: UiContext, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("history", "import", str(build_ledger(tmp_path / "l.xlsx")), "--accept-fuzzy").code == 0
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    target = tmp_path / "tat-ca.xlsx"
    page.data.save_file = lambda *_: target  # type: ignore[method-assign]
    page.data.choose_export()
    assert page.data.last_export is not None and target.is_file()
    assert page.data.status.text().startswith(f"Đã xuất vào {target}") and "Hồ sơ: 5" in page.data.status.text()
    assert sum(1 for _ in load_workbook(target, read_only=True)["Hồ sơ"].iter_rows()) == 6


def test_data_tab_is_admin_only(qtbot, make_ctx) -> None:  # type: ignore[no-untyped-def]
    page = SettingsPage(make_ctx("officer"))
    qtbot.addWidget(page)
    assert not page.data.import_button.isEnabled() and not page.data.export_button.isEnabled()
