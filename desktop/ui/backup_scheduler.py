"""The daily backup while the app runs: a timer asks the headless ``run_scheduled_backup`` off the GUI thread.

``desktop.platform.backup.run_scheduled_backup`` decides whether today already has a backup and rotates old
ones; this object only asks it a minute after start and then every half hour (a desk PC is often left
on for days, and the date changes at midnight while the app is open). A failure (disk full, folder
gone) is logged and announced on ``failed`` for the status bar, never a modal box in the officer's way.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.platform.backup import run_scheduled_backup
from desktop.errors import UserError
from desktop.ui.context import UiContext

log = logging.getLogger("desktop.ui")

FIRST_CHECK_MS = 60_000
INTERVAL_MS = 30 * 60_000


class BackupScheduler(QObject):
    taken = Signal(object)  # Path of the new backup
    failed = Signal(str)  # Vietnamese message

    def __init__(self, ctx: UiContext, parent: QObject | None = None, *, first_ms: int = FIRST_CHECK_MS,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._running = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(first_ms)
        self._first.timeout.connect(self.check)

    def start(self) -> None:
        self._first.start()
        self.timer.start()

    def stop(self) -> None:
        self._first.stop()
        self.timer.stop()

    def check(self) -> None:
        """Take today's backup if it is due (on the read pool: the backup API reads a snapshot)."""
        path = self.ctx.db.path
        if path is None or self._running:
            return
        self._running = True
        self.ctx.tasks.run(lambda: run_scheduled_backup(path), self._done, self._error)

    def _done(self, result: Path | None) -> None:
        self._running = False
        if result is not None:
            self.taken.emit(result)

    def _error(self, error: BaseException) -> None:
        self._running = False
        log.error("sao lưu hằng ngày không thành công: %s", error, exc_info=(type(error), error, error.__traceback__))
        text = error.message if isinstance(error, UserError) else str(error)
        self.failed.emit(self.tr("Sao lưu tự động hằng ngày không thành công: %1").replace("%1", text))
