"""Issue #17: the calendar page shows each day's source and the uncertain 24/11, and lists the open
dossiers a calendar change would move; their due dates change only when the officer applies it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from desktop.platform import clock
from desktop.services.dossiers import Applicant, Reception, get_dossier, receive
from desktop.ui.context import UiContext
from desktop.ui.pages.settings import SettingsPage


def test_calendar_page_sources_and_due_changes(ctx: UiContext, qtbot: Any) -> None:
    with ctx.db.transaction(officer="setup") as s:
        code = receive(s, Reception("1.004873", Applicant("Trần Thị Bình"),
                                    at=datetime(2026, 11, 16, 10, tzinfo=clock.VN_TZ))).code
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    editor = page.calendar
    editor.year.setValue(2026)
    table = editor.table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())}
    assert rows["02/01/2026"][1:4] == ["Nghỉ", rows["02/01/2026"][2], "Chính phủ"]
    assert "12729/VPCP-KGVX" in rows["02/01/2026"][4]
    assert rows["10/01/2026"][1] == "Làm việc" and rows["10/01/2026"][3] == "Chính phủ"
    assert rows["24/11/2026"][3] == "Chính phủ — chưa chắc chắn"
    assert editor.pending.isHidden() and "Không có hồ sơ" in editor.pending_label.text()

    editor.save_override(date(2026, 11, 18), False, "Nghỉ đột xuất")
    assert editor.pending.rowCount() == 1 and editor.pending.item(0, 0).text() == code
    assert editor.pending.item(0, 2).text() == "17:00 19/11/2026"
    assert editor.pending.item(0, 3).text() == "17:00 20/11/2026"
    with ctx.db.reading() as s:
        assert get_dossier(s, code).due_at.date() == date(2026, 11, 19)
    editor.apply_button.click()
    with ctx.db.reading() as s:
        assert get_dossier(s, code).due_at.date() == date(2026, 11, 20)
    assert editor.pending.rowCount() == 0 and editor.apply_button.isHidden()


def test_hours_tab_sets_saturday_morning_and_lists_moved_dossiers(ctx: UiContext, qtbot: Any,
                                                                  monkeypatch: Any) -> None:
    with ctx.db.transaction(officer="setup") as s:
        code = receive(s, Reception("1.001193", Applicant("Đỗ Văn Giang"),
                                    at=datetime(2026, 11, 20, 9, tzinfo=clock.VN_TZ))).code  # due Fri 17:00
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    hours = page.hours
    assert hours.days["mon"].text() == "07:30-11:30, 13:30-17:00" and hours.days["sat"].text() == ""
    hours.days["sat"].setText("07:30-11:30")
    hours.days["fri"].setText("07:30-11:30, 13:30-16:30")
    hours.save_button.click()
    assert "Đã lưu" in hours.status.text()
    with ctx.db.reading() as s:
        from desktop.services.desk import desk_context

        assert desk_context(s).rules.hours.week_text()["sat"] == "07:30-11:30"
    assert page.calendar.pending.rowCount() == 1 and page.calendar.pending.item(0, 0).text() == code
    assert page.calendar.pending.item(0, 3).text() == "16:30 20/11/2026"
    errors: list[str] = []
    monkeypatch.setattr("desktop.ui.messages.show_error", lambda _parent, exc: errors.append(str(exc)))
    hours.days["sun"].setText("sáng")
    hours.save_button.click()
    assert errors and "sun" in errors[0]
    with ctx.db.reading() as s:
        assert desk_context(s).rules.hours.week_text()["sun"] == ""


def test_admin_switches_the_uncertain_day(ctx: UiContext, qtbot: Any) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    editor = page.calendar
    editor.year.setValue(2026)
    rows = [editor.table.item(r, 0).text() for r in range(editor.table.rowCount())]
    editor.table.setCurrentCell(rows.index("24/11/2026"), 0)
    editor.toggle_button.click()
    rows = [editor.table.item(r, 0).text() for r in range(editor.table.rowCount())]
    row = rows.index("24/11/2026")
    assert editor.table.item(row, 1).text() == "Làm việc"
    assert editor.table.item(row, 3).text() == "Đơn vị — chưa chắc chắn"
    with ctx.db.reading() as s:
        from desktop.services.desk import load_calendar

        assert load_calendar(s).is_working_day(date(2026, 11, 24))
    editor.table.setCurrentCell(row, 0)
    editor.remove_button.click()  # back to the official file: a day off, still marked uncertain
    rows = [editor.table.item(r, 0).text() for r in range(editor.table.rowCount())]
    assert editor.table.item(rows.index("24/11/2026"), 3).text() == "Chính phủ — chưa chắc chắn"


def test_officer_cannot_switch_days(make_ctx: Any, qtbot: Any) -> None:
    page = SettingsPage(make_ctx("officer"))
    qtbot.addWidget(page)
    assert not page.calendar.toggle_button.isEnabled()
