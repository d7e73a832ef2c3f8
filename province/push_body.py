"""A pushed batch body as the hub receives it: small ones in memory, within a per-process budget.

A body that declares at most ``IN_MEMORY_BYTES`` (a day's batch) is kept in memory — no file written,
read back and deleted per push — as long as the bodies held in memory by this process add up to at most
``MEMORY_BUDGET_BYTES``; any other body (larger, chunked, or one arriving while the budget is spent) is
written to disk as it arrives. So many slow pushes at once cost at most the budget in memory, not one
megabyte each (docs/security.md, memory budget).
"""

from __future__ import annotations

import contextlib
import io
import threading
from pathlib import Path

from starlette.requests import Request

IN_MEMORY_BYTES = 1 << 20  # a pushed body that declares at most this may be kept in memory
MEMORY_BUDGET_BYTES = 16 << 20  # all such bodies of one process together; over it, to disk


class TooLarge(Exception):
    pass


class _Budget:
    """Bytes reserved by bodies held in memory (the event loop reserves, the thread pool releases)."""

    def __init__(self, total: int) -> None:
        self.total, self.used, self._lock = total, 0, threading.Lock()

    def reserve(self, size: int) -> bool:
        with self._lock:
            if self.used + size > self.total:
                return False
            self.used += size
            return True

    def release(self, size: int) -> None:
        with self._lock:
            self.used -= size


budget = _Budget(MEMORY_BUDGET_BYTES)


class Body:
    """A pushed body as it arrives, cut at the cap (see the module). ``discard`` gives back its memory
    reservation or deletes its file; calling it twice is harmless."""

    def __init__(self, path: Path, declared: int | None) -> None:
        self.path, self.name = path, path.name
        small = declared is not None and declared <= IN_MEMORY_BYTES and budget.reserve(declared)
        self.reserved = declared if small and declared else 0
        self.memory = io.BytesIO() if small else None

    async def receive(self, request: Request, limit: int) -> None:
        size = 0
        if self.memory is not None:
            limit = min(limit, self.reserved)  # no more in memory than it declared and reserved
        with contextlib.nullcontext(self.memory) if self.memory is not None else self.path.open("wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                fh.write(chunk)

    def read(self) -> bytes:
        return self.memory.getvalue() if self.memory is not None else self.path.read_bytes()

    def discard(self) -> None:
        if self.memory is None:
            self.path.unlink(missing_ok=True)
            return
        self.memory = io.BytesIO()  # the bytes go now, not when the request object does
        if self.reserved:
            budget.release(self.reserved)
            self.reserved = 0
