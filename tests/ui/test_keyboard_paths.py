"""The second keyboard-only path of the desk (issue #18): search → Enter → open → start → result → return,
with no mouse: Enter in the search box lands on the first result, Enter opens it, the detail puts the
keyboard on the step the dossier can take now, and Space runs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.platform import clock
from desktop.rules.lifecycle import Status
from desktop.services import dossiers
from desktop.services.dossiers import Applicant, Reception
from desktop.ui.context import UiContext
from desktop.ui.pages.dossiers import DossiersPage
from tests.ui.conftest import Keyboard

NAME = "Đinh Thị Bàn Phím"


def _receive(ctx: UiContext) -> str:
    with ctx.db.transaction(officer="system") as s:
        return dossiers.receive(s, Reception("1.001193", Applicant(NAME), at=clock.now() - timedelta(hours=2))).code


def _accept_next_modal() -> None:
    """The result dialog is modal: Enter on it (its default button) once it is up."""
    def press() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, press)
            return
        QTest.keyClick(modal, Qt.Key.Key_Return)

    QTimer.singleShot(0, press)


def test_search_open_start_result_return_without_the_mouse(ctx: UiContext, qtbot: Any, messages: Any) -> None:
    code = _receive(ctx)
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.activate() if hasattr(page, "activate") else None
    page.search.setFocus()
    keys = Keyboard(page)
    keys.type("ban phim")  # no diacritics, part of the name
    keys.press(Qt.Key.Key_Return)
    assert page.focusWidget() is page.table and page.table.currentIndex().row() == 0
    keys.press(Qt.Key.Key_Return)  # opens the selected dossier
    detail = page.opened[-1]
    assert detail.code == code
    qtbot.waitUntil(lambda: detail.focusWidget() is detail.action_buttons["start"])
    steps = Keyboard(detail)
    steps.press(Qt.Key.Key_Space)  # Chuyển xử lý (confirmed by the Yes the message box offers)
    assert detail.detail.data["status"] == Status.IN_PROGRESS
    assert detail.focusWidget() is detail.action_buttons["result"]
    _accept_next_modal()
    steps.press(Qt.Key.Key_Space)  # Ghi nhận kết quả… → Enter accepts «giải quyết»
    assert detail.detail.data["status"] == Status.RESOLVED and detail.detail.data["result"] == "approved"
    assert detail.focusWidget() is detail.action_buttons["return"]
    steps.press(Qt.Key.Key_Space)  # Trả kết quả
    assert detail.detail.data["status"] == Status.RETURNED
    assert not any("phiếu kiểm soát" in text.lower() for text in messages.texts())  # not asked at every step
    print(f"\nkeyboard-only search → return: {keys.count + steps.count} key events")


def test_a_search_without_result_says_so(ctx: UiContext, qtbot: Any) -> None:
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.search.setText("khong co ai ten nay")
    page.search_entered()
    assert page.count_label.text() == "Không tìm thấy hồ sơ nào khớp «khong co ai ten nay»"


def test_tab_leaves_the_components_table_for_the_actions(ctx: UiContext, qtbot: Any) -> None:
    from desktop.ui.dossier_detail import DossierDetailDialog

    dialog = DossierDetailDialog(ctx, _receive(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.components.setFocus()
    for _ in range(4):  # components → timeline → supplements → the first enabled step
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        if dialog.focusWidget() in dialog.action_buttons.values():
            break
    assert dialog.focusWidget() in dialog.action_buttons.values()


def test_a_period_not_begun_is_refused_with_a_reason(ctx: UiContext, qtbot: Any, messages: Any) -> None:
    from desktop.ui.pages.reports import ReportsPage

    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.load("2027-03")
    assert any("chưa bắt đầu" in text and "20/11/2026" in text for text in messages.texts())


def test_reversed_dates_are_said_not_silently_swapped(qtbot: Any) -> None:
    from datetime import date

    from PySide6.QtCore import QDate

    from desktop.ui.widgets.period_range import PeriodRange

    widget = PeriodRange()
    qtbot.addWidget(widget)
    widget.start_edit.setDate(QDate(2026, 11, 10))
    widget.end_edit.setDate(QDate(2026, 11, 1))
    assert widget.window() == (date(2026, 11, 1), date(2026, 11, 10))
    assert widget.hint.text() == "«Từ» sau «đến»: hiểu là từ 01/11/2026 đến 10/11/2026"


def test_the_detail_names_officers_by_their_full_names(ctx: UiContext, qtbot: Any) -> None:
    from desktop.ui.dossier_detail import DossierDetailDialog

    with ctx.db.transaction(officer=ctx.officer.username) as s:
        code = dossiers.receive(s, Reception("1.001193", Applicant(NAME))).code
    dialog = DossierDetailDialog(ctx, code)
    qtbot.addWidget(dialog)
    shown = [dialog.fields.itemAt(i).widget().text() for i in range(dialog.fields.count())
             if dialog.fields.itemAt(i).widget() is not None]
    assert ctx.officer.full_name in shown and ctx.officer.username not in shown
    assert f"({ctx.officer.full_name})" in dialog.timeline.item(0).text()


def test_slow_work_shows_a_sign_in_the_status_bar(ctx: UiContext, qtbot: Any) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(ctx, lock=False)
    qtbot.addWidget(window)
    window.show()
    ctx.tasks.busy_changed.emit(1)
    assert window.busy.isHidden()  # not for a blink
    qtbot.waitUntil(lambda: not window.busy.isHidden(), timeout=2000)
    assert window.busy.text() == "⏳ Đang tải dữ liệu…"
    ctx.tasks.busy_changed.emit(0)
    assert window.busy.isHidden()


def test_the_dashboard_follows_the_period_at_once(ctx: UiContext, qtbot: Any) -> None:
    from desktop.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.load("2026-10")
    assert page.data["period"]["label"] == "2026-10"
    page.picker.index.setCurrentIndex(8)  # September, without pressing «Xem»
    qtbot.waitUntil(lambda: page.data["period"]["label"] == "2026-09", timeout=3000)


def test_f2_reception_to_printed_receipt_without_the_mouse(ctx: UiContext, qtbot: Any,
                                                            monkeypatch: Any) -> None:
    """The first keyboard-only path (issue #18): F2 → procedure → name → ID → ticks → Ctrl+Enter → the
    receipt preview → Enter prints it (the system print dialog answered «In» by a stub)."""
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QDialog
    from sqlalchemy import select

    from desktop.db.models import Dossier
    from desktop.ui import pdf_preview
    from desktop.ui.main_window import MainWindow
    from desktop.ui.printing import OPEN_PREVIEWS

    printed: list[QPrinter] = []

    class PrintDialog:  # the system dialog: accepted as if the officer pressed its «In»
        def __init__(self, printer: QPrinter, _parent: Any) -> None:
            self.printer = printer

        def exec(self) -> int:
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(ctx.db.path.with_name("printed.pdf")))
            printed.append(self.printer)
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(pdf_preview, "QPrintDialog", PrintDialog)
    ctx.show_previews = True
    window = MainWindow(ctx, lock=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys = Keyboard(window)
    window.nav.setFocus()
    keys.press(Qt.Key.Key_F2)
    page = window.page_widget("reception")
    assert window.current_key() == "reception" and window.focusWidget() is page.procedure.edit
    keys.type("khai sinh")
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert page.procedure.current is not None and window.focusWidget() is page.name
    keys.type(NAME)
    keys.press(Qt.Key.Key_Return)
    keys.type("001203004567")
    for _ in range(6):  # past the ID, then phone, address, organisation, channel, sets: nothing to change
        keys.press(Qt.Key.Key_Return)
    assert window.focusWidget() is page.components
    keys.press(Qt.Key.Key_S)  # first component scanned at the counter
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Space)  # second one not brought…
    keys.press(Qt.Key.Key_Space)  # …found after all
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.last_code is not None
    with ctx.db.reading() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == page.last_code))
    assert dossier is not None and dossier.applicant_name == NAME and dossier.applicant_id_number == "001203004567"
    qtbot.waitUntil(lambda: bool(OPEN_PREVIEWS))
    preview = OPEN_PREVIEWS[-1]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview and preview.focusWidget() is not None)
    printing = Keyboard(preview)
    printing.press(Qt.Key.Key_Return)  # «In…» is the preview's default button
    assert len(printed) == 1
    assert ctx.db.path.with_name("printed.pdf").read_bytes().startswith(b"%PDF")
    printing.press(Qt.Key.Key_Escape)
    assert OPEN_PREVIEWS == []
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.focusWidget() is page.procedure.edit and page.is_empty()  # ready for the next citizen
    print(f"\nkeyboard-only F2 → printed receipt: {keys.count + printing.count} key events")


def test_each_date_box_is_one_tab_stop(ctx: UiContext, qtbot: Any) -> None:
    """Issue #18: «reaching the results takes 16 Tabs (each date box is 3 stops)». The results are one Tab
    from the search box; the whole round of the filters visits each date box once, forwards and back."""
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.search.setFocus()
    keys = Keyboard(page)
    keys.press(Qt.Key.Key_Tab)
    assert page.focusWidget() is page.table and keys.count == 1

    def round_trip(key: Qt.Key) -> list[Any]:
        stops = []
        while True:
            keys.press(key)
            if page.focusWidget() is page.search:
                return stops
            stops.append(page.focusWidget())
            assert len(stops) < 40, "Tab never came back to the search box"

    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
        stops = round_trip(key)
        for box in (page.date_from, page.date_to):
            assert stops.count(box) == 1, [w.objectName() for w in stops]
        assert len(stops) == len(set(stops))  # no widget takes two Tabs
        if key == Qt.Key.Key_Tab:  # the filters in the order they are laid out
            assert [w.objectName() for w in stops] == [
                "scope", "status", "field", "channel", "use_from", "date_from", "use_to", "date_to",
                "overdue", "due_soon", "open", "ledger"]
    print(f"\nTab stops round the dossier filters: {len(stops) + 1}")


def test_a_date_box_is_typed_without_tabbing_between_its_parts(qtbot: Any) -> None:
    from datetime import date

    from desktop.ui.widgets.period_range import date_box

    box = date_box(date(2026, 11, 20), "day")
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    box.setFocus(Qt.FocusReason.TabFocusReason)  # as Tab brings it: the day selected
    QTest.keyClicks(box, "05032025")  # the cursor moves on to the month and the year by itself
    assert box.date().toPython() == date(2025, 3, 5)
