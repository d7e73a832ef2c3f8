"""The apply-worker processes ``serve`` runs beside the HTTP workers (issue 14).

Pushes are acknowledged by the HTTP processes (``province.intake.accept``: verify, store, sign); the
imports run here, in separate processes at a lower CPU priority (``nice``, PostgreSQL), so that on a busy
machine the scheduler gives the acknowledgements the CPU first and an import never holds an HTTP
process's GIL. On SQLite the worker keeps the normal priority: it holds the single write lock that an
acknowledgement's INSERT waits for, and a worker the scheduler starves while holding it would stall
every acknowledgement (priority inversion).
Several workers are safe against one PostgreSQL (they claim devices with ``SKIP LOCKED``); SQLite has
one writer, so one worker. A worker that dies is started again; a batch it was applying is still queued
(its transaction never committed) and is applied by the next one.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from desktop.errors import UserError
from province import apply_pacing, intake, retention
from province.db import DB_ERRORS, Hub

log = logging.getLogger("province.appliers")
NICE = 10  # how much lower than the HTTP processes (Unix); Windows keeps the normal priority
PARENT_ENV = "MOTCUA_APPLY_PARENT"  # the ``serve`` process a worker must not outlive


def default_count(db_url: str | None) -> int:
    """Two on PostgreSQL (one applies while the other waits on the database), one on SQLite."""
    return 2 if str(db_url or "").startswith("postgresql") else 1


def worker_command(db_url: str | None, data_dir: str | Path | None) -> list[str]:
    """The apply-worker's command line; on PostgreSQL under ``nice`` from its first instruction, so that
    its start-up (imports, schema check) already yields to the HTTP processes starting beside it."""
    command = [sys.executable, "-m", "province"]
    if lowered(db_url) and shutil.which("nice"):
        command = ["nice", "-n", str(NICE)] + command
    if db_url:
        command += ["--db-url", str(db_url)]
    if data_dir:
        command += ["--data-dir", str(data_dir)]
    return command + ["apply-worker"]


def lowered(db_url: str | None) -> bool:
    """Whether apply-workers run at a lower priority: on PostgreSQL where the OS has ``nice``. SQLite: not
    lowered — the applier holds the one write lock the acknowledgements wait for."""
    return hasattr(os, "nice") and str(db_url or "").startswith("postgresql")


class Supervisor:
    """Starts ``count`` apply-workers, restarts one that exits, stops them all on ``stop()``."""

    def __init__(self, command: list[str], count: int) -> None:
        self.command = command
        self.count = count
        self.processes: list[subprocess.Popen[Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="apply-supervisor", daemon=True)

    def start(self) -> Supervisor:
        self.processes = [self._spawn() for _ in range(self.count)]
        self._thread.start()
        return self

    def _spawn(self) -> subprocess.Popen[Any]:
        return subprocess.Popen(self.command, env=dict(os.environ, **{PARENT_ENV: str(os.getpid())}),
                                stdin=subprocess.DEVNULL)

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for index, process in enumerate(self.processes):
                if process.poll() is not None and not self._stop.is_set():
                    log.warning("tiến trình áp dụng gói đã dừng (mã %s); khởi động lại", process.returncode)
                    self.processes[index] = self._spawn()

    def stop(self, seconds: float = 10) -> None:
        self._stop.set()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                process.kill()


def run(hub: Hub, *, once: bool = False) -> int:
    """The worker's body: lower priority, then apply until told to stop (SIGTERM/SIGINT) or, with
    ``once``, until nothing waits. The number of batches applied."""
    if lowered(hub.engine.url.render_as_string()):
        os.nice(max(0, NICE - os.nice(0)))  # started under ``nice`` already: not lowered twice
    if once:
        return intake.drain(hub)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    parent = os.environ.get(PARENT_ENV, "")

    def orphaned() -> None:  # ``serve`` killed outright (even before this worker started): stop too
        while str(os.getppid()) == parent and not stop.wait(2.0):
            pass
        stop.set()

    if parent:
        threading.Thread(target=orphaned, name="apply-parent-watch", daemon=True).start()
    return run_worker(hub, stop)


class Applier:
    """The in-process applier (a hub opened by ``create_app`` alone, as in the tests): one thread that
    drains the queue when kicked and ends when it is empty. ``serve`` uses separate, lower-priority
    ``apply-worker`` processes instead, so acknowledgements keep the CPU while batches are applied."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False

    def kick(self) -> None:
        with self._lock:
            self._again = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hub-applier", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False
            try:
                intake.drain(self.hub)
            except Exception:  # noqa: BLE001 — logged; the next push kicks it again
                log.exception("lỗi khi áp dụng các gói đang chờ")

    def idle(self) -> bool:
        with self._lock:
            return self._thread is None


def run_worker(hub: Hub, stop: threading.Event, *, idle_seconds: float = 0.2,
               pacer: apply_pacing.Pacer | None = None) -> int:
    """``python -m province apply-worker``: apply while anything waits, look again every ``idle_seconds``;
    while pushes are being acknowledged, wait a bounded while first (``province.apply_pacing``)."""
    applied = 0
    sweeper = retention.Sweeper(hub)
    while not stop.is_set():
        try:
            pacer = pacer or apply_pacing.Pacer(hub)
            if pacer.should_wait():
                stop.wait(apply_pacing.POLL)
                continue
            done = intake.apply_next(hub)
            if done is None:
                sweeper.maybe()  # nothing to apply: an hourly look for old refusals to forget
        except UserError as exc:
            log.error("không áp dụng được gói: %s", exc.message)
            stop.wait(5)
            continue
        except DB_ERRORS:
            log.exception("lỗi cơ sở dữ liệu trong tiến trình áp dụng gói")
            stop.wait(1)
            continue
        if done is None:
            stop.wait(idle_seconds)
        else:
            applied += 1
    return applied
