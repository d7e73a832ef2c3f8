"""Báo cáo and Tổng quan pages show the numbers the headless report computes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from tests.reports import scenario

pytestmark = pytest.mark.gui


def test_reports_page_table_late_list_and_exports(qtbot: Any, ctx: Any, db: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, messages: Any) -> None:
    from desktop.ui.pages.reports import ReportsPage

    codes = scenario.build(db)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.load("2026-10", calendar=False)
    assert page.title.text() == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI UBND XÃ TÂN LẬP"
    assert "Từ ngày 15/09/2026 đến ngày 14/10/2026" in page.period_line.text()
    assert page.table.rowCount() == 5
    assert [page.cell_text(0, c) for c in range(13)] == ["1", "Hộ tịch", "4", "1", "2", "1", "2", "1", "0", "1",
                                                          "2", "2", "0"]
    assert [page.cell_text(4, c) for c in range(1, 13)] == ["Tổng cộng", "8", "1", "6", "1", "3", "2", "0", "1",
                                                             "5", "3", "2"]
    assert "(13)" in page.table.horizontalHeaderItem(12).text()
    assert page.late_table.rowCount() == 3
    shown = {page.late_table.item(r, 1).text() for r in range(3)}
    assert shown == {codes["A"], codes["E"], codes["I"]}
    one_line = page.late_table.verticalHeader().defaultSectionSize()
    assert {page.late_table.rowHeight(r) for r in range(3)} == {one_line}  # a long reason does not stretch a row
    assert all(page.late_table.item(r, 3).toolTip() == page.late_table.item(r, 3).text() for r in range(3))

    page.load("2026-10", calendar=True)
    assert "Từ ngày 01/10/2026 đến ngày 31/10/2026" in page.period_line.text()
    assert [page.cell_text(4, c) for c in range(2, 13)] == ["7", "1", "5", "1", "5", "2", "2", "1", "2", "0", "2"]

    target = tmp_path / "bieu06.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    page.xlsx_button.click()
    ws = load_workbook(target)["Biểu 06"]
    assert any(c.value == "Tổng cộng" for row in ws.iter_rows() for c in row)
    pdf = tmp_path / "late.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pdf), "")))
    page.late_pdf_button.click()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert ("information", "Đã lưu", str(pdf)) in messages.shown


def test_dashboard_page_numbers_and_charts(qtbot: Any, ctx: Any, db: Any) -> None:
    from desktop.ui.pages.dashboard import DashboardPage

    scenario.build(db)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.load("2026-10")
    assert page.today_values["overdue_now"].text() == "2"
    assert page.today_values["received_today"].text() == "0"
    assert page.today_values["waiting_queue"].text() == "0"
    cells = {page.targets.item(r, 0).text(): page.targets.item(r, 1).text() for r in range(page.targets.rowCount())}
    assert cells["Giải quyết đúng hạn"] == "66,7%"  # the catalogue (issue #19)
    assert cells["Tiếp nhận trực tuyến"] == "14,3%"
    assert "không phải điểm chính thức" in page.assessment.text()
    assert "15,04/54" in page.assessment.text()  # digitisation counts: 0 of 7 new dossiers digitised
    received = page.series_points("trend", 0)
    assert len(received) == 12 and received[-1] == 7 and received[-2] == 1
    assert page.series_points("trend", 2)[-1] == 1  # late in 2026-10
    assert page.series_points("rates", 1) == [98.0] * 12  # the plans ask ≥ 98% (issue #19)


def test_dashboard_shows_the_figures_before_the_outlook(qtbot: Any, ctx: Any, db: Any) -> None:
    """The period's figures come from a first read; the charts, the previous period and the year's forecast
    from a second (a year of dossiers at 200k): until then their cells read «…», a note says what is being
    computed and the workbook (which holds them) cannot be exported."""
    from desktop.reports.indicators import indicators
    from desktop.reports.periods import parse_period
    from desktop.ui.pages.dashboard import DashboardPage

    scenario.build(db)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    with db.reading() as s:
        figures = indicators(s, parse_period("2026-10"), outlook=False)
    page.show_data(figures, complete=False)
    assert page.outlook_pending and page.outlook_note.isVisible() and not page.export_button.isEnabled()
    assert page.targets.item(0, 1).text() != "…" and page.targets.item(0, 4).text() == "…"
    assert page.series_points("trend", 0) == []
    page.load("2026-10")  # both reads (the test runner's reads finish at once)
    assert not page.outlook_pending and not page.outlook_note.isVisible() and page.export_button.isEnabled()
    assert page.targets.item(0, 4).text() != "…" and len(page.series_points("trend", 0)) == 12


def test_dashboard_drops_a_superseded_read_and_survives_a_failed_outlook(qtbot: Any, ctx: Any, db: Any,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         messages: Any) -> None:
    """Reads run in parallel: figures of a period asked for earlier that arrive last are not shown and start
    no outlook read; an outlook read that fails takes the waiting line away and says why."""
    from desktop.errors import UserError
    from desktop.ui.pages.dashboard import DashboardPage

    scenario.build(db)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    pending: list[tuple[Any, Any, Any]] = []
    read = ctx.read  # the synchronous runner, called when the test says the read has finished
    monkeypatch.setattr(ctx, "read", lambda work, on_done=None, on_error=None: pending.append((work, on_done, on_error)))

    def finish(index: int) -> None:
        read(*pending[index])

    page.load("2026-10")
    page.load("2026-11")
    assert len(pending) == 2
    finish(1)  # November's figures first: shown, and its outlook read asked for
    assert page.data["period"]["label"] == "2026-11" and page.outlook_pending and len(pending) == 3
    finish(0)  # October's figures arrive last: dropped, no second read for them
    assert page.data["period"]["label"] == "2026-11" and len(pending) == 3
    pending[2][2](UserError("Không đọc được dữ liệu 12 tháng."))
    assert not page.outlook_pending and not page.outlook_note.isVisible() and not page.export_button.isEnabled()
    assert "Không đọc được dữ liệu 12 tháng." in messages.texts()


def test_pages_are_registered() -> None:
    from desktop.ui.pages import PAGES

    keys = {page.key: page for page in PAGES}
    assert "pending" not in repr(keys["reports"].factory) and "pending" not in repr(keys["overview"].factory)


def test_dashboard_shows_digitisation_satisfaction_and_waiting(qtbot: Any, ctx: Any, db: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, messages: Any) -> None:
    from desktop.services import digitisation, dossiers, queue, surveys
    from desktop.ui.pages.dashboard import DashboardPage
    from tests.feedback.helpers import at, receive

    with db.transaction(officer="system") as s:
        first = receive(s, "2026-10-05T09:00")
        digitisation.digitise_component(s, first, 1)
        receive(s, "2026-10-06T09:00")
        dossiers.start(s, first, at=at("2026-10-07T09:00"))
        dossiers.record_result(s, first, at=at("2026-10-07T09:00"))
        digitisation.digitise_result(s, first)
        for when, overall in (("2026-10-05T10:00", "rat_hai_long"), ("2026-10-06T10:00", "hai_long"),
                              ("2026-10-07T10:00", "hai_long"), ("2026-10-08T10:00", "khong_hai_long")):
            surveys.record_answer(s, {"overall": overall}, at=at(when))
        for arrived, called in (("07:30", "07:42"), ("07:35", "07:55")):
            number = queue.take_ticket(s, at=at(f"2026-10-09T{arrived}")).number
            queue.call_ticket(s, number, at=at(f"2026-10-09T{called}"))
        queue.take_ticket(s, at=at("2026-11-20T15:00"))  # waiting now
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.load("2026-10", calendar=True)
    assert page.today_values["waiting_queue"].text() == "1"
    cells = {page.targets.item(r, 0).text(): (page.targets.item(r, 1).text(), page.targets.item(r, 2).text(),
                                              page.targets.item(r, 3).text()) for r in range(page.targets.rowCount())}
    assert cells["Hồ sơ có thành phần số hóa"] == ("50,0%", "≥ 100,0%", "● chưa đạt")
    assert cells["Kết quả được số hóa"] == ("100,0%", "≥ 100,0%", "● đạt")
    assert cells["Hài lòng"] == ("75,0%", "≥ 95,0%", "● chưa đạt")
    # (12 + 20) / 2 = 16 minutes: a minute over the target reads amber, within reach
    assert cells["Thời gian chờ bình quân"] == ("16,0 phút", "≤ 15,0 phút", "● gần đạt")
    rows = {page.targets.item(r, 0).text(): r for r in range(page.targets.rowCount())}
    unpaid = page.targets.item(rows["Nộp phí trực tuyến"], 3)  # no fee recorded
    assert unpaid.text() == "● chưa có dữ liệu" and unpaid.background().color().name() == "#f1f3f5"
    late = page.targets.item(rows["Trễ hạn có văn bản xin lỗi"], 3)  # one late, no apology
    assert late.text() == "● chưa đạt" and late.background().color().name() == "#ffe3e3"
    assert page.targets.item(rows["Kết quả được số hóa"], 3).background().color().name() == "#d3f9d8"
    text = page.waiting.text()
    assert "tháng 10 năm 2026: 2 lượt, đã phục vụ 2, bình quân 16 phút, 90% lượt không quá 20 phút" in text
    assert "Chỉ tiêu ≤ 15 phút" in text
    assert page.series_points("rates", 2)[-1] == 50.0 and page.series_points("rates", 3) == [100.0] * 12
    assert page.series_points("rates", 4) == [75.0] and page.series_points("rates", 5) == [95.0] * 12
    assert page.series_points("waiting", 0) == [16.0] and page.series_points("waiting", 1) == [20.0]
    assert page.series_points("waiting", 2) == [15.0] * 12

    target = tmp_path / "chi-so.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    page.export_button.click()
    ws = load_workbook(target)["Chỉ tiêu"]
    rows = {ws.cell(r, 2).value: ws.cell(r, 3).value for r in range(6, ws.max_row + 1)}
    assert rows["Tỷ lệ hài lòng"] == 75.0 and rows["Thời gian chờ bình quân"] == 16.0  # numbers in the cells
    assert ("information", "Đã lưu", str(target)) in messages.shown
