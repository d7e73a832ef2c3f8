"""Old refusals nobody reads again are forgotten; what an operator may still need is kept."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from desktop.errors import UserError
from desktop.platform import clock
from province import appliers, retention
from province.db import Hub
from province.models import HubImportAudit, HubIntake, HubQuarantine


def _refusal(session: Any, name: str, days: int, *, kept: bool) -> None:
    at = clock.now() - timedelta(days=days)
    session.add(HubQuarantine(file_name=name, stored_as=f"/q/{name}.bin" if kept else "", sha256="0" * 64,
                              code="bad_signature", message="Chữ ký sai.", refused_at=at))
    session.add(HubImportAudit(file_name=name, sha256="0" * 64, status="refused", code="bad_signature",
                               detail={"message": "Chữ ký sai.", "size": 10, "bytes_kept": kept}, at=at))


def _intake(session: Any, number: int, days: int, state: str) -> None:
    session.add(HubIntake(batch_id=f"00000000-0000-4000-8000-{number:012d}", sha256="0" * 64,
                          device_id="d" * 36, unit_code="10375", epoch="e" * 36, seq_from=1, seq_to=2,
                          created_at="2026-01-01T00:00:00+07:00", state=state, content=None if state == "refused"
                          else b"x", receipt=b"{}", attempts=0, received_at=clock.now() - timedelta(days=days)))


def _names(hub: Hub) -> dict[str, list[Any]]:
    with hub.reading() as session:
        return {"quarantine": sorted(session.scalars(select(HubQuarantine.file_name))),
                "audit": sorted(session.scalars(select(HubImportAudit.file_name))),
                "intake": sorted(int(i[-4:]) for i in session.scalars(select(HubIntake.batch_id)))}


@pytest.fixture
def history(hub: Hub) -> Hub:
    with hub.transaction() as session:
        _refusal(session, "old-unverified", 40, kept=False)
        _refusal(session, "new-unverified", 5, kept=False)
        _refusal(session, "old-kept", 400, kept=True)
        session.add(HubImportAudit(file_name="old-applied", sha256="1" * 64, status="applied", detail={},
                                   at=clock.now() - timedelta(days=400)))
        _intake(session, 1, 40, "refused")
        _intake(session, 2, 5, "refused")
        _intake(session, 3, 40, "queued")  # waiting (a hub stopped for weeks): never forgotten
    return hub


def test_refusals_past_the_retention_are_forgotten_and_nothing_else(history: Hub) -> None:
    gone = retention.forget_refusals(history)
    assert gone == {"hub_quarantine": 1, "hub_import_audit": 1, "hub_intake": 1, "hub_login_failure": 0}
    assert _names(history) == {"quarantine": ["new-unverified", "old-kept"],
                               "audit": ["new-unverified", "old-applied", "old-kept"], "intake": [2, 3]}
    assert retention.forget_refusals(history) == dict.fromkeys(gone, 0)


def test_the_retention_is_set_by_the_environment(history: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(retention.DAYS_ENV, "3")
    assert retention.forget_refusals(history)["hub_quarantine"] == 2
    for bad in ("0", "abc", "²", "99999"):
        monkeypatch.setenv(retention.DAYS_ENV, bad)
        with pytest.raises(UserError, match=retention.DAYS_ENV):
            retention.forget_refusals(history)


def test_an_idle_apply_worker_forgets_old_refusals_at_most_once_an_hour(history: Hub,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with history.transaction() as session:  # nothing queued: the worker is idle from the start
        session.execute(delete(HubIntake).where(HubIntake.state == "queued"))
    sweeps: list[dict[str, int]] = []
    real = retention.forget_refusals
    monkeypatch.setattr(retention, "forget_refusals", lambda hub: sweeps.append(real(hub)) or sweeps[-1])
    stop = threading.Event()
    worker = threading.Thread(target=appliers.run_worker, args=(history, stop), kwargs={"idle_seconds": 0.01})
    worker.start()
    try:
        for _ in range(500):
            if sweeps:
                break
            stop.wait(0.01)
        stop.wait(0.3)  # many idle rounds more: still one sweep
    finally:
        stop.set()
        worker.join(10)
    assert sweeps == [{"hub_quarantine": 1, "hub_import_audit": 1, "hub_intake": 1, "hub_login_failure": 0}]
    assert _names(history) == {"quarantine": ["new-unverified", "old-kept"],
                               "audit": ["new-unverified", "old-applied", "old-kept"], "intake": [2]}


def test_failed_log_ins_go_once_they_no_longer_count(hub: Hub) -> None:
    """Review 13: a failed log-in for a name nobody holds was never deleted — one row per guess."""
    from province.auth import FAILURE_WINDOW, MAX_FAILURES, AuthError, login
    from province.models import HubLoginFailure

    with hub.transaction() as session:
        for number in range(3):
            session.add(HubLoginFailure(username=f"khong-co-{number}", client="203.0.113.9",
                                        at=clock.now() - FAILURE_WINDOW - timedelta(minutes=number + 1)))
        for _ in range(MAX_FAILURES):  # a name locked out now: still counted, so kept
            session.add(HubLoginFailure(username="dang-doan", client="203.0.113.9", at=clock.now()))
    assert retention.forget_refusals(hub)["hub_login_failure"] == 3
    with hub.reading() as session:
        assert set(session.scalars(select(HubLoginFailure.username))) == {"dang-doan"}
    with pytest.raises(AuthError) as locked:
        login(hub, "dang-doan", "sai")
    assert locked.value.code == "locked_out"
