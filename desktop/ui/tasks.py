"""Work off the GUI thread: reads on QThreadPool, writes on ONE worker so SQLite sees one writer.

Success and error callbacks always come back on the GUI thread (a queued signal to a relay object
living there). ``TaskRunner(synchronous=True)`` runs everything inline, for tests.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QThreadPool, Signal, Slot

log = logging.getLogger("desktop.ui")

ErrorCallback = Callable[[BaseException], None]
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.db.session import Database

T = TypeVar("T")


class _Relay(QObject):
    finished = Signal(int, object, object)  # token, result, error


class TaskRunner(QObject):
    """Anki's taskman in small: ``run`` for reads, ``write`` for the single writer."""

    busy_changed = Signal(int)  # number of tasks in flight

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None,
                 report_error: ErrorCallback | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._report_error = report_error
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._tokens = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None] | None, ErrorCallback | None]] = {}
        self._writer: ThreadPoolExecutor | None = None
        self._pool = QThreadPool.globalInstance()

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: ErrorCallback | None = None) -> None:
        """A read (or any work that may run in parallel with others)."""
        if self.synchronous:
            self._inline(work, on_done, on_error)
            return
        token = self._register(on_done, on_error)
        self._pool.start(lambda: self._execute(token, work))

    def write(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
              on_error: ErrorCallback | None = None) -> None:
        """A write: queued behind every earlier write on the one writer thread."""
        if self.synchronous:
            self._inline(work, on_done, on_error)
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-writer")
        token = self._register(on_done, on_error)
        self._writer.submit(self._execute, token, work)

    def shutdown(self) -> None:
        """Wait for queued writes (never lose a save), then stop the writer."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        self._pool.waitForDone()

    # -- internals -------------------------------------------------------------------------
    def _register(self, on_done: Callable[[Any], None] | None, on_error: ErrorCallback | None) -> int:
        token = next(self._tokens)
        self._pending[token] = (on_done, on_error)
        self.busy_changed.emit(len(self._pending))
        return token

    def _execute(self, token: int, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001  every failure must come back to the GUI
            self._relay.finished.emit(token, None, exc)
        else:
            self._relay.finished.emit(token, result, None)

    @Slot(int, object, object)
    def _deliver(self, token: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._pending.pop(token, (None, None))
        self.busy_changed.emit(len(self._pending))
        self._finish(result, error, on_done, on_error)

    def _inline(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None,
                on_error: ErrorCallback | None) -> None:
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001
            self._finish(None, exc, on_done, on_error)
        else:
            self._finish(result, None, on_done, on_error)

    def _finish(self, result: Any, error: BaseException | None, on_done: Callable[[Any], None] | None,
                on_error: ErrorCallback | None) -> None:
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                self._default_error(error)
            return
        if on_done is not None:
            try:
                on_done(result)
            except Exception as exc:  # noqa: BLE001  a bug in a callback is still shown, not lost
                self._default_error(exc)

    def _default_error(self, error: BaseException) -> None:
        if self._report_error is not None:
            self._report_error(error)
            return
        from desktop.ui.messages import show_error

        show_error(None, error)


class _Done(QObject):
    finished = Signal()


def wait_for(work: Callable[[], T]) -> T:
    """Run ``work`` on a worker thread and keep the GUI painting until it returns; its error is raised.

    For the few steps that have nothing to show before they end (start-up, log-in, unlock, the set-up
    wizard, restore): the window still repaints and moves, but the step reads as one call.
    """
    outcome: dict[str, Any] = {}
    done = _Done()
    loop = QEventLoop()
    done.finished.connect(loop.quit)

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001  raised again on the GUI thread
            outcome["error"] = exc
        finally:
            done.finished.emit()

    worker = threading.Thread(target=run, name="desk-wait", daemon=True)
    worker.start()
    while worker.is_alive() and not outcome:
        loop.exec()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def read_now(db: Database, work: Callable[[Session], T]) -> T:
    """``wait_for`` a short read session: the answer the next step needs (a PIN, the unit's name)."""

    def read() -> T:
        with db.reading() as session:
            return work(session)

    return wait_for(read)
