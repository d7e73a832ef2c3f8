"""Issue 14: an apply-worker steps aside while pushes are being acknowledged, for a bounded time.

On a small hub (two cores) every millisecond of CPU an apply takes — in the worker and in its PostgreSQL
backend, which ``nice`` does not lower — is taken from the acknowledgements that 200 desks are waiting
for. So while pushes arrive (the newest stored batch changed since the worker last looked), the worker
waits instead of applying, at most ``MAX_DEFER`` seconds in a row; then it applies for at least
``WORK_SLICE`` seconds whatever arrives, so applies always progress under sustained load (at least
``WORK_SLICE / (MAX_DEFER + WORK_SLICE)`` of the time) and the per-device cap (429) bounds the queue.

The signal is read from the database (the newest ``received_at`` of ``hub_intake``, compared only for
change, never with this machine's clock): it holds whichever process or machine acknowledged the push.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from province.db import Hub
from province.models import HubIntake

MAX_DEFER = 5.0  # seconds a worker may wait in a row while pushes arrive
WORK_SLICE = 1.0  # then it applies for at least this long before it may wait again
POLL = 0.1  # how often a waiting worker looks again


def newest_push(hub: Hub) -> Any:
    """The newest stored batch's arrival (any state): changes whenever a push is acknowledged."""
    with hub.reading() as session:
        return session.scalar(select(func.max(HubIntake.received_at)))


class Pacer:
    """Decides, before each apply, whether the worker should wait a moment (see the module)."""

    def __init__(self, hub: Hub, *, max_defer: float = MAX_DEFER, work_slice: float = WORK_SLICE,
                 probe: Callable[[], Any] | None = None, now: Callable[[], float] = time.monotonic) -> None:
        self.max_defer, self.work_slice = max_defer, work_slice
        self._probe = probe or (lambda: newest_push(hub))
        self._now = now
        self._seen = self._probe()
        self._deferring_since: float | None = None
        self._working_until = 0.0

    def should_wait(self) -> bool:
        """True while acknowledgements are flowing and the worker has not yet waited ``max_defer``."""
        now = self._now()
        if now < self._working_until:
            return False
        newest = self._probe()
        flowing, self._seen = newest != self._seen, newest
        if not flowing:
            self._deferring_since = None
            return False
        if self._deferring_since is None:
            self._deferring_since = now
        if now - self._deferring_since < self.max_defer:
            return True
        self._deferring_since = None  # waited long enough: apply for a slice, whatever arrives
        self._working_until = now + self.work_slice
        return False
