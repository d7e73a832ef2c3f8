"""Push acknowledgement and the applier (issue 14), over a real HTTP server on SQLite and PostgreSQL.

A desk that sends ``Prefer: respond-async`` gets 202 and a signed ``queued`` receipt (acknowledging no
change) once the batch is verified and stored; the applier imports it later, in sequence order per
device; a crash before the apply commits leaves it queued for the next applier; a batch refused as a
whole is still refused in the push's own response.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from desktop.db.session import Database
from desktop.sync import batch, canonical
from desktop.sync import receipt as receipts
from desktop.sync.push import Backoff, device_signer, push
from desktop.sync.request_auth import sign_headers
from province import importer, intake
from province.db import Hub
from province.devices import revoke
from province.models import HubBatch, HubImportAudit, HubIntake, HubQuarantine
from province.schema import DATA_TABLES
from province.server import ServerConfig
from tests.net.conftest import LiveHub, free_port
from tests.sync_support import connect_desk, export, neighbour_desk, receive

ROOT = Path(__file__).resolve().parents[2]
ASYNC = {"Prefer": "respond-async"}
FAST = Backoff(attempts=4, base_delay=0.01, max_delay=0.05, max_seconds=5, timeout=10, receipt_wait=10)


@pytest.fixture
def live(hub: Hub) -> Iterator[LiveHub]:
    """The server without its own applier (as under ``serve``): the tests apply with ``intake.drain``."""
    server = LiveHub(hub=hub, port=free_port(), config=ServerConfig(applier="workers", body_timeout=10))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _put(live: LiveHub, file: Path, *, asynchronous: bool = True, batch_id: str | None = None) -> httpx.Response:
    data = file.read_bytes()
    batch_id = batch_id or batch.read_header(data).header["batch_id"]
    return httpx.put(f"{live.url}/api/v1/batches/{batch_id}", content=data, headers=ASYNC if asynchronous else {},
                     timeout=60)


def _poll(live: LiveHub, db: Database, batch_id: str) -> httpx.Response:
    device, key = device_signer(db)
    target = f"/api/v1/receipts/{batch_id}"
    return httpx.get(live.url + target, headers=sign_headers(device, key, "GET", target), timeout=30)


def _count(hub: Hub, model: Any) -> int:
    with hub.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _codes(hub: Hub) -> set[str]:
    with hub.engine.connect() as conn:
        return set(conn.scalars(select(DATA_TABLES["dossier"].c.code)))


def test_acknowledged_when_stored_then_applied(db: Database, hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 3, name="Trần Thị Hàng")
    made = export(db, tmp_path / "usb")
    first = _put(live, made.file)  # type: ignore[arg-type]
    assert first.status_code == 202 and first.headers["x-import-status"] == "queued"
    body = receipts.verify(first.content, hub.meta("public_bundle"))  # signed by the province
    assert body["status"] == "queued" and body["accepted_through"] == {} and body["batch_id"] == made.batch_id
    assert _count(hub, HubBatch) == 0 and _codes(hub) == set() and _count(hub, HubIntake) == 1
    # Pushed again while queued, and asked by poll: the same bytes.
    assert _put(live, made.file).content == first.content  # type: ignore[arg-type]
    polled = _poll(live, db, made.batch_id)  # type: ignore[arg-type]
    assert polled.status_code == 202 and polled.content == first.content
    assert intake.drain(hub) == 1
    assert _codes(hub) == set(codes) and _count(hub, HubIntake) == 0
    final = _poll(live, db, made.batch_id)  # type: ignore[arg-type]
    assert final.status_code == 200 and final.headers["x-import-status"] == "applied"
    assert receipts.verify(final.content, hub.meta("public_bundle"))["accepted_through"]
    again = _put(live, made.file)  # type: ignore[arg-type]
    assert again.status_code == 200 and again.headers["x-import-status"] == "duplicate"
    assert again.content == final.content
    # The desk's own push learns the outcome from the hub's state and acknowledges its changes.
    result = push(db, live.url, backoff=FAST)
    assert result.status == "duplicate" and result.acknowledged > 0 and _count(hub, HubBatch) == 1


def test_poll_answers_only_the_batch_owner(db: Database, hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "a")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    assert _put(live, made.file).status_code == 202  # type: ignore[arg-type]
    other = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(other, hub, tmp_path / "b")
        assert _poll(live, other, made.batch_id).status_code == 404  # type: ignore[arg-type]
    finally:
        other.dispose()
    assert httpx.get(f"{live.url}/api/v1/receipts/{made.batch_id}", timeout=30).status_code == 401


def test_a_crash_before_the_apply_commits_is_applied_after_restart(db: Database, hub: Hub, live: LiveHub,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 2, name="Phan Văn Sập")
    made = export(db, tmp_path / "usb")
    assert _put(live, made.file).status_code == 202  # type: ignore[arg-type]
    real = importer.apply_locked

    def applied_then_killed(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # every row written, not committed: then the process dies
        raise SystemExit("killed")

    monkeypatch.setattr(importer, "apply_locked", applied_then_killed)
    with pytest.raises(SystemExit):
        intake.apply_next(hub)
    monkeypatch.setattr(importer, "apply_locked", real)
    live.stop()
    assert _count(hub, HubBatch) == 0 and _codes(hub) == set() and _count(hub, HubIntake) == 1
    url = hub.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-m", "province", "--db-url", url, "--data-dir", str(hub.data_dir),
                           "apply-worker", "--once"], capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUTF8="1"))
    assert done.returncode == 0 and "Đã áp dụng 1 gói" in done.stdout, done.stderr[-2000:]
    assert _codes(hub) == set(codes) and _count(hub, HubBatch) == 1 and _count(hub, HubIntake) == 0


def test_one_device_in_order_when_batches_arrive_out_of_order(db: Database, hub: Hub, live: LiveHub,
                                                              tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2, name="Đỗ Thị Trước")
    one = export(db, tmp_path / "1")
    receive(db, 1, name="Đỗ Thị Sau")
    two = export(db, tmp_path / "2")
    assert _put(live, two.file).status_code == 202  # type: ignore[arg-type]  # the later batch first
    assert _put(live, one.file).status_code == 202  # type: ignore[arg-type]
    assert intake.drain(hub) == 2
    with hub.reading() as session:
        order = session.scalars(select(HubImportAudit.batch_id).where(HubImportAudit.status == "applied")
                                .order_by(HubImportAudit.id)).all()
        chain = session.get(HubBatch, two.batch_id).chain  # type: ignore[union-attr]
    assert order == [one.batch_id, two.batch_id] and chain == "ok"


def test_version_guard_holds_through_the_queue(db: Database, hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    """A newer version applied first, the older batch after it: the hub keeps the newer one."""
    from desktop.services import dossiers

    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 1, name="Vũ Văn Mới")
    old = export(db, tmp_path / "1")
    with db.transaction(officer="canbo") as session:
        dossiers.start(session, codes[0])
    new = export(db, tmp_path / "2")
    assert _put(live, new.file).status_code == 202 and intake.drain(hub) == 1  # type: ignore[arg-type]
    assert _put(live, old.file).status_code == 202 and intake.drain(hub) == 1  # type: ignore[arg-type]
    late = receipts.verify(_poll(live, db, old.batch_id).content, hub.meta("public_bundle"))  # type: ignore[arg-type]
    assert late["counts"]["applied"] == 0 and late["counts"]["unchanged"] + late["counts"]["skipped"] >= 1, late["counts"]
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        version = conn.scalar(select(table.c.version).where(table.c.code == codes[0]))
    assert version is not None and version >= 2


def test_whole_batch_refusals_stay_immediate(db: Database, hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    data = bytearray(made.file.read_bytes())  # type: ignore[union-attr]
    at = data.rfind(b"payload") - 200  # a byte of the sealed payload: the tag no longer matches
    data[at] ^= 0xFF
    tampered = tmp_path / "tampered.mcb"
    tampered.write_bytes(bytes(data))
    answer = _put(live, tampered, batch_id=made.batch_id)
    assert 400 <= answer.status_code < 500 and answer.json()["status"] == "refused", answer.text[:300]
    with db.reading() as session:
        from desktop.sync import identity

        device = identity.device_id(session)
    revoke(hub, device, reason="thử")
    refused = _put(live, made.file)  # type: ignore[arg-type]
    assert refused.status_code == 403 and refused.json()["code"] == "revoked_device" and refused.json()["permanent"]
    assert _count(hub, HubIntake) == 0 and _count(hub, HubBatch) == 0
    assert _count(hub, HubQuarantine) == 1  # the revoked device's (a broken container is not even read)


def test_a_repeat_pushed_while_its_batch_is_applied_gets_the_same_receipt(
        db: Database, hub: Hub, live: LiveHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The apply commits between the acknowledgement's two reads of a repeat (seen in bench_load, 1 run in
    30): the repeat must get the receipt it got before, or the applied one — never a second, new receipt."""
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite the acknowledgement's reads are one read transaction (one moment)")
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    first = _put(live, made.file)  # type: ignore[arg-type]
    assert first.status_code == 202
    real, applied = importer.known_batch, []

    def read_then_apply(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if not applied:  # the apply-worker commits right after the acknowledgement's read
            applied.append(None)  # (the apply reads it too: once only)
            applied[0] = intake.drain(hub)
        return found

    monkeypatch.setattr(importer, "known_batch", read_then_apply)
    again = _put(live, made.file)  # type: ignore[arg-type]
    monkeypatch.setattr(importer, "known_batch", real)
    assert applied == [1]
    final = _poll(live, db, made.batch_id)  # type: ignore[arg-type]
    assert again.content in (first.content, final.content), again.text[:300]
    assert _count(hub, HubIntake) == 0 and _count(hub, HubBatch) == 1


def test_unknown_device_is_refused_at_once(db: Database, hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    from desktop.sync import keys

    with db.transaction(officer="setup") as session:  # the province key, but never enrolled
        keys.install_bundle(session, hub.data_dir / "public" / "province.pub")
    receive(db, 1)
    answer = _put(live, export(db, tmp_path / "usb").file)  # type: ignore[arg-type]
    assert answer.status_code == 403 and answer.json()["code"] == "unknown_device"
    assert _count(hub, HubIntake) == 0


def test_unauthenticated_bytes_never_reach_the_quarantine_folder(db: Database, hub: Hub, live: LiveHub,
                                                                  tmp_path: Path) -> None:
    """Anyone on the network can send a well-formed header naming a random device and pad the body to the
    batch cap: the refusal is recorded (digest, size, code), the bytes are not written to the hub's disk."""
    from desktop.sync import keys

    with db.transaction(officer="setup") as session:  # the province key, but never enrolled
        keys.install_bundle(session, hub.data_dir / "public" / "province.pub")
    receive(db, 1)
    from tests.hub.test_hostile_batches import _big_stored

    made = export(db, tmp_path / "usb")
    header = batch.read_header(made.file.read_bytes()).header  # type: ignore[union-attr]
    padded = _big_stored({"header": header}, tmp_path / "padded.mcb", 3)
    for _ in range(3):
        answer = _put(live, padded, batch_id=made.batch_id)
        assert answer.status_code == 403 and answer.json()["code"] == "unknown_device", answer.text[:300]
    folder = hub.data_dir / "quarantine"
    assert not folder.exists() or not any(folder.iterdir())
    with hub.reading() as session:
        rows = session.scalars(select(HubQuarantine)).all()
        audits = session.scalars(select(HubImportAudit)).all()
    assert len(rows) == 3 and {r.stored_as for r in rows} == {""}
    assert {r.sha256 for r in rows} == {canonical.sha256(padded.read_bytes())}
    assert {(a.code, a.detail["size"], a.detail["bytes_kept"]) for a in audits} == {
        ("unknown_device", padded.stat().st_size, False)}
    assert _count(hub, HubIntake) == 0 and _count(hub, HubBatch) == 0


def test_a_flood_of_unverified_pushes_is_recorded_up_to_a_cap(db: Database, hub: Hub, live: LiveHub,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each unverified refusal adds rows; past ``refusal_rate.UNKEPT_PER_MINUTE`` in a minute it is still
    answered (the same 403) and logged, but the database stops growing."""
    from desktop.sync import keys
    from province import refusal_rate

    monkeypatch.setattr(refusal_rate, "UNKEPT_PER_MINUTE", 2)
    with db.transaction(officer="setup") as session:  # the province key, but never enrolled
        keys.install_bundle(session, hub.data_dir / "public" / "province.pub")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    for _ in range(5):
        answer = _put(live, made.file, batch_id=made.batch_id)  # type: ignore[arg-type]
        assert answer.status_code == 403 and answer.json()["code"] == "unknown_device", answer.text[:300]
    assert _count(hub, HubQuarantine) == 2 and _count(hub, HubImportAudit) == 2


def test_a_batch_refused_by_the_applier_keeps_its_signed_refusal(db: Database, hub: Hub, live: LiveHub,
                                                                 tmp_path: Path) -> None:
    from tests.hub.test_hostile_batches import _dossier, _signed

    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    honest = export(db, tmp_path / "honest")
    sealed = batch.read_header(honest.file.read_bytes())  # type: ignore[union-attr]
    from province.keys import encryption_keys

    files = batch.decrypt(sealed, encryption_keys(hub))
    desk = {"header": sealed.header, "files": files, "manifest": json.loads(files["manifest.json"])}
    bad = tmp_path / "bad.mcb"
    bad.write_bytes(_signed(db, hub, desk, lambda ch: _dossier(ch)["row"].update(received_at="garbage")))
    first = _put(live, bad)
    assert first.status_code == 202  # signed by the enrolled device: stored; its content is the applier's to judge
    assert intake.drain(hub) == 1
    polled = _poll(live, db, batch.read_header(bad.read_bytes()).header["batch_id"])
    assert 400 <= polled.status_code < 500 and polled.json()["code"] in ("bad_format", "bad_value")
    assert polled.json()["receipt"]["receipt"]["status"] == "refused"
    assert _put(live, bad).content == polled.content  # a repeat: the same refusal, byte for byte
    assert _count(hub, HubBatch) == 0 and _count(hub, HubQuarantine) == 1


def test_other_units_record_refused_through_the_queue(db: Database, hub: Hub, live: LiveHub, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.hub.test_ownership import _check, _forged_batch, _setup

    b = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        s = _setup(db, b, hub, tmp_path)
        forged = _forged_batch(monkeypatch, b, tmp_path / "usb", s["victim"], "")
        assert _put(live, Path(forged["file"])).status_code == 202
        assert intake.drain(hub) == 1
        polled = _poll(live, b, forged["batch_id"])
    finally:
        b.dispose()
    assert polled.status_code == 200
    _check(hub, s, json.loads(polled.content))


def test_appliers_in_parallel_apply_each_batch_once_in_order(db: Database, hub: Hub, live: LiveHub,
                                                             tmp_path: Path) -> None:
    """Two appliers at once (threads here; processes under ``serve``): devices are claimed with SKIP LOCKED,
    every batch is applied exactly once and one device's batches in sequence order."""
    b = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(b, hub, tmp_path / "b")
        made = []
        for desk, name in ((db, "Lý Thị A"), (b, "Lý Thị B")):
            for round_ in range(2):
                receive(desk, 2, name=f"{name}{round_}")
                made.append(export(desk, tmp_path / str(uuid.uuid4())))
        for result in reversed(made):
            assert _put(live, result.file).status_code == 202  # type: ignore[arg-type]
        counts: list[int] = []
        workers = [threading.Thread(target=lambda: counts.append(intake.drain(hub))) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        intake.drain(hub)  # what a worker left because the other one held the device
    finally:
        b.dispose()
    with hub.reading() as session:
        order = session.scalars(select(HubImportAudit.batch_id).where(HubImportAudit.status == "applied")
                                .order_by(HubImportAudit.id)).all()
    assert sorted(order) == sorted(r.batch_id for r in made) and len(order) == 4
    for first, second in ((made[0], made[1]), (made[2], made[3])):
        assert order.index(first.batch_id) < order.index(second.batch_id)
    assert _count(hub, HubIntake) == 0 and canonical.sha256(b"") != ""


def test_a_new_years_partition_appears_when_the_applier_applies(db: Database, hub: Hub, live: LiveHub,
                                                                 tmp_path: Path) -> None:
    """Issue 14 (partitioning): the queued path makes the year's partition as the USB import does."""
    from datetime import datetime

    from sqlalchemy import text

    from desktop.platform import clock

    clock.set_now(datetime(2027, 1, 4, 9, 0, tzinfo=clock.VN_TZ))
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 2, start=datetime(2027, 1, 4, 8, 0, tzinfo=clock.VN_TZ))
    assert _put(live, export(db, tmp_path / "usb").file).status_code == 202  # type: ignore[arg-type]
    assert intake.drain(hub) == 1 and _codes(hub) == set(codes)
    if hub.engine.dialect.name == "postgresql":
        with hub.engine.connect() as conn:
            placed = set(conn.execute(text("SELECT tableoid::regclass::text FROM dossier")).scalars())
        assert placed == {"dossier_y2027"}


def test_a_batch_refused_after_its_database_retries_is_answered_as_final() -> None:
    """A 5xx tells the desk to try again: a refusal kept for ``db_error`` must not say that, or the desk
    would resend and poll the same batch for ever."""
    row = HubIntake(batch_id=str(uuid.uuid4()), device_id=str(uuid.uuid4()), state=intake.REFUSED,
                    code="db_error", receipt=b'{"status": "refused", "code": "db_error"}')
    answer = intake._row_answer(row)
    assert (answer.status, answer.body) == (intake.REFUSED, row.receipt)
    assert answer.http_status == 422
    queued = HubIntake(batch_id=str(uuid.uuid4()), device_id=row.device_id, state=intake.QUEUED, receipt=b"{}")
    assert intake._row_answer(queued).http_status == 202
