"""Pushed bodies held in memory stay within the process's budget; over it they go to disk (security.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from province import push_body
from province.push_body import IN_MEMORY_BYTES, MEMORY_BUDGET_BYTES, Body, TooLarge


class _Stream:
    def __init__(self, data: bytes) -> None:
        self.data = data

    async def stream(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), 65536):
            yield self.data[start:start + 65536]


def _received(path: Path, data: bytes, declared: int | None) -> Body:
    body = Body(path, declared)
    asyncio.run(body.receive(_Stream(data), 64 << 20))  # type: ignore[arg-type]
    return body


def test_small_bodies_use_memory_until_the_budget_is_spent(tmp_path: Path) -> None:
    assert push_body.budget.used == 0
    data = bytes(range(256)) * (IN_MEMORY_BYTES // 256)  # exactly the in-memory limit
    held = [_received(tmp_path / f"{i}.mcb", data, len(data)) for i in range(MEMORY_BUDGET_BYTES // len(data))]
    assert all(b.memory is not None for b in held) and not any(tmp_path.iterdir())
    assert push_body.budget.used == MEMORY_BUDGET_BYTES
    over = _received(tmp_path / "over.mcb", data, len(data))  # the budget is spent: to disk
    assert over.memory is None and (tmp_path / "over.mcb").read_bytes() == data and over.read() == data
    over.discard()
    assert not (tmp_path / "over.mcb").exists()
    assert held[0].read() == data
    for body in held:
        body.discard()
        body.discard()  # twice is harmless
    assert push_body.budget.used == 0
    again = _received(tmp_path / "again.mcb", data, len(data))
    assert again.memory is not None and push_body.budget.used == len(data)
    again.discard()
    assert push_body.budget.used == 0


def test_large_chunked_or_lying_bodies(tmp_path: Path) -> None:
    data = b"x" * 1000
    chunked = _received(tmp_path / "c.mcb", data, None)  # no Content-Length: to disk
    large = _received(tmp_path / "l.mcb", b"y" * (IN_MEMORY_BYTES + 1), IN_MEMORY_BYTES + 1)
    assert chunked.memory is None and large.memory is None and chunked.read() == data
    chunked.discard()
    large.discard()
    lying = Body(tmp_path / "s.mcb", 10)  # declares 10 bytes, sends 1000: not held beyond what it declared
    with pytest.raises(TooLarge):
        asyncio.run(lying.receive(_Stream(data), 64 << 20))  # type: ignore[arg-type]
    lying.discard()
    assert push_body.budget.used == 0 and not any(tmp_path.iterdir())
