"""Network push against a real hub server: push, repeat, cut upload, hub restart, revoked device."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from desktop import settings
from desktop.db.session import Database
from desktop.sync.push import Backoff, Refused, Unreachable, push
from desktop.sync.status import sync_status
from province.devices import revoke
from province.models import HubBatch, HubImportAudit
from province.schema import DATA_TABLES
from tests.net.conftest import LiveHub
from tests.sync_support import connect_desk, export, receive

FAST = Backoff(attempts=4, base_delay=0.01, max_delay=0.05, max_seconds=5, timeout=10)


def _hub_codes(live: LiveHub) -> set[str]:
    table = DATA_TABLES["dossier"]
    with live.hub.engine.connect() as conn:
        return set(conn.scalars(select(table.c.code)))


def _batches(live: LiveHub) -> int:
    with live.hub.reading() as session:
        return session.scalar(select(func.count()).select_from(HubBatch)) or 0


def test_push_then_repeat_gets_same_receipt(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    codes = receive(db, 3, name="Trần Thị Bích")
    result = push(db, live_hub.url, backoff=FAST)
    assert result.status == "applied" and result.exported and result.attempts == 1
    assert result.applied > 3 and result.acknowledged > 0
    assert _hub_codes(live_hub) == set(codes)
    with db.reading() as session:
        status = sync_status(session)
    assert status["pending_changes"] == 0 and status["batches"][0]["medium"] == "http"
    # The same bytes again: the batch id is the idempotency key, the receipt is the stored one.
    from desktop.sync.push import outbox

    sent = next(outbox().glob("*.mcb"))
    again = httpx.put(f"{live_hub.url}/api/v1/batches/{result.batch_id}", content=sent.read_bytes())
    assert again.status_code == 200 and again.headers["x-import-status"] == "duplicate"
    assert again.content == Path(result.receipt_file).read_bytes()  # type: ignore[arg-type]
    assert _batches(live_hub) == 1
    # Nothing left: the CLI says so, in its JSON contract.
    out = cli("sync", "push", "--url", live_hub.url, "--json", db=db.path).json()
    assert out["status"] == "up_to_date" and out["batch_id"] is None and out["applied"] == 0


def test_cli_push_json_contract(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 2)
    out = cli("sync", "push", "--url", live_hub.url, "--json", db=db.path).json()
    assert {"batch_id", "status", "applied"} <= set(out)
    assert out["status"] == "applied" and out["applied"] > 0 and len(out["batch_id"]) == 36


def test_url_id_must_match_header(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    made = export(db, tmp_path / "usb")
    assert made.file is not None
    other = "00000000-0000-4000-8000-000000000000"
    response = httpx.put(f"{live_hub.url}/api/v1/batches/{other}", content=made.file.read_bytes())
    assert response.status_code == 400 and response.json()["code"] == "batch_id_mismatch"
    assert _batches(live_hub) == 0


def _raw_put(port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """Send a request by hand, then close: lets a test cut a body midway or send no body at all."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        head = f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(head.encode() + b"\r\n" + body)
        sock.shutdown(socket.SHUT_WR) if not body else None
        if body:
            return b""
        answer = b""
        try:
            while chunk := sock.recv(4096):  # head and body may arrive in separate segments
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


def test_oversize_is_refused_before_the_body(live_hub: LiveHub) -> None:
    batch_id = "11111111-1111-4111-8111-111111111111"
    answer = _raw_put(live_hub.port, f"/api/v1/batches/{batch_id}", {"Content-Length": str(10**9)}, b"")
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"too_large" in answer


def test_interrupted_upload_then_retry(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    codes = receive(db, 4)
    made = export(db, tmp_path / "usb")
    assert made.file is not None
    data = made.file.read_bytes()
    _raw_put(live_hub.port, f"/api/v1/batches/{made.batch_id}",
             {"Content-Length": str(len(data)), "Content-Type": "application/octet-stream"}, data[: len(data) // 2])
    assert _batches(live_hub) == 0  # half a body never reaches the importer
    result = push(db, live_hub.url, backoff=FAST)
    assert result.status == "applied" and result.batch_id == made.batch_id and not result.exported
    assert _hub_codes(live_hub) == set(codes) and _batches(live_hub) == 1


def test_hub_restart_during_push(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    codes = receive(db, 2)
    live_hub.stop()
    waits: list[float] = []

    def sleep(delay: float) -> None:  # the hub comes back during the second back-off
        waits.append(delay)
        if len(waits) == 2:
            live_hub.start()

    result = push(db, live_hub.url, backoff=Backoff(attempts=5, base_delay=0.01, max_delay=1, max_seconds=30,
                                                    timeout=5, sleep=sleep))
    assert result.status == "applied" and result.attempts == 3 and len(waits) == 2
    assert _hub_codes(live_hub) == set(codes)


def test_hub_down_gives_up_bounded(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    live_hub.stop()
    waits: list[float] = []
    with pytest.raises(Unreachable) as caught:
        push(db, live_hub.url, backoff=Backoff(attempts=4, base_delay=1, max_delay=3, max_seconds=60, timeout=2,
                                               sleep=waits.append))
    assert len(waits) == 3 and all(1 * 0.5 <= w <= 3 for w in waits)
    assert waits[1] > waits[0] * 0.9 or waits[1] == 3  # exponential (with jitter, capped)
    assert "USB" in caught.value.message
    with db.reading() as session:
        assert sync_status(session)["pending_changes"] > 0  # nothing acknowledged without a receipt


def test_revoked_device_stops_without_retrying(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    with db.reading() as session:
        from desktop.services.desk import get_setting

        device = get_setting(session, settings.DEVICE_ID.key)
    revoke(live_hub.hub, device, reason="máy bị mất")
    waits: list[float] = []
    with pytest.raises(Refused) as caught:
        push(db, live_hub.url, backoff=Backoff(attempts=5, base_delay=0.01, sleep=waits.append))
    assert caught.value.code == "revoked_device" and waits == []
    assert "thu hồi" in caught.value.message
    with live_hub.hub.reading() as session:
        refused = session.scalars(select(HubImportAudit.code).where(HubImportAudit.status == "refused")).all()
    assert refused == ["revoked_device"]
    with db.reading() as session:
        from desktop.services.desk import get_setting

        assert get_setting(session, settings.LAST_PUSH.key)["code"] == "revoked_device"


def test_a_compressed_oversized_or_deep_answer_to_a_push_is_refused_unread(  # type: ignore[no-untyped-def]
        db: Database, live_hub: LiveHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review 13: the PUT's answer (and a receipt poll's) was read and inflated whole by httpx before the
    receipt's signature was looked at; on plain HTTP anyone on the way can answer in the hub's place."""
    from desktop.sync import receipt
    from desktop.sync.errors import SyncError
    from tests.net.conftest import gzip_bomb, impostor

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    with impostor([(200, gzip_bomb(), True), (200, b"x" * 5000, False), (403, b"[" * 100_000, False)]) as url:
        with pytest.raises(SyncError) as squeezed:
            push(db, url, backoff=FAST)
        assert "bị nén" in squeezed.value.message
        monkeypatch.setattr(receipt, "MAX_RECEIPT_BYTES", 4096)
        with pytest.raises(SyncError) as large:
            push(db, url, backoff=FAST)
        assert large.value.code == "too_large"
        monkeypatch.setattr(receipt, "MAX_RECEIPT_BYTES", 16 << 20)
        with pytest.raises(Refused) as deep:
            push(db, url, backoff=FAST)
        assert deep.value.code == "http_403"
    with db.reading() as session:
        assert sync_status(session)["pending_changes"] > 0  # nothing acknowledged
