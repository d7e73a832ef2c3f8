"""``serve --workers N`` on Linux: N HTTP processes, each with its own listening socket on the port.

uvicorn's own multi-process runner shares one listening socket between its workers, and asyncio accepts
up to ``backlog`` connections per wake-up: when 200 desks connect at once, the process that wakes first
takes nearly all of them (measured: 166 of 200 keep-alive connections on one process, session 10) and
serves them on one core while the other idles. Here each worker binds its own socket with
``SO_REUSEPORT``, and the kernel spreads new connections evenly over them. Elsewhere (Windows, macOS)
``serve`` keeps uvicorn's runner.

The parent binds nothing (a socket of the group that never accepts would strand its share of
connections); it checks the port once, starts the workers, restarts one that dies and stops them all on
SIGTERM/SIGINT. Nothing is shared in memory: each worker builds its app from the environment
(``province.server.app_from_env``), as under uvicorn's runner.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from typing import Any

from desktop.errors import UserError

log = logging.getLogger("province.serve_workers")
BACKLOG = 2048  # uvicorn's default listen queue
QUICK_DEATH_SECONDS = 5.0  # a worker that dies this soon after starting is broken: stop, do not loop


def available() -> bool:
    """Whether the kernel spreads connections over ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket of the port's group: every worker binds one; the kernel balances new connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(options: dict[str, Any]) -> None:
    """One HTTP process: its own socket, the app built from the environment."""
    import uvicorn

    sock = listening_socket(options["host"], options["port"])
    sock.listen(BACKLOG)
    config = uvicorn.Config("province.server:app_from_env", factory=True, backlog=BACKLOG, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run(options: dict[str, Any], workers: int) -> None:
    """Serve with ``workers`` processes until SIGTERM/SIGINT; the port is checked here first, so a port
    in use fails at once with the usual error, not in every worker."""
    try:
        listening_socket(options["host"], options["port"]).close()
    except OSError as exc:
        raise UserError(f"Không mở được cổng {options['port']} trên {options['host']}: {exc.strerror or exc}.",
                        field="port", code="port_unavailable") from exc
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    processes: list[tuple[Any, float]] = []

    def start() -> tuple[Any, float]:
        process = context.Process(target=_worker, args=(options,), name="hub-http")
        process.start()
        return process, time.monotonic()

    try:
        processes = [start() for _ in range(workers)]
        while not stop.wait(0.5):
            for index, (process, started) in enumerate(processes):
                if process.is_alive():
                    continue
                if time.monotonic() - started < QUICK_DEATH_SECONDS:
                    log.error("tiến trình HTTP dừng ngay khi khởi động (mã %s); dừng máy chủ", process.exitcode)
                    stop.set()
                    break
                log.warning("tiến trình HTTP đã dừng (mã %s); khởi động lại", process.exitcode)
                processes[index] = start()
    finally:
        for process, _ in processes:
            if process.is_alive():
                process.terminate()
        for process, _ in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
