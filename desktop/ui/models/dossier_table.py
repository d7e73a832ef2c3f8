"""The Hồ sơ list model: the ordered ids of the current filter, rows fetched by block when Qt asks.

200k dossiers cost one key query (SQLite row numbers in one packed array, 1.6 MB where a list of id strings
took ~19 MB for the session's life); only visible blocks of BLOCK rows are read,
and at most MAX_BLOCKS are kept (Anki's browser table model holds ids the same way). Blocks are read
through the task runner: a row not read yet is blank for a moment, never a frozen window.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop.platform import clock
from desktop.rules.deadlines import DeadlineRules
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.services import queries
from desktop.services.desk import desk_context
from desktop.services.queries import DossierFilter, DossierRow
from desktop.formatting import dmy_hm
from desktop.texts import LABELS

BLOCK = 200
MAX_BLOCKS = 64
Index = QModelIndex | QPersistentModelIndex
Reader = Callable[[Callable[[Any], Any], Callable[[Any], None]], None]  # UiContext.read


def _t(text: str) -> str:
    return QCoreApplication.translate("DossierTable", text)


COLUMNS = (_t(LABELS["dossier_code"]), _t(LABELS["applicant"]), _t(LABELS["procedure"]),
           _t(LABELS["received_on"]), _t(LABELS["due"]), _t(LABELS["status"]),
           _t("Còn lại (ngày LV)"))
OVERDUE_TEXT = _t(LABELS["overdue"])
DUE_SOON_TEXT = _t(LABELS["due_soon"])
OVERDUE_COLOUR = QColor("#f8d7da")
DUE_SOON_COLOUR = QColor("#fff3cd")
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
URGENCY_ROLE = Qt.ItemDataRole.UserRole + 2


class DossierTableModel(QAbstractTableModel):
    def __init__(self, read: Reader, parent: Any = None) -> None:
        super().__init__(parent)
        self.read = read
        self.ids: array[int] = array("q")  # the filter's dossiers as queries.dossier_keys
        self._blocks: OrderedDict[int, list[DossierRow]] = OrderedDict()
        self._asked: set[int] = set()  # blocks being read
        self._generation = 0  # a new id list makes blocks still in flight stale
        self._answering = False  # True while a synchronous runner answers inside data()
        self._rules: DeadlineRules | None = None
        self._now = clock.now()
        self.filter = DossierFilter()
        self.fetches = 0  # blocks read from the database (tests, debug)

    # -- loading -----------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int], flt: DossierFilter | None = None) -> None:
        """Swap in a new key list (``queries.dossier_keys``, computed off the GUI thread by the page)."""
        self.beginResetModel()
        self.ids = ids if isinstance(ids, array) else array("q", ids)
        if flt is not None:
            self.filter = flt
        self._blocks.clear()
        self._asked.clear()
        self._generation += 1
        self._rules = None
        self._now = clock.now()
        self.endResetModel()

    def load(self, flt: DossierFilter) -> None:
        """Read the ids of ``flt`` through the runner, then show them."""
        self.read(lambda session: queries.dossier_keys(session, flt), lambda ids: self.set_ids(ids, flt))

    def invalidate_rows(self) -> None:
        """Rows changed but the id list did not: drop the cache and repaint."""
        self._blocks.clear()
        self._asked.clear()
        self._generation += 1
        self._rules = None
        self._now = clock.now()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def _block(self, number: int) -> list[DossierRow] | None:
        """The block if read; otherwise ask for it once and answer None until it arrives."""
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        if number not in self._asked:
            self._asked.add(number)
            wanted = self.ids[number * BLOCK:(number + 1) * BLOCK]
            generation, need_rules = self._generation, self._rules is None

            def work(session: Any) -> tuple[dict[int, DossierRow], DeadlineRules | None]:
                found = queries.rows_by_keys(session, wanted)
                return found, desk_context(session).rules if need_rules else None

            self._answering = True
            try:
                self.read(work, lambda got: self._arrived(number, generation, wanted, *got))
            finally:
                self._answering = False
        return self._blocks.get(number)

    def _arrived(self, number: int, generation: int, wanted: array[int], found: dict[int, DossierRow],
                 rules: DeadlineRules | None) -> None:
        if generation != self._generation:
            return  # the list changed while this block was read
        self._asked.discard(number)
        if rules is not None:
            self._rules = rules
        self._blocks[number] = [found.get(i) for i in wanted]  # type: ignore[misc]
        self.fetches += 1
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        first, last = number * BLOCK, min(len(self.ids), (number + 1) * BLOCK) - 1
        if not self._answering and last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def row_at(self, row: int) -> DossierRow | None:
        if not 0 <= row < len(self.ids):
            return None
        block = self._block(row // BLOCK)
        return None if block is None else block[row % BLOCK]

    def code_at(self, row: int) -> str | None:
        item = self.row_at(row)
        return item.code if item else None

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        row = self.row_at(index.row())
        if row is None:  # not read yet, or deleted since the id list was read
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == CODE_ROLE:
            return row.code
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2):  # long names are elided in the cell
            return row.applicant_name if column == 1 else row.procedure_name
        if role in (URGENCY_ROLE, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.ToolTipRole):
            assert self._rules is not None
            level, _left = queries.urgency(row.status, row.due_at, self._rules, self._now)
            if role == URGENCY_ROLE:
                return level
            if level is None:
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVERDUE_COLOUR if level == "overdue" else DUE_SOON_COLOUR)
            if role == Qt.ItemDataRole.ToolTipRole:
                return OVERDUE_TEXT if level == "overdue" else DUE_SOON_TEXT
            if column == 6:
                return _icon(level)
        return None

    def _display(self, row: DossierRow, column: int) -> str:
        if column == 0:
            return row.code
        if column == 1:
            return row.applicant_name
        if column == 2:
            return row.procedure_name
        if column == 3:
            return dmy_hm(row.received_at)
        if column == 4:
            return dmy_hm(row.due_at) if row.due_at else ""
        if column == 5:
            return STATUS_LABELS[Status(row.status)] if row.status in Status._value2member_map_ else row.status
        assert self._rules is not None
        level, left = queries.urgency(row.status, row.due_at, self._rules, self._now)
        if left is None:
            return ""
        if level == "overdue":
            return f"{OVERDUE_TEXT} ({abs(left)})" if left else OVERDUE_TEXT
        if level == "due_soon":
            return f"{DUE_SOON_TEXT} ({left})"
        return str(left)


def _icon(level: str) -> QIcon | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    pixmap = QStyle.StandardPixmap.SP_MessageBoxCritical if level == "overdue" \
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    return app.style().standardIcon(pixmap)
