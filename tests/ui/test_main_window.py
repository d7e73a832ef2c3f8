"""Main window: every registered page opens, the status bar tells the truth."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop import settings
from desktop.services import desk
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGES

pytestmark = pytest.mark.gui


@pytest.fixture
def window(ctx: UiContext, qtbot: Any) -> MainWindow:
    win = MainWindow(ctx, lock=False)
    qtbot.addWidget(win)
    return win


def test_navigation_lists_the_nine_pages_in_order(window: MainWindow) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:9] == ["Tổng quan", "Tiếp nhận", "Hồ sơ", "Số hóa", "Khảo sát", "Báo cáo", "Đồng bộ",
                          "Danh mục", "Cài đặt"]
    assert len(titles) == len(PAGES)


def test_every_page_opens(window: MainWindow) -> None:
    for index, page in enumerate(window.pages):
        window.show_page(index)
        widget = window.stack.currentWidget()
        assert widget.property("page_key") == page.key


def test_status_bar_and_last_sync(window: MainWindow, ctx: UiContext) -> None:
    texts = [label.text() for label in window._status_labels]
    assert texts[0] == "Đơn vị: UBND xã Tân Lập (10375)"
    assert ctx.officer.full_name in texts[1]
    assert texts[2] == "Hôm nay: Thứ Sáu, 20/11/2026" and str(ctx.db.path) not in " ".join(texts)  # issue #18 item 10
    assert texts[3] == "chưa đồng bộ"
    ctx.write(lambda s: desk.put_setting(s, settings.LAST_SYNC.key, "2026-11-20T15:00:00+07:00"))
    assert window._status_labels[3].text() == "Đồng bộ lần cuối: 15:00 20/11/2026"
    assert "UBND xã Tân Lập" in window.windowTitle()


def test_f2_opens_reception_and_ctrl_f_focuses_search(window: MainWindow, qtbot: Any) -> None:
    window.show()
    window.activateWindow()
    window.new_reception()
    assert window.current_key() == "reception"
    window.show_page(0)
    window.focus_search()
    assert window.current_key() == "dossiers"
    assert window.stack.currentWidget().search.hasFocus() or \
        window.stack.currentWidget().focusWidget() is window.stack.currentWidget().search
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    assert window.current_key() == "reception"
