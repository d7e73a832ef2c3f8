"""Danh mục import with bad rows listed; Cài đặt: calendar overrides and officers (admin only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop import settings
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
    from desktop.services.desk import get_setting, receipt_paper

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.general.idle.value() == 15 and page.general.paper.currentData() == "A4"
    page.general.idle.setValue(5)
    page.general.paper.setCurrentIndex(page.general.paper.findData("A5"))
    page.general.save()
    with ctx.db.reading() as s:
        assert get_setting(s, settings.IDLE_LOCK_MINUTES.key) == 5
    with ctx.db.reading() as s:
        assert receipt_paper(s) == "A5"


def test_admin_only_controls_disabled_for_officer_with_reason(make_ctx: Any, qtbot: Any) -> None:
    """The services refuse officers calendar, catalogue and settings changes; the UI says so up front."""
    officer_page = SettingsPage(make_ctx("officer"))
    catalog_page = CatalogPage(make_ctx("officer"))
    admin_page = SettingsPage(make_ctx("admin"))
    admin_catalog = CatalogPage(make_ctx("admin"))
    for widget in (officer_page, catalog_page, admin_page, admin_catalog):
        qtbot.addWidget(widget)

    def controls(page: SettingsPage, catalog_view: CatalogPage) -> list[Any]:
        return [page.calendar.add_button, page.calendar.remove_button, page.general.save_button,
                page.general.hub_url, page.general.idle, page.general.paper, page.backup.choose_second,
                page.officers.add_button, catalog_view.import_button]

    for widget in controls(officer_page, catalog_page):
        assert not widget.isEnabled(), widget.objectName()
        assert widget.toolTip().startswith("Chỉ tài khoản quản trị được"), widget.objectName()
    assert "sửa lịch làm việc" in officer_page.calendar.add_button.toolTip()
    assert "danh mục thủ tục" in catalog_page.import_button.toolTip()
    for widget in controls(admin_page, admin_catalog):
        assert widget.isEnabled(), widget.objectName()


def test_general_settings_refused_in_service_for_officer(make_ctx: Any, qtbot: Any, messages: Any) -> None:
    """Even if the button were pressed, an officer's save writes nothing and shows who may do it."""
    from desktop.services.desk import get_setting

    page = SettingsPage(make_ctx("officer"))
    qtbot.addWidget(page)
    page.general.idle.setValue(3)
    page.general.save()
    assert "quản trị" in messages.texts()[-1]
    with page.general.ctx.db.reading() as s:
        assert get_setting(s, settings.IDLE_LOCK_MINUTES.key) is None


def test_hub_url_edited_in_general_settings(ctx: UiContext, qtbot: Any, messages: Any) -> None:
    from desktop.services.desk import get_setting
    from desktop.ui.pages.sync import SyncPage

    page = SettingsPage(ctx)
    sync_page = SyncPage(ctx)
    qtbot.addWidget(page)
    qtbot.addWidget(sync_page)
    general = page.general
    assert general.hub_url.text() == ""
    general.hub_url.setText("  https://motcua.tinh.vn:8765/ ")
    general.idle.setValue(7)
    general.save()
    with ctx.db.reading() as s:
        assert get_setting(s, settings.HUB_URL.key) == "https://motcua.tinh.vn:8765"
        assert get_setting(s, settings.IDLE_LOCK_MINUTES.key) == 7
    assert general.hub_url.text() == "https://motcua.tinh.vn:8765"
    assert sync_page.url_edit.text() == "https://motcua.tinh.vn:8765"  # the Đồng bộ page follows

    # a bad address: the sync layer's message next to the field, and nothing else saved either
    general.hub_url.setText("ftp://10.0.0.5")
    general.idle.setValue(9)
    general.save()
    assert not general.hub_url_error.isHidden()
    assert "http:// hoặc https://" in general.hub_url_error.text()
    assert "http:// hoặc https://" in messages.texts()[-1]
    with ctx.db.reading() as s:
        assert get_setting(s, settings.HUB_URL.key) == "https://motcua.tinh.vn:8765"
        assert get_setting(s, settings.IDLE_LOCK_MINUTES.key) == 7

    # an address saved on the Đồng bộ page shows here, unless one is being typed here; empty clears it
    sync_page.url_edit.setText("http://10.0.0.9:8765")
    sync_page.save_url()
    assert general.hub_url.text() == "ftp://10.0.0.5"
    general.hub_url.setText("http://10.0.0.9:8765")  # the officer puts back the saved address
    sync_page.url_edit.setText("http://10.0.0.8:8765")
    sync_page.save_url()
    assert general.hub_url.text() == "http://10.0.0.8:8765"
    general.hub_url.setText("")
    general.save()
    with ctx.db.reading() as s:
        assert get_setting(s, settings.HUB_URL.key) is None
