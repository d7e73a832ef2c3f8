"""Retry and poll timing shared by the desk's push, the relay and the hub's wait for an old desk.

Qt-free and network-free: the hub imports it without importing the desk's HTTP client.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass
class Backoff:
    """Retry policy; tests pass tiny delays and a recording ``sleep``."""

    attempts: int = 6
    max_seconds: float = 300.0
    base_delay: float = 2.0
    max_delay: float = 60.0
    timeout: float = 60.0
    sleep: Callable[[float], None] | None = None
    receipt_wait: float = 30.0  # issue 14: how long a push asks for the applied receipt of a queued batch

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * (2 ** attempt)) * random.uniform(0.5, 1.0)


def poll_delays(first: float, *, factor: float = 1.5, longest: float = 2.0) -> Iterator[float]:
    """The waits between two asks "is it applied yet?": short at first (most batches are applied within a
    second), then longer, never over ``longest`` — the desk's poll and the hub's wait for an old desk."""
    delay = first
    while True:
        yield delay
        delay = min(longest, delay * factor)
