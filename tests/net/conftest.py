"""A real hub server on 127.0.0.1 (uvicorn in a thread, stopped with ``should_exit`` in teardown)."""

from __future__ import annotations

import contextlib
import functools
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from province.db import Hub
from province.server import ServerConfig, create_app
from tests.sync_support import fresh_hub


TEST_PASSWORD = "mat-khau-thu-nghiem"


def wait_for_hub(base: str, process: subprocess.Popen[Any], *, verify: bool = True, seconds: float = 60) -> None:
    """Until ``python -m province serve`` started as ``process`` answers its health check at ``base``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(base + "/api/v1/health", timeout=2, verify=verify).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"hub did not start (exit code {process.poll()})")
        time.sleep(0.2)


def stop_hub(process: subprocess.Popen[Any], *, seconds: float = 10) -> None:
    """Ask a served hub to stop; killed if it has not within ``seconds`` (a hung shutdown must not hang the run)."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveHub:
    hub: Hub
    port: int
    config: ServerConfig = field(default_factory=ServerConfig)
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = create_app(self.config, hub=self.hub)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                ws="none", timeout_keep_alive=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("hub server did not start")
            time.sleep(0.01)

    def client(self, role: str = "officer") -> httpx.Client:
        """An HTTP client logged in with a province account of ``role`` (created on first use)."""
        from province.auth import add_user, list_users

        name = f"tk-{role}"
        if name not in {u["username"] for u in list_users(self.hub)}:
            add_user(self.hub, name, TEST_PASSWORD, role)
        token = httpx.post(f"{self.url}/api/v1/login", json={"username": name, "password": TEST_PASSWORD})
        assert token.status_code == 200, token.text
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token.json()['token']}"},
                            timeout=30)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
        self.server = self.thread = None


@pytest.fixture
def live_hub(tmp_path: Path) -> Iterator[LiveHub]:
    hub = fresh_hub(None, tmp_path / "hub")
    live = LiveHub(hub=hub, port=free_port(), config=ServerConfig(max_body_bytes=8 * 1024 * 1024, body_timeout=10))
    live.start()
    try:
        yield live
    finally:
        live.stop()
        hub.dispose()


@functools.cache
def gzip_bomb() -> bytes:
    """A small answer (~65 KB) that inflates to 64 MB: what a hostile answerer sends to fill a desk's memory."""
    import gzip

    return gzip.compress(b"\0" * (64 << 20), compresslevel=9)


@contextlib.contextmanager
def impostor(answers: list[tuple[int, bytes, bool]]) -> Iterator[str]:
    """An HTTP server at the hub's address that is not the hub (on plain HTTP, anyone on the way can be):
    each request, GET or PUT (whose body it reads first), gets the next ``(status, body, gzip-labelled)``
    answer whatever the desk asked for. Yields its URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    queue = list(answers)

    class Impostor(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            status, body, gzipped = queue.pop(0)
            self.send_response(status)
            if gzipped:
                self.send_header("Content-Encoding", "gzip")  # whatever the desk said it accepts
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 — http.server's name
            self._answer()

        def do_PUT(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Impostor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
