"""The layouts pages, panels and dialogs build alike: a column of widgets, a titled box of them and a
label–field form (a row left to right is ``tables.hbox``), so each reads and tabs the same everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLayout, QVBoxLayout, QWidget

Item = QWidget | QLayout | int | tuple[QWidget | QLayout, int]
FormRow = tuple[str, QWidget | QLayout] | QWidget


def vbox(parent: QWidget, *items: Item) -> QVBoxLayout:
    """``parent``'s column, top to bottom: widgets and layouts as given, an ``int`` a stretch (1 keeps what
    comes before at the top), ``(item, n)`` an item taking ``n`` shares of the spare height."""
    column = QVBoxLayout(parent)
    for item in items:
        if isinstance(item, int):
            column.addStretch(item)
            continue
        item, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(item, QLayout):
            column.addLayout(item, stretch)
        else:
            column.addWidget(item, stretch)
    return column


def group_box(title: str, *items: Item) -> QGroupBox:
    """A titled box with ``items`` stacked top to bottom, as in ``vbox``."""
    box = QGroupBox(title)
    vbox(box, *items)
    return box


def form_layout(parent: QWidget, *rows: FormRow) -> QFormLayout:
    """``parent``'s form, rows in Tab order: ``(label, field)``, or a lone widget across the row (a hint)."""
    form = QFormLayout(parent)
    for row in rows:
        if isinstance(row, tuple):
            form.addRow(*row)
        else:
            form.addRow(row)
    return form
