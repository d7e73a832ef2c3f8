"""The acknowledgement's store (issue 14, session 10): the per-device cap exact under parallel pushes, in
one round trip on PostgreSQL; pooled connections pinged only after idling."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from province import db as hub_db
from province import intake, intake_cap
from province.db import Hub
from province.models import HubIntake


def _row(device_id: str, batch_id: str | None = None) -> dict[str, object]:
    return {"batch_id": batch_id or str(uuid.uuid4()), "sha256": "0" * 64, "device_id": device_id,
            "unit_code": "10375", "epoch": str(uuid.uuid4()), "seq_from": 1, "seq_to": 2,
            "created_at": "2026-11-16T09:00:00+07:00", "state": intake.QUEUED, "content": b"\x00batch",
            "receipt": b"{}", "attempts": 0, "received_at": datetime.now(timezone.utc)}


def _store(hub: Hub, row: dict[str, object], cap: int) -> bool:
    session = intake._statements(hub)()
    try:
        stored = intake_cap.insert_capped(session, row, cap)
        session.commit()
        return stored
    finally:
        session.close()


def _queued(hub: Hub, device_id: str) -> int:
    with hub.reading() as session:
        return int(session.scalar(select(func.count()).select_from(HubIntake)
                                  .where(HubIntake.device_id == device_id, HubIntake.state == intake.QUEUED)) or 0)


def test_the_cap_is_exact_when_one_device_pushes_in_parallel(hub: Hub) -> None:
    device, other = str(uuid.uuid4()), str(uuid.uuid4())
    start = threading.Barrier(8)
    results: list[bool] = []
    lock = threading.Lock()

    def push() -> None:
        start.wait()
        stored = _store(hub, _row(device), cap=3)
        with lock:
            results.append(stored)

    threads = [threading.Thread(target=push) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 5 + [True] * 3
    assert _queued(hub, device) == 3
    assert _store(hub, _row(other), cap=3) is True  # another device's cap is its own
    stored = _row(device)
    with hub.transaction() as session:  # one applied (its row deleted): room for one more
        session.execute(HubIntake.__table__.delete().where(HubIntake.device_id == device)
                        .where(HubIntake.batch_id == session.scalars(select(HubIntake.batch_id).where(
                            HubIntake.device_id == device).limit(1)).one()))
    assert _store(hub, stored, cap=3) is True and _queued(hub, device) == 3


def test_the_same_batch_stored_twice_is_an_integrity_error_and_stores_once(hub: Hub) -> None:
    device = str(uuid.uuid4())
    row = _row(device)
    assert _store(hub, row, cap=5) is True
    with pytest.raises(IntegrityError):
        _store(hub, dict(row), cap=5)
    assert _queued(hub, device) == 1


@pytest.mark.postgres
def test_a_dead_pooled_connection_is_replaced_after_idling(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's pool")
    with hub.engine.connect() as conn:
        backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with hub.engine.connect() as killer:  # the pool's one idle connection is the other one: end it from here
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    monkeypatch.setattr(hub_db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection counts as idle
    assert hub.meta("hub_schema") is not None  # answered on a fresh connection, no error
    with hub.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != backend
