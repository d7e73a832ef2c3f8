"""Số hóa and Khảo sát pages: keyboard-only survey entry, the tracker table, exports, the kiosk button."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from desktop.db.models_feedback import SurveyAnswer
from desktop.services import digitisation
from desktop.services import kiosk as kiosk_service
from desktop.ui.pages.digitisation import DigitisationPage
from desktop.ui.pages.surveys import SurveysPage
from tests.feedback.helpers import receive
from tests.ui.conftest import Keyboard

pytestmark = pytest.mark.gui


def test_officer_enters_a_survey_by_keyboard_only(make_ctx, db, qtbot):
    with db.transaction(officer="canbo1") as s:
        code = receive(s, "2026-11-19T09:00")
    page = SurveysPage(make_ctx("officer"))
    qtbot.addWidget(page)
    page.show()
    page.focus_search()
    keys = Keyboard(page)
    keys.type(code)
    keys.press(Qt.Key.Key_Tab)                     # → overall
    assert keys.target() is page.entry.combos["overall"]
    keys.press(Qt.Key.Key_Down)                    # Rất hài lòng
    keys.press(Qt.Key.Key_Down)                    # Hài lòng
    keys.press(Qt.Key.Key_Tab)                     # → tiep_can
    keys.press(Qt.Key.Key_Down)                    # Rất hài lòng
    for _ in range(5):
        keys.press(Qt.Key.Key_Tab)                 # past thu_tuc, can_bo, ket_qua, gop_y (unanswered)
    assert keys.target() is page.entry.comment
    keys.type("Phòng chờ hơi nóng")
    keys.press(Qt.Key.Key_Return)
    with db.reading() as s:
        row = s.scalars(select(SurveyAnswer)).one()
    assert (row.dossier_code, row.overall, row.source, row.officer) == (code, "hai_long", "officer", "canbo1")
    assert row.answers == {"overall": "hai_long", "tiep_can": "rat_hai_long", "comment": "Phòng chờ hơi nóng"}
    assert page.entry.status.text() == f"Đã lưu phiếu: Hài lòng cho hồ sơ {code}."
    assert page.entry.dossier_code.text() == "" and page.focusWidget() is page.entry.dossier_code
    # the results tab of the same page counts it; an officer does not see the per-officer table
    page.results.period.preset.setCurrentIndex(0)  # this month
    assert page.results.data["total"]["answers"] == 1
    assert page.results.by_officer.isHidden() and not page.results.officer_note.isHidden()
    assert "Tỷ lệ hài lòng 100,0% (chỉ tiêu 95,0%) đạt" in page.results.summary.text()


def test_missing_overall_answer_is_refused_and_nothing_saved(make_ctx, db, qtbot, messages):
    page = SurveysPage(make_ctx("officer"))
    qtbot.addWidget(page)
    page.show()
    page.focus_search()
    Keyboard(page).press(Qt.Key.Key_Return)
    assert any("Chưa trả lời câu bắt buộc" in text for text in messages.texts())
    with db.reading() as s:
        assert s.scalar(select(SurveyAnswer.id)) is None


def test_leader_sees_officers_and_exports(make_ctx, db, qtbot, tmp_path):
    from desktop.services import surveys

    with db.transaction(officer="canbo1") as s:
        surveys.record_answer(s, {"overall": "khong_hai_long", "comment": "Chờ lâu"})
    page = SurveysPage(make_ctx("leader"))
    qtbot.addWidget(page)
    results = page.results
    results.period.preset.setCurrentIndex(0)
    assert not results.by_officer.isHidden()
    assert results.by_officer.item(0, 0).text() == "canbo1" and results.by_officer.item(0, 4).text() == "1"
    assert results.comments.item(0).text().endswith("Không hài lòng · Chờ lâu")
    assert results.band.text() == "Xếp loại: chưa có phiếu đánh giá"
    results.export_to(tmp_path / "ks.xlsx")
    assert load_workbook(results.last_export).sheetnames[:2] == ["Mức độ hài lòng", "Theo cán bộ"]


def test_kiosk_opens_from_the_page_only_with_a_pin(make_ctx, db, qtbot, messages):
    page = SurveysPage(make_ctx("leader"))
    qtbot.addWidget(page)
    qtbot.mouseClick(page.kiosk_button, Qt.MouseButton.LeftButton)
    assert page.kiosk is None and any("Chưa đặt mã PIN" in t for t in messages.texts())
    page.set_pin("2468")
    with db.reading() as s:
        assert kiosk_service.check_pin(s, "2468")
    qtbot.mouseClick(page.kiosk_button, Qt.MouseButton.LeftButton)
    try:
        assert page.kiosk.isVisible() and page.kiosk.isFullScreen()
        with db.transaction() as s:
            code = receive(s, "2026-11-19T09:00")
        page.attach_code.setText(code)
        page.attach()
        assert page.kiosk.attached_dossier == code
    finally:
        page.kiosk.leave()


def test_digitisation_page_table_by_keyboard_and_export(make_ctx, db, qtbot, tmp_path, monkeypatch):
    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
        digitisation.digitise_component(s, code, 1)
        receive(s, "2026-11-17T09:00")
        receive(s, "2026-10-05T09:00", digitised=(0,))
    page = DigitisationPage(make_ctx("officer"))
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # window shortcuts (Ctrl+E) need the active window
    # this year by default: both months
    assert page.table.rowCount() == 2
    assert [page.table.item(1, c).text() for c in range(5)] == ["Tổng cộng", "3", "2", "1", "66,7"]
    assert page.targets_label.text().startswith("Chỉ tiêu năm 2026: số hóa thành phần 100,0%")
    line = page.chart.series()[0]  # component rate; months without receptions have no point
    assert [(p.x(), p.y()) for p in line.points()] == [(9.0, 100.0), (10.0, 50.0)]  # Oct, Nov
    page.period.preset.setFocus()
    keys = Keyboard(page)
    keys.press(Qt.Key.Key_Home)                  # "Tháng này"
    assert page.period.window() == (date(2026, 11, 1), date(2026, 11, 20))
    assert [page.table.item(1, c).text() for c in range(5)] == ["Tổng cộng", "2", "1", "1", "50,0"]
    target = tmp_path / "so-hoa.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    keys.press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    ws = load_workbook(target)["Theo dõi số hóa"]
    assert [c.value for c in ws[6]][:5] == ["Tổng cộng", 2, 1, 1, 50.0]


def test_digitise_dialog_by_keyboard(make_ctx, db, qtbot, tmp_path, monkeypatch):
    from desktop.services import dossiers
    from desktop.ui.dialogs.digitise_dialog import DigitiseDialog

    with db.transaction() as s:
        old = receive(s, "2026-11-02T09:00")
        digitisation.digitise_component(s, old, 2)
        code = receive(s, "2026-11-16T09:00")
        dossiers.start(s, code)
        dossiers.record_result(s, code)
    dialog = DigitiseDialog(make_ctx("officer"), code)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.table.setFocus()
    assert dialog.table.rowCount() == 4 and dialog.table.item(3, 0).text() == "KQ"
    keys = Keyboard(dialog)
    keys.press(Qt.Key.Key_Space)                       # component 1 digitised
    assert dialog.table.item(0, 2).text() == "✓"
    keys.press(Qt.Key.Key_Down)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem",
                        staticmethod(lambda *a, **k: (a[3][a[4]], True)))
    keys.press(Qt.Key.Key_R)                           # component 2 reused (same name offered first)
    assert dialog.table.item(1, 4).text() == "Dùng lại"
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_P)                           # component 3 from the national portal
    assert dialog.table.item(2, 4).text() == "Cổng DVC quốc gia"
    keys.press(Qt.Key.Key_Down)
    scan = tmp_path / "ket_qua.pdf"
    scan.write_bytes(b"%PDF-1.4 ket qua")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(scan), "")))
    keys.press(Qt.Key.Key_F)                           # the result: scan attached and digitised
    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", staticmethod(lambda url: opened.append(url)))
    keys.press(Qt.Key.Key_O)
    assert opened and opened[0].toLocalFile().endswith(".pdf")
    assert dialog.opened.read_bytes() == b"%PDF-1.4 ket qua"
    with db.reading() as s:
        dossier = dossiers.get_dossier(s, code)
        assert [c.digitised for c in dossier.components] == [True, True, True]
        assert dossier.result_digitised and dossier.result_file_sha256


def test_queue_panel_ticket_call_link_and_stats(make_ctx, db, qtbot):
    from datetime import datetime

    from desktop.platform import clock
    from desktop.services import queue

    with db.transaction() as s:  # earlier today: waits of 5 and 25 minutes
        for arrived, called in (("07:30", "07:35"), ("07:40", "08:05")):
            number = queue.take_ticket(s, at=clock.to_vn(datetime.fromisoformat(f"2026-11-20T{arrived}"))).number
            queue.call_ticket(s, number, at=clock.to_vn(datetime.fromisoformat(f"2026-11-20T{called}")))
    page = SurveysPage(make_ctx("officer"))
    qtbot.addWidget(page)
    panel = page.queue
    assert panel.today.text().startswith("Hôm nay: 2 lượt, đã phục vụ 2; chờ trung bình 15,0 phút, "
                                         "90 % khách chờ không quá 25,0 phút (chỉ tiêu ≤ 15,0 phút) đạt")
    qtbot.mouseClick(panel.ticket_button, Qt.MouseButton.LeftButton)
    assert panel.last_ticket.text() == "Số vừa cấp: 3 (16:00)"
    qtbot.mouseClick(panel.call_button, Qt.MouseButton.LeftButton)
    assert panel.serving.text() == "Mời số 3 — đã chờ 0,0 phút"
    with db.transaction(officer="canbo1") as s:
        code = receive(s, "2026-11-20T16:00")
    qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    assert panel.serving.text() == f"Số 3 → hồ sơ {code}"
    assert panel.days.rowCount() == 1 and panel.days.item(0, 1).text() == "3"


def test_dossier_detail_opens_the_digitise_dialog(make_ctx, db, qtbot):
    from desktop.ui.dialogs.digitise_dialog import DigitiseDialog
    from desktop.ui.dossier_detail import DossierDetailDialog

    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
    detail = DossierDetailDialog(make_ctx("officer"), code)
    qtbot.addWidget(detail)
    qtbot.mouseClick(detail.digitise_button, Qt.MouseButton.LeftButton)
    dialogs = detail.findChildren(DigitiseDialog)
    assert len(dialogs) == 1 and dialogs[0].table.rowCount() == 3
    dialogs[0].table.selectRow(0)
    dialogs[0].toggle()
    dialogs[0].accept()
    assert detail.components.item(0, 2).text() == "✓"


def test_period_presets_include_the_report_windows(qtbot):
    from datetime import date

    from desktop.ui.widgets.period_range import PeriodRange

    picker = PeriodRange()
    qtbot.addWidget(picker)
    labels = [picker.preset.itemText(i) for i in range(picker.preset.count())]
    index = labels.index("Kỳ báo cáo tháng này (15→14)")
    picker.preset.setCurrentIndex(index)
    assert picker.window() == (date(2026, 11, 15), date(2026, 12, 14))  # clock pinned to 20/11/2026
    picker.preset.setCurrentIndex(labels.index("Kỳ báo cáo tháng trước (15→14)"))
    assert picker.window() == (date(2026, 10, 15), date(2026, 11, 14))
    picker.preset.setCurrentIndex(labels.index("Kỳ báo cáo quý này (15→14)"))
    assert picker.window() == (date(2026, 9, 15), date(2026, 12, 14))
    assert labels[-1] == "Tùy chọn"
