"""The read-only table most pages and panels show, and the tool row above it: set up once, so every list
reads and selects alike."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLayout, QTableWidget, QWidget


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
