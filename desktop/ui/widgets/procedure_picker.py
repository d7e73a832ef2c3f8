"""Procedure picker: type a code or any words of the name without diacritics; arrows + Enter pick.

An inline result list (not a popup) so the keyboard never loses focus to a popup window: the line
edit keeps focus, Up/Down move the selection, Enter picks it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.services.catalog import ProcedureInfo
from desktop.rules.text import fold

MAX_SHOWN = 50
VISIBLE_ROWS = 7


def matches(procedures: Sequence[ProcedureInfo], query: str) -> list[ProcedureInfo]:
    """Every folded word of the query must appear in the folded code + name + field."""
    words = fold(query).split()
    if not words:
        return list(procedures)
    found = []
    for proc in procedures:
        haystack = fold(f"{proc.code} {proc.name} {proc.field}")
        if all(word in haystack for word in words):
            found.append(proc)
    # Exact code first, then code prefix, then the catalogue order.
    needle = query.strip().lower()
    found.sort(key=lambda p: (p.code.lower() != needle, not p.code.lower().startswith(needle)))
    return found


class ProcedurePicker(QWidget):
    picked = Signal(object)  # ProcedureInfo | None
    accepted = Signal()  # Enter pressed with a procedure picked: move on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.procedures: list[ProcedureInfo] = []
        self.current: ProcedureInfo | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("procedure_search")
        self.edit.setPlaceholderText(self.tr("Gõ mã hoặc tên thủ tục (không cần dấu), ↑↓ chọn, Enter xác nhận"))
        self.results = QListWidget()
        self.results.setObjectName("procedure_results")
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._refilter)
        self.edit.installEventFilter(self)
        self.results.itemClicked.connect(self._pick_item)

    def set_procedures(self, procedures: Sequence[ProcedureInfo]) -> None:
        self.procedures = [p for p in procedures if p.active]

    def clear(self) -> None:
        self.current = None
        self.edit.clear()
        self.results.clear()
        self.results.setVisible(False)
        self.picked.emit(None)

    def pick_code(self, code: str) -> bool:
        for proc in self.procedures:
            if proc.code == code:
                self._set_current(proc)
                return True
        return False

    def _label(self, proc: ProcedureInfo) -> str:
        return f"{proc.code} — {proc.name}"

    def _refilter(self, text: str) -> None:
        if self.current is not None:
            self.current = None
            self.picked.emit(None)
        self.results.clear()
        if not text.strip():
            self.results.setVisible(False)
            return
        for proc in matches(self.procedures, text)[:MAX_SHOWN]:
            item = QListWidgetItem(self._label(proc))
            item.setData(Qt.ItemDataRole.UserRole, proc)
            item.setToolTip(proc.name)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        else:
            empty = QListWidgetItem(self.tr("Không tìm thấy thủ tục phù hợp — thử gõ ít chữ hơn hoặc mã TTHC"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(empty)
        shown = max(1, min(VISIBLE_ROWS, self.results.count()))
        row_height = self.results.sizeHintForRow(0) if self.results.count() else self.fontMetrics().height()
        self.results.setFixedHeight(shown * row_height + 2 * self.results.frameWidth() + 2)
        self.results.setVisible(True)

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self._set_current(item.data(Qt.ItemDataRole.UserRole))

    def _set_current(self, proc: ProcedureInfo) -> None:
        self.current = proc
        self.edit.setText(self._label(proc))
        self.edit.setCursorPosition(0)
        self.results.setVisible(False)
        self.picked.emit(proc)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt API
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible() and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                item = self.results.currentItem()
                if self.current is None and self.results.isVisible() and item is not None \
                        and item.data(Qt.ItemDataRole.UserRole) is not None:
                    self._pick_item(item)
                    self.accepted.emit()
                    return True
                if self.current is not None:
                    self.accepted.emit()
                    return True
                return True
            if key == Qt.Key.Key_Escape and self.results.isVisible():
                self.results.setVisible(False)
                return True
        return False
