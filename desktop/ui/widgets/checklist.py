"""Component checklist with two ticks per row: «Đã nộp» (Space) and «Đã số hóa» (S)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget
from desktop.texts import LABELS

SUBMITTED, DIGITISED = 1, 2


class ComponentChecklist(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("components")
        self.setHorizontalHeaderLabels([self.tr(LABELS["components"]), self.tr("Đã nộp (Space)"),
                                        self.tr("Đã số hóa (S)")])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)

    def set_components(self, names: Sequence[str], *, submitted: bool = True) -> None:
        self.setRowCount(0)
        for row, name in enumerate(names):
            self.insertRow(row)
            label = QTableWidgetItem(name)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.setItem(row, 0, label)
            for column, state in ((SUBMITTED, submitted), (DIGITISED, False)):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                              | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
                self.setItem(row, column, item)
        self.resizeRowsToContents()
        if names:
            self.setCurrentCell(0, 0)

    def names(self) -> list[str]:
        return [self.item(row, 0).text() for row in range(self.rowCount())]

    def _ticked(self, column: int) -> list[int]:
        return [row for row in range(self.rowCount())
                if self.item(row, column).checkState() == Qt.CheckState.Checked]

    def submitted(self) -> list[int]:
        return self._ticked(SUBMITTED)

    def digitised(self) -> list[int]:
        return self._ticked(DIGITISED)

    def missing(self) -> list[str]:
        ticked = set(self.submitted())
        return [name for row, name in enumerate(self.names()) if row not in ticked]

    def toggle(self, row: int, column: int) -> None:
        item = self.item(row, column)
        if item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802  Qt API
        row = self.currentRow()
        if row >= 0 and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if event.key() == Qt.Key.Key_Space:
                self.toggle(row, SUBMITTED)
                return
            if event.key() == Qt.Key.Key_S:
                self.toggle(row, DIGITISED)
                return
        super().keyPressEvent(event)
