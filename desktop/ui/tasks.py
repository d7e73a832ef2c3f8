"""Work off the GUI thread: reads on QThreadPool, writes on ONE worker so SQLite sees one writer.

Success and error callbacks always come back on the GUI thread (a queued signal to a relay object
living there). ``TaskRunner(synchronous=True)`` runs everything inline, for tests.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QThreadPool, Signal, Slot

log = logging.getLogger("desktop.ui")

ErrorCallback = Callable[[BaseException], None]
if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

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
            from concurrent.futures import ThreadPoolExecutor  # here: not needed before the log-in dialog

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


class Background(QObject, Generic[T]):
    """Work started at once on its own thread; ``finished`` is emitted on the GUI thread when it ends.

    For a window that is usable before the work ends: the log-in dialog shows while the database is
    checked, migrated and opened behind it (issue #18). ``result`` waits for the end, painting.
    """

    finished = Signal()

    def __init__(self, work: Callable[[], T], parent: QObject | None = None, *, start: bool = True) -> None:
        super().__init__(parent)
        self._outcome: dict[str, Any] = {}
        self._worker = threading.Thread(target=self._execute, args=(work,), name="desk-wait", daemon=True)
        if start:
            self._worker.start()

    def start(self) -> None:
        """Start work made with ``start=False`` (once; later calls do nothing)."""
        if self._worker.ident is None:
            self._worker.start()

    def _execute(self, work: Callable[[], T]) -> None:
        try:
            self._outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001  raised again on the GUI thread
            self._outcome["error"] = exc
        finally:
            self.finished.emit()

    @property
    def done(self) -> bool:
        return bool(self._outcome)

    def result(self) -> T:
        """The work's result (its error raised), the GUI kept painting while it runs."""
        loop = QEventLoop()
        self.finished.connect(loop.quit)  # before the test below: an end in between still quits the loop
        self.start()
        while not self._outcome:
            loop.exec()
        self._worker.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["result"]  # type: ignore[no-any-return]


def wait_for(work: Callable[[], T]) -> T:
    """Run ``work`` on a worker thread and keep the GUI painting until it returns; its error is raised.

    For the few steps that have nothing to show before they end (start-up, log-in, unlock, the set-up
    wizard, restore): the window still repaints and moves, but the step reads as one call.
    """
    return Background(work).result()


def read_now(db: Database, work: Callable[[Session], T]) -> T:
    """``wait_for`` a short read session: the answer the next step needs (a PIN, the unit's name)."""

    def read() -> T:
        with db.reading() as session:
            return work(session)

    return wait_for(read)
