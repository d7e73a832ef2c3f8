"""Issue 14: the per-device cap on waiting batches, enforced by the INSERT that stores a pushed batch.

The acknowledgement reads the device's queued count early (a device over its cap is answered 429 before
decryption), but that read and the INSERT are separate statements: parallel pushes from one desk could
all pass the read. So the INSERT itself is conditional (``INSERT … SELECT … WHERE (queued count) < cap``)
and, on PostgreSQL, runs in one short transaction behind a per-device advisory lock, taken in the same
round trip as its BEGIN: the count is read after the lock, so it sees every batch of that device stored
before it (READ COMMITTED takes a new snapshot per statement). Cost: two round trips more per push
(BEGIN + lock, COMMIT). SQLite has one writer: the conditional INSERT is atomic by itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, insert, literal, select

from province.models import HubIntake

LOCK_CLASS = 1417  # pg_advisory_xact_lock(LOCK_CLASS, <device key>): one device's count + INSERT at a time
_TEXT_ONLY = {"no_parameters": True}  # simple query protocol: BEGIN and the lock in one round trip


def device_lock_key(device_id: str) -> int:
    """A stable 32-bit key for the device (computed here, so the lock statement carries no text)."""
    return int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:4], "big", signed=True)


def insert_capped(session: Any, values: dict[str, Any], max_queued: int) -> bool:
    """Store the intake row unless the device already has ``max_queued`` batches waiting; True if stored.
    An IntegrityError (the same batch stored a moment ago) propagates, the transaction rolled back."""
    table = HubIntake.__table__
    queued = (select(func.count()).select_from(HubIntake)
              .where(HubIntake.state == values["state"], HubIntake.device_id == values["device_id"])
              .scalar_subquery())
    row = select(*[literal(value, type_=table.c[name].type) for name, value in values.items()]).where(
        queued < max_queued)
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"  # its acknowledgement sessions are autocommit
    if postgres:
        conn.exec_driver_sql(f"BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, "
                             f"{device_lock_key(values['device_id'])})", execution_options=_TEXT_ONLY)
    try:
        stored = conn.execute(insert(HubIntake).from_select(list(values), row)
                              .returning(HubIntake.batch_id)).first() is not None
    except BaseException:
        if postgres:
            conn.exec_driver_sql("ROLLBACK", execution_options=_TEXT_ONLY)
        raise
    if postgres:
        conn.exec_driver_sql("COMMIT", execution_options=_TEXT_ONLY)
    return stored
