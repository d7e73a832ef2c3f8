"""Tổng quan at 1366×768 (issue #18): the indicators table shows whole rows, never one cut in half."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QTableWidget

from desktop.ui.context import UiContext
from desktop.ui.widgets.tables import WholeRows


def _bottom_row_is_whole(table: QTableWidget) -> bool:
    """The row under the viewport's last line ends exactly there (or the rows end above it)."""
    bottom = table.viewport().height() - 1
    row = table.rowAt(bottom)
    return row == -1 or table.rowViewportPosition(row) + table.rowHeight(row) == bottom + 1


@pytest.mark.parametrize("height", [768, 728, 690, 640])
def test_no_indicator_is_cut_in_half_on_the_overview(ctx: UiContext, qtbot: Any, height: int) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(ctx, lock=False)  # the overview is its first page
    qtbot.addWidget(window)
    window.resize(1366, height)  # maximised on a 1366×768 screen, with or without the taskbar and title
    window.show()
    table = window.page_widget("overview").targets
    qtbot.waitUntil(lambda: table.rowCount() > 0 and table.isVisible())
    QApplication.processEvents()
    assert _bottom_row_is_whole(table)
    assert table.viewport().height() >= 3 * table.rowHeight(0)
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())  # scrolled to the end: still whole
    assert _bottom_row_is_whole(table) and table.rowAt(0) >= 0 and table.rowViewportPosition(table.rowAt(0)) == 0


def test_rows_that_fit_take_just_their_height(qtbot: Any) -> None:
    table = QTableWidget(4, 2)
    holder = WholeRows(table)
    qtbot.addWidget(holder)
    holder.resize(400, 600)
    holder.show()
    assert table.height() < 600 and table.viewport().height() == 4 * table.rowHeight(0)
    assert not table.verticalScrollBar().isVisible()
    table.setRowCount(40)  # more than the room: whole rows and a scroll bar
    QApplication.processEvents()
    assert table.viewport().height() % table.rowHeight(0) == 0 and table.verticalScrollBar().isVisible()
