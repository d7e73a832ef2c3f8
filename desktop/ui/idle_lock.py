"""Lock the window after N idle minutes (Setting ``idle_lock_minutes``, default 15); password to resume."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services import desk
from desktop.ui.context import SETTINGS, UiContext

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


class IdleLock(QObject):
    """Any key or mouse activity restarts the timer; 0 minutes disables the lock."""

    def __init__(self, ctx: UiContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.locked = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.reload()
        ctx.bus.changed.connect(self._on_changed)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def reload(self) -> None:
        """Read the setting off the GUI thread, then arm the timer."""
        self.ctx.read(desk.idle_lock_minutes, self._arm)

    def _arm(self, minutes: int) -> None:
        self.timer.stop()
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()

    def _on_changed(self, topics: object) -> None:
        if isinstance(topics, frozenset) and SETTINGS in topics:
            self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt API
        if not self.locked and event.type() in _ACTIVITY and self.timer.interval() > 0 and self.timer.isActive():
            self.timer.start()
        return False

    def lock(self) -> None:
        """Hide the work behind a password prompt for the same officer."""
        if self.locked:
            return
        from desktop.ui.dialogs.lock_dialog import LockDialog

        self.locked = True
        dialog = LockDialog(self.ctx, self.window)
        try:
            if dialog.exec():
                self.locked = False
                self.reload()
            else:
                QApplication.closeAllWindows()
        finally:
            self.locked = False
