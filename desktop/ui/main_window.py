"""The main window: left navigation over a stack of lazily created pages, status bar, shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget,
)

from desktop.services import desk
from desktop.sync.status import last_sync
from desktop.ui.dialogs.base import fit_to_screen
from desktop.ui.context import SETTINGS, UiContext
from desktop.platform import clock
from desktop.texts import WEEKDAY_LABELS
from desktop.formatting import dmy, dmy_hm
from desktop.ui.idle_lock import IdleLock
from desktop.ui.pages import PAGES, Page, page_index


BUSY_AFTER_MS = 300


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext, *, pages: list[Page] | None = None, lock: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.pages = list(pages if pages is not None else PAGES)
        self._created: dict[int, QWidget] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.setStyleSheet("QListWidget#navigation { font-size: 11pt; }"
                               "QListWidget#navigation::item { padding: 9px 12px; }")
        self.stack = QStackedWidget()
        for index, page in enumerate(self.pages):
            item = QListWidgetItem(page.title)
            item.setToolTip(f"Ctrl+{index + 1}" if index < 9 else page.title)
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # placeholder until first shown
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_page)
        self._status_labels = [QLabel() for _ in range(4)]
        for index, label in enumerate(self._status_labels):
            label.setObjectName(("status_unit", "status_officer", "status_database", "status_sync")[index])
            if index:  # a thin rule between the four parts so they do not run together
                label.setStyleSheet("QLabel { border-left: 1px solid #b0b0b0; padding-left: 8px; }")
            self.statusBar().addPermanentWidget(label)
        self.busy = QLabel(self.tr("⏳ Đang tải dữ liệu…"), objectName="busy")  # work that takes a moment
        self.busy.hide()
        self.statusBar().addWidget(self.busy)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        ctx.tasks.busy_changed.connect(self._busy_changed)
        self.refresh_status()
        ctx.bus.changed.connect(self._on_changed)
        self._shortcuts()
        self.idle_lock = IdleLock(ctx, self) if lock else None
        fit_to_screen(self, 1280, 800)  # on a 1366×768 screen the status bar stays in view
        self.nav.setCurrentRow(0)

    # -- pages -------------------------------------------------------------------------------
    def page_widget(self, key: str) -> QWidget:
        """The page for ``key``, created on demand."""
        return self._ensure(page_index(key) if key in {p.key for p in self.pages} else -1)

    def _ensure(self, index: int) -> QWidget:
        if index < 0:
            raise KeyError(index)
        widget = self._created.get(index)
        if widget is None:
            widget = self.pages[index].factory(self.ctx)
            widget.setProperty("page_key", self.pages[index].key)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._created[index] = widget
        return widget

    def show_page(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        widget = self._ensure(index)
        self.stack.setCurrentIndex(index)
        self.refresh_status()  # a sync or set-up run from the command line shows up on the next page change
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)
        activate = getattr(widget, "activate", None)
        if callable(activate):
            activate()

    def show_key(self, key: str) -> QWidget:
        self.show_page(page_index(key))
        return self._created[page_index(key)]

    def current_key(self) -> str:
        return self.pages[self.stack.currentIndex()].key

    # -- status bar --------------------------------------------------------------------------
    def refresh_status(self) -> None:
        """The unit and the last sync are read off the GUI thread, then shown."""
        self.ctx.read(lambda session: (desk.local_unit(session), last_sync(session)), self._show_status)

    def _show_status(self, found: tuple[Any, dict[str, Any]]) -> None:
        unit, last = found
        unit_text = f"{unit.name} ({unit.code})"
        officer = self.ctx.officer
        sync_text = self.tr("Đồng bộ lần cuối: %1").replace("%1", dmy_hm(last["at"])) if last["at"] \
            else self.tr("chưa đồng bộ")
        if last["push_failed"]:
            sync_text += self.tr(" — lần gửi gần nhất không thành công")
        texts = [
            self.tr("Đơn vị: %1").replace("%1", unit_text),
            self.tr("Cán bộ: %1 (%2)").replace("%1", officer.full_name).replace("%2", officer.role_label),
            self.tr("Hôm nay: %1").replace("%1", f"{WEEKDAY_LABELS[clock.today().weekday()]}, {dmy(clock.today())}"),  # the file's path is in «Giới thiệu» (F1)
            sync_text,
        ]
        for label, text in zip(self._status_labels, texts, strict=True):
            label.setText(text)
        self.setWindowTitle(self.tr("Một Cửa Offline — %1 — %2").replace("%1", unit.name).replace(
            "%2", officer.full_name))

    def _busy_changed(self, in_flight: int) -> None:
        """A sign in the status bar when reading or writing takes longer than a blink (not for quick ones)."""
        if in_flight and not self._busy_timer.isActive() and self.busy.isHidden():
            self._busy_timer.start()
        elif not in_flight:
            self._busy_timer.stop()
            self.busy.hide()

    def _on_changed(self, topics: object) -> None:
        if isinstance(topics, frozenset) and SETTINGS in topics:
            self.refresh_status()

    # -- keyboard ----------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        for index in range(min(9, len(self.pages))):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(lambda i=index: self.show_page(i))
        new_reception = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        new_reception.setContext(Qt.ShortcutContext.ApplicationShortcut)
        new_reception.activated.connect(self.new_reception)
        search = QShortcut(QKeySequence("Ctrl+F"), self)
        search.setContext(Qt.ShortcutContext.ApplicationShortcut)
        search.activated.connect(self.focus_search)
        about = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        about.setContext(Qt.ShortcutContext.ApplicationShortcut)
        about.activated.connect(self.show_about)

    def show_about(self) -> None:
        from desktop.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.ctx.db.path, self).exec()

    def new_reception(self) -> None:
        page = self.show_key("reception")
        start = getattr(page, "start_new", None)
        if callable(start):
            start()

    def focus_search(self) -> None:
        page = self._created.get(self.stack.currentIndex())
        if page is None or not callable(getattr(page, "focus_search", None)):
            page = self.show_key("dossiers")
        focus = getattr(page, "focus_search", None)
        if callable(focus):
            focus()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802  Qt API
        self.ctx.tasks.shutdown()
        super().closeEvent(event)

