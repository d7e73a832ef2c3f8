"""Issue 14, session 10: an apply-worker waits while pushes are acknowledged — never longer than its bound."""

from __future__ import annotations

import threading
from typing import Any

from province import appliers, intake
from province.apply_pacing import Pacer
from province.db import Hub
from province.importer import hub_limits


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _pacer(newest: list[Any], clock: _Clock) -> Pacer:
    return Pacer(None, max_defer=5.0, work_slice=1.0, probe=lambda: newest[0], now=clock)  # type: ignore[arg-type]


def test_no_push_arriving_means_no_wait() -> None:
    newest, clock = [1], _Clock()
    pacer = _pacer(newest, clock)
    for _ in range(3):
        clock.now += 0.1
        assert not pacer.should_wait()


def test_the_wait_is_bounded_and_followed_by_a_slice_of_applies() -> None:
    newest, clock = [0], _Clock()
    pacer = _pacer(newest, clock)
    waited = []
    while clock.now < 12.0:  # a push every 0.1 s, for ever
        newest[0] += 1
        waited.append(pacer.should_wait())
        clock.now = round(clock.now + 0.1, 1)
    # 5 s waiting, then 1 s applying whatever arrives, then waiting again
    assert waited[:50] == [True] * 50
    assert waited[50:60] == [False] * 10
    assert waited[60:110] == [True] * 50 and not any(waited[110:])


def test_the_wait_ends_when_pushes_stop() -> None:
    newest, clock = [0], _Clock()
    pacer = _pacer(newest, clock)
    newest[0] = 1
    assert pacer.should_wait()
    clock.now = 0.1
    assert not pacer.should_wait()  # nothing new since: apply


def test_a_worker_applies_what_waits_when_no_push_arrives(db: Any, hub: Hub, tmp_path: Any) -> None:
    """The worker loop with its pacer: the queue is drained (the newest arrival does not change)."""
    from tests.sync_support import connect_desk, export, receive

    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    made = export(db, tmp_path / "usb")
    assert made.file is not None
    answer = intake.accept(hub, made.file.read_bytes(), made.file.name, str(made.batch_id), limits=hub_limits())
    assert answer.status == intake.QUEUED
    stop = threading.Event()
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(appliers.run_worker(hub, stop, idle_seconds=0.05)))
    worker.start()
    try:
        for _ in range(200):
            if intake.outcome(hub, str(made.batch_id)).status == "applied":  # type: ignore[union-attr]
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert done == [1]
