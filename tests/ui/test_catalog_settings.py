"""Danh mục import with bad rows listed; Cài đặt: calendar overrides and officers (admin only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.services import calendar, officers
from desktop.ui.context import UiContext
from desktop.ui.dialogs.import_result_dialog import ImportResultDialog
from desktop.ui.pages.catalog import CatalogPage
from desktop.ui.pages.settings import SettingsPage

pytestmark = pytest.mark.gui
HEADER = "Mã TTHC,Tên TTHC,Lĩnh vực,Thời hạn giải quyết,Đơn vị thời hạn,Thành phần hồ sơ\n"


def test_catalog_lists_and_filters_unaccented(ctx: UiContext, qtbot: Any) -> None:
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    total = page.table.rowCount()
    assert total > 10
    page.search.setText("khai sinh")
    assert 0 < page.table.rowCount() < total


def test_catalog_import_reports_bad_rows(ctx: UiContext, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    shown: list[ImportResultDialog] = []
    monkeypatch.setattr(ImportResultDialog, "exec", lambda self: shown.append(self) or 0)
    page = CatalogPage(ctx)
    qtbot.addWidget(page)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "9.000001,Thủ tục thử,Hộ tịch,5,Ngày làm việc,Tờ khai\n"
                   "9.000002,,Hộ tịch,5,Ngày làm việc,Tờ khai\n", encoding="utf-8")
    page.import_file(bad)
    assert "CHƯA ghi" in shown[-1].summary.text()
    assert shown[-1].errors.item(0, 0).text() == "3"
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "9.000001,Thủ tục thử nghiệm đặc biệt,Hộ tịch,5,Ngày làm việc,Tờ khai\n",
                    encoding="utf-8")
    page.import_file(good)
    assert "1 thủ tục mới" in shown[-1].summary.text()
    page.search.setText("thu nghiem dac biet")
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "9.000001"


def test_calendar_override_add_and_remove(ctx: UiContext, qtbot: Any) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    editor = page.calendar
    editor.year.setValue(2026)
    before = editor.table.rowCount()
    editor.save_override(date(2026, 12, 24), False, "Nghỉ bù theo quyết định của tỉnh")
    assert editor.table.rowCount() == before + 1
    rows = [editor.table.item(r, 0).text() for r in range(editor.table.rowCount())]
    row = rows.index("24/12/2026")
    assert editor.table.item(row, 2).text() == "Nghỉ bù theo quyết định của tỉnh"
    editor.table.setCurrentCell(row, 0)
    editor.remove_selected()
    assert editor.table.rowCount() == before
    with ctx.db.reading() as s:
        assert all(d["date"] != "2026-12-24" for d in calendar.year_view(s, 2026)["days_off"])


def test_only_admin_adds_officers(make_ctx: Any, qtbot: Any, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import officer_dialog

    officer_page = SettingsPage(make_ctx("officer"))
    qtbot.addWidget(officer_page)
    assert not officer_page.officers.add_button.isEnabled()
    assert not officer_page.general.idle.isEnabled()
    admin_ctx = make_ctx("admin")
    admin_page = SettingsPage(admin_ctx)
    qtbot.addWidget(admin_page)
    assert admin_page.officers.add_button.isEnabled()

    def fill(self: Any) -> int:
        self.username.setText("vanthu")
        self.full_name.setText("Bùi Thị Xuân")
        self.password.setText("vanthu2026")
        self.password2.setText("vanthu2026")
        return 1

    monkeypatch.setattr(officer_dialog.OfficerDialog, "exec", fill)
    admin_page.officers.add_officer()
    names = [admin_page.officers.table.item(r, 0).text() for r in range(admin_page.officers.table.rowCount())]
    assert "vanthu" in names
    assert officers.login(admin_ctx.db, "vanthu", "vanthu2026").full_name == "Bùi Thị Xuân"


def test_general_settings_save_idle_minutes_and_receipt_paper(ctx: UiContext, qtbot: Any) -> None:
    from desktop.services.desk import get_setting
    from desktop.ui.printing import receipt_paper

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.general.idle.value() == 15 and page.general.paper.currentData() == "A4"
    page.general.idle.setValue(5)
    page.general.paper.setCurrentIndex(page.general.paper.findData("A5"))
    page.general.save()
    with ctx.db.reading() as s:
        assert get_setting(s, "idle_lock_minutes") == 5
    assert receipt_paper(ctx) == "A5"
