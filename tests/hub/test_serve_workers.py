"""``serve --workers N`` on Linux (session 10): each HTTP process has its own listening socket, so the
desks' connections are spread over the processes instead of one process taking a whole burst."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from province import serve_workers
from province.db import Hub
from tests.hub.test_workers import _start
from tests.net.conftest import free_port, wait_for_hub

pytestmark = pytest.mark.skipif(not serve_workers.available(), reason="SO_REUSEPORT balancing is Linux's")


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def _established(pid: int, port: int) -> int:
    """Connections to ``port`` that process ``pid`` holds (its socket inodes matched in /proc/net/tcp)."""
    inodes = set()
    for fd in (Path("/proc") / str(pid) / "fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if int(parts[1].split(":")[1], 16) == port and parts[3] == "01" and parts[9] in inodes:
            count += 1
    return count


def test_two_sockets_of_the_group_bind_one_port() -> None:
    port = free_port()
    first, second = serve_workers.listening_socket("127.0.0.1", port), serve_workers.listening_socket("127.0.0.1", port)
    first.close()
    second.close()


def test_connections_are_spread_over_the_http_processes(hub: Hub, hub_url: str | None) -> None:
    if hub_url is None:
        pytest.skip("several HTTP processes need PostgreSQL")
    port = free_port()
    server = _start(hub, port, workers=2)
    clients = [httpx.Client(timeout=30) for _ in range(40)]
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_hub(base, server)
        for client in clients:  # 40 desks keep their connections open
            assert client.get(base + "/api/v1/health").status_code == 200
        workers = _children(server.pid)
        assert len(workers) == 2
        held = [_established(pid, port) for pid in workers]
        assert sum(held) == 40 and min(held) >= 5, held  # the kernel's hash, not a whole burst on one
    finally:
        for client in clients:
            client.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_port_in_use_fails_at_once(hub: Hub, hub_url: str | None) -> None:
    if hub_url is None:
        pytest.skip("several HTTP processes need PostgreSQL")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        started = time.monotonic()
        server = _start(hub, port, workers=2)
        try:
            assert server.wait(timeout=60) != 0
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
        assert time.monotonic() - started < 60
        assert "Không mở được cổng" in (server.stderr.read() if server.stderr else b"").decode("utf-8")
