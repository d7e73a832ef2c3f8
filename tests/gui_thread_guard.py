"""Catches a database connection taken on the GUI thread by code in ``desktop/ui/``.

The desk must never freeze: every read and write from a view goes through the task runner
(``desktop/ui/tasks.py``), which in the real app runs it on a worker thread. Tests use a synchronous
runner, so the rule is checked on the call stack: a connection checked out on the main thread while
a ``desktop/ui`` frame is on the stack and no task-runner frame is between them is a violation.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import FrameType

from sqlalchemy import event
from sqlalchemy.pool import Pool

UI_DIR = str(Path(__file__).resolve().parents[1] / "desktop" / "ui")
RUNNER = str(Path(UI_DIR) / "tasks.py")


def offending_frame(frame: FrameType | None) -> str | None:
    """The innermost ``desktop/ui`` frame that opened a connection outside the runner, if any."""
    innermost: str | None = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename == RUNNER:
            return None
        if innermost is None and filename.startswith(UI_DIR):
            innermost = f"{Path(filename).relative_to(Path(UI_DIR).parents[1])}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return innermost


class GuiThreadGuard:
    """Records every violation while installed (a pool-wide ``checkout`` listener)."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def _checkout(self, *_args: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        where = offending_frame(sys._getframe(1))
        if where is not None:
            self.violations.append(where)

    def install(self) -> None:
        event.listen(Pool, "checkout", self._checkout)

    def remove(self) -> None:
        event.remove(Pool, "checkout", self._checkout)
