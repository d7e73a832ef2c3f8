"""The read-only table most pages and panels show, and the tool row above it: set up once, so every list
reads and selects alike."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLayout, QTableView, QTableWidget, QWidget


def read_only_table(headers: Sequence[str], *, name: str, widths: Sequence[int] = (),
                    select_rows: bool = False, single: bool = False) -> QTableWidget:
    """A table the officer reads, never edits in place: its headers, the first columns' widths, the last
    column stretched, no row numbers; ``select_rows`` selects whole rows (``single``: one at a time)."""
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if select_rows:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def hbox(*items: QWidget | QLayout | int | tuple[QWidget, int]) -> QHBoxLayout:
    """A row left to right: widgets and layouts as given, an ``int`` a stretch (1 pushes what follows to the
    right), ``(widget, n)`` a widget taking ``n`` shares of the spare width. Tool rows above a table."""
    row = QHBoxLayout()
    for item in items:
        if isinstance(item, int):
            row.addStretch(item)
        elif isinstance(item, tuple):
            row.addWidget(*item)
        elif isinstance(item, QLayout):
            row.addLayout(item)
        else:
            row.addWidget(item)
    return row


class WholeRows(QWidget):
    """Holds a table and gives it the height of whole rows, so no row is ever cut in half at the bottom (issue
    #18: Tổng quan at 1366×768): every row when they fit, else as many whole rows as the room allows and a
    scroll bar that moves by rows. The rows share one height (the vertical header's default)."""

    def __init__(self, table: QTableView, *, min_rows: int = 3) -> None:
        super().__init__()
        self.table = table
        self.min_rows = min_rows
        table.setParent(self)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        model = table.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self._rows_changed)

    def _row(self) -> int:
        return self.table.rowHeight(0) if self.table.model().rowCount() else \
            self.table.verticalHeader().defaultSectionSize()

    def _chrome(self) -> int:
        """The table's height that is not rows: frame, column header, a horizontal scroll bar."""
        table, bar = self.table, self.table.horizontalScrollBar()
        header = table.horizontalHeader()
        return (2 * table.frameWidth() + (header.sizeHint().height() if not header.isHidden() else 0)
                + (bar.sizeHint().height() if bar.isVisible() else 0))

    def rows_shown(self, room: int) -> int:
        fit = max(self.min_rows, (room - self._chrome()) // max(1, self._row()))
        return min(self.table.model().rowCount(), fit)

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        return self.table.sizeHint()  # the page shares its height out as it would with the bare table

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        return QSize(self.table.minimumSizeHint().width(), self._chrome() + self.min_rows * self._row())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 — Qt's name
        super().resizeEvent(event)
        self._fit()

    def _rows_changed(self) -> None:
        self.updateGeometry()
        self._fit()

    def _fit(self) -> None:
        height = self._chrome() + self.rows_shown(self.height()) * self._row()
        self.table.setGeometry(0, 0, self.width(), min(self.height(), height))
