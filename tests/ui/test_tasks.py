"""TaskRunner: callbacks on the GUI thread, writes in submission order on one thread, errors delivered."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QThread

from desktop.errors import UserError
from desktop.ui.messages import show_error
from desktop.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def test_callbacks_come_back_on_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    gui = QThread.currentThread()
    seen: list[tuple[str, bool, Any]] = []
    worker_threads: list[str] = []

    def work() -> int:
        worker_threads.append(threading.current_thread().name)
        return 41 + 1

    runner.run(work, lambda value: seen.append(("read", QThread.currentThread() is gui, value)))
    runner.write(work, lambda value: seen.append(("write", QThread.currentThread() is gui, value)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert sorted(seen) == [("read", True, 42), ("write", True, 42)]
    assert threading.main_thread().name not in worker_threads
    runner.shutdown()


def test_writes_run_one_at_a_time_in_order(qtbot: Any) -> None:
    runner = TaskRunner()
    active, order, overlaps = [0], [], []
    lock = threading.Lock()

    def write(n: int) -> Any:
        def job() -> int:
            with lock:
                active[0] += 1
                overlaps.append(active[0])
            time.sleep(0.005)
            with lock:
                active[0] -= 1
            return n
        return job

    for n in range(8):
        runner.write(write(n), order.append)
    qtbot.waitUntil(lambda: len(order) == 8, timeout=3000)
    assert order == list(range(8)) and max(overlaps) == 1
    threads: set[str] = set()
    runner.write(lambda: threads.add(threading.current_thread().name))
    runner.write(lambda: threads.add(threading.current_thread().name))
    runner.shutdown()
    assert len(threads) == 1


def test_errors_reach_the_error_callback_or_the_default(qtbot: Any) -> None:
    reported: list[BaseException] = []
    runner = TaskRunner(report_error=reported.append)
    errors: list[BaseException] = []

    def fail() -> None:
        raise UserError("Thiếu họ tên người nộp.", field="applicant")

    runner.run(fail, on_error=errors.append)
    runner.write(lambda: 1 / 0)
    qtbot.waitUntil(lambda: len(errors) == 1 and len(reported) == 1, timeout=3000)
    assert isinstance(errors[0], UserError) and isinstance(reported[0], ZeroDivisionError)
    assert runner.in_flight == 0
    runner.shutdown()


def test_synchronous_mode_and_error_display(messages: Any) -> None:
    runner = TaskRunner(synchronous=True)
    out: list[int] = []
    runner.run(lambda: 7, out.append)
    assert out == [7]
    runner.run(lambda: (_ for _ in ()).throw(UserError("Số điện thoại không hợp lệ.")))
    assert messages.texts() == ["Số điện thoại không hợp lệ."]
    show_error(None, RuntimeError("hỏng"))
    assert messages.shown[-1][0] == "exec" and messages.shown[-1][1] == "Lỗi không mong muốn"
