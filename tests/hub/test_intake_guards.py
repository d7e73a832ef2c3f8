"""Issue 14, session 9: the guards around the push queue, over a real HTTP server on SQLite and PostgreSQL.

A device with too many batches waiting is told to come back later (429, nothing stored) and the desk
waits as told; an old desk waiting for its applied receipt costs the hub few polls; the applier looks the
province's keys up once per pass, not per device it tries; a refusal is built only when a batch is
really refused, and names its device and unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop import settings
from desktop.db.session import Database
from desktop.platform import clock
from desktop.services.desk import get_setting
from desktop.sync import batch, canonical
from desktop.sync import receipt as receipts
from desktop.sync.backoff import poll_delays
from desktop.sync.push import Backoff, Unreachable, push
from desktop.sync.relay import relay
from province import importer, intake
from province.db import Hub
from province.models import HubBatch, HubIntake, HubQuarantine
from province.server import ServerConfig
from tests.hub.test_intake import ASYNC, _count, _poll, _put
from tests.net.conftest import LiveHub, free_port
from tests.sync_support import connect_desk, export, neighbour_desk, receive


def _three_batches(db: Database, hub: Hub, tmp_path: Path, name: str) -> list[Any]:
    """The desk connected to ``hub`` and three exports of it, one new dossier each."""
    connect_desk(db, hub, tmp_path / "desk")
    made = []
    for round_ in range(3):
        receive(db, 1, name=f"{name} {round_}")
        made.append(export(db, tmp_path / str(round_)))
    return made


def _live(hub: Hub, **options: Any) -> LiveHub:
    server = LiveHub(hub=hub, port=free_port(), config=ServerConfig(applier="workers", body_timeout=10, **options))
    server.start()
    return server


@pytest.fixture
def capped(hub: Hub) -> Iterator[LiveHub]:
    """At most two batches of one device waiting; no applier (the tests apply with ``intake.drain``)."""
    server = _live(hub, max_queued_per_device=2)
    try:
        yield server
    finally:
        server.stop()


def test_a_device_over_its_queue_cap_is_told_to_come_back_later(db: Database, hub: Hub, capped: LiveHub,
                                                                tmp_path: Path) -> None:
    made = _three_batches(db, hub, tmp_path, "Hà Thị Chờ")
    first, second = (_put(capped, m.file) for m in made[:2])  # type: ignore[arg-type]
    assert first.status_code == second.status_code == 202
    third = _put(capped, made[2].file)  # type: ignore[arg-type]
    assert third.status_code == 429 and third.headers["retry-after"] == str(intake.RETRY_AFTER_SECONDS)
    body = third.json()
    assert body["code"] == "too_many_queued" and body["permanent"] is False and "queued" not in body
    assert "đang chờ xử lý" in body["message"]
    assert _count(hub, HubIntake) == 2 and _count(hub, HubQuarantine) == 0  # nothing stored for the 429
    assert _put(capped, made[0].file).content == first.content  # a repeat of a queued batch: its receipt
    assert intake.drain(hub) == 2
    assert _put(capped, made[2].file).status_code == 202  # room again
    assert intake.drain(hub) == 1 and _count(hub, HubBatch) == 3


def test_the_desk_waits_as_a_busy_hub_asks(db: Database, hub: Hub, capped: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    for round_ in range(2):
        receive(db, 1, name=f"Lê Văn Đợi {round_}")
        assert _put(capped, export(db, tmp_path / str(round_)).file).status_code == 202  # type: ignore[arg-type]
    receive(db, 1, name="Lê Văn Đợi 2")  # the push exports a third batch: over the cap
    waits: list[float] = []
    patient = Backoff(attempts=4, base_delay=0.01, max_delay=0.05, max_seconds=3600, sleep=waits.append, timeout=10)
    with pytest.raises(Unreachable) as caught:
        push(db, capped.url, backoff=patient)
    assert caught.value.code == "hub_busy" and "đang bận" in caught.value.message
    assert waits == [float(intake.RETRY_AFTER_SECONDS)] * 3  # never sooner than the hub asked: no hot loop
    short: list[float] = []
    with pytest.raises(Unreachable):  # a wait longer than the push may take: one attempt, no wait
        push(db, capped.url, backoff=Backoff(attempts=4, base_delay=0.01, max_seconds=5, sleep=short.append))
    assert short == []
    with db.reading() as session:
        last = get_setting(session, settings.LAST_PUSH.key)
    assert last["status"] == "failed" and last["code"] == "hub_busy"  # not a refusal: the next push tries again
    assert _count(hub, HubIntake) == 2
    assert intake.drain(hub) == 2
    assert push(db, capped.url, backoff=patient).status in ("queued", "applied")


def test_an_old_desk_waiting_for_its_receipt_is_polled_with_back_off(db: Database, hub: Hub, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    delays = list(islice(poll_delays(0.05), 12))
    assert delays[0] == 0.05 and max(delays) == 2.0 and delays == sorted(delays)
    asks: list[str] = []
    real = intake.outcome
    monkeypatch.setattr(intake, "outcome", lambda h, b: (asks.append(b), real(h, b))[1])
    server = _live(hub, import_timeout=3.0)  # nothing applies: the old desk waits the whole 3 s
    try:
        connect_desk(db, hub, tmp_path / "desk")
        receive(db, 1)
        made = export(db, tmp_path / "usb")
        waited = _put(server, made.file, asynchronous=False)  # type: ignore[arg-type]
        assert waited.status_code == 503 and waited.json()["code"] == "timeout"  # the answer old desks always got
        assert 3 <= len(asks) <= 12  # a poll every 50 ms would have been ~60
        assert intake.drain(hub) == 1
        again = _put(server, made.file, asynchronous=False)  # type: ignore[arg-type]
        assert again.status_code == 200 and again.headers["x-import-status"] == "duplicate"
        receipts.verify(again.content, hub.meta("public_bundle"))
    finally:
        server.stop()


def test_the_applier_looks_keys_up_once_per_pass(db: Database, hub: Hub, capped: LiveHub, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    other = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        later = []
        for round_ in range(2):  # desk A: two batches; its first waits (a retry's back-off), so A is skipped
            receive(db, 1, name=f"Vũ Thị Lùi {round_}")
            later.append(export(db, tmp_path / f"a{round_}"))
            assert _put(capped, later[-1].file).status_code == 202  # type: ignore[arg-type]
        receive(other, 1, name="Vũ Văn Kế")
        assert _put(capped, export(other, tmp_path / "b1").file).status_code == 202  # type: ignore[arg-type]
    finally:
        other.dispose()
    with hub.transaction() as session:
        session.get(HubIntake, later[0].batch_id).not_before = clock.now() + timedelta(hours=1)  # type: ignore[union-attr]
    kid = hub.meta("signing_kid")
    loads: list[Any] = []
    real_key, real_meta = importer._signing_key, type(hub).meta
    monkeypatch.setattr(importer, "_signing_key", lambda h, kid=None: (loads.append(kid), real_key(h, kid))[1])
    monkeypatch.setattr(type(hub), "meta", lambda self, *a, **k: (loads.append("meta"), real_meta(self, *a, **k))[1])
    done = intake.apply_next(hub)  # tries A (not ready), then applies B
    assert done is not None and done not in (r.batch_id for r in later)
    assert loads == [kid]  # one lookup, the id read with the queue


def test_a_refusal_is_built_only_when_the_batch_is_refused(db: Database, hub: Hub, capped: LiveHub,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    assert _put(capped, made.file).status_code == 202  # type: ignore[arg-type]
    built: list[str] = []
    real = intake.refusal
    monkeypatch.setattr(intake, "refusal", lambda *a, **k: (built.append(a[1]), real(*a, **k))[1])

    def broken(*_: Any, **__: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(importer, "apply_locked", broken)
    for attempt in range(1, intake.MAX_DB_ATTEMPTS + 1):
        assert intake.apply_next(hub) == made.batch_id
        with hub.transaction() as session:
            row = session.get(HubIntake, made.batch_id)
            assert row is not None and row.attempts == attempt
            expected_state = intake.QUEUED if attempt < intake.MAX_DB_ATTEMPTS else intake.REFUSED
            assert row.state == expected_state
            row.not_before = None  # the back-off passed
        assert built == ([] if attempt < intake.MAX_DB_ATTEMPTS else ["db_error"])  # retries build nothing
    polled = _poll(capped, db, made.batch_id)  # type: ignore[arg-type]
    assert polled.status_code == 422 and polled.json()["code"] == "db_error"
    signed = polled.json()["receipt"]
    header = batch.read_header(made.file.read_bytes()).header  # type: ignore[union-attr]
    body = receipts.verify(canonical.dumps(signed), hub.meta("public_bundle"))
    assert (body["device_id"], body["unit_code"]) == (header["device_id"], header["unit_code"])
    with hub.reading() as session:
        assert session.scalar(select(HubQuarantine.batch_id)) == made.batch_id
    assert httpx.put(f"{capped.url}/api/v1/batches/{made.batch_id}", content=made.file.read_bytes(),  # type: ignore[union-attr]
                     headers=ASYNC, timeout=30).content == polled.content


def test_a_relay_records_a_busy_hub_as_failed_not_refused(db: Database, hub: Hub, capped: LiveHub,
                                                          tmp_path: Path) -> None:
    made = _three_batches(db, hub, tmp_path, "Đinh Văn Chuyển")
    for early in made[:2]:
        assert _put(capped, early.file).status_code == 202  # type: ignore[arg-type]
    stick = tmp_path / "district"
    stick.mkdir()
    (stick / made[2].file.name).write_bytes(made[2].file.read_bytes())  # type: ignore[union-attr]
    once = Backoff(attempts=1, base_delay=0.01, max_seconds=5, sleep=lambda _: None, timeout=10)
    [item] = relay(stick, url=capped.url, backoff=once)
    assert (item.status, item.code, item.batch_id) == ("failed", "hub_busy", made[2].batch_id)  # retry later
    assert _count(hub, HubIntake) == 2 and _count(hub, HubQuarantine) == 0  # nothing stored, nothing refused


def test_the_cap_holds_when_the_early_count_is_stale(db: Database, hub: Hub, capped: LiveHub, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Parallel pushes of one desk all read the count before any of them stored: the INSERT still caps."""
    made = _three_batches(db, hub, tmp_path, "Trần Thị Song")
    real = intake._facts
    monkeypatch.setattr(intake, "_facts", lambda s, h: (lambda f: f and f | {"queued": 0})(real(s, h)))
    answers = [_put(capped, m.file).status_code for m in made]  # type: ignore[arg-type]
    assert answers == [202, 202, 429]
    assert _count(hub, HubIntake) == 2 and _count(hub, HubQuarantine) == 0


def test_a_refusal_by_the_applier_is_signed_with_the_pass_key(db: Database, hub: Hub, capped: LiveHub,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    assert _put(capped, made.file).status_code == 202  # type: ignore[arg-type]
    with hub.transaction() as session:
        session.get(HubIntake, made.batch_id).attempts = intake.MAX_DB_ATTEMPTS - 1  # type: ignore[union-attr]

    def broken(*_: Any, **__: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(importer, "apply_locked", broken)
    loads: list[Any] = []
    real_key = importer._signing_key
    monkeypatch.setattr(importer, "_signing_key", lambda h, kid=None: (loads.append(kid), real_key(h, kid))[1])
    assert intake.apply_next(hub) == made.batch_id
    assert loads == [hub.meta("signing_kid")]  # the pass's lookup only: the refusal is signed with its key
    polled = _poll(capped, db, made.batch_id)  # type: ignore[arg-type]
    assert polled.status_code == 422 and polled.json()["code"] == "db_error"
    receipts.verify(canonical.dumps(polled.json()["receipt"]), hub.meta("public_bundle"))
