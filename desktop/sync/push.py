"""Network push: export if needed, upload what the province has not acknowledged, import its receipt.

Made to run in a background thread: progress goes to a callback, a ``threading.Event`` cancels (also
during a back-off wait). Transient trouble (refused/reset connection, timeouts, 5xx) is retried with
exponential back-off, bounded in attempts and in total time; a permanent refusal (device revoked,
app too old, …) stops at once with the province's Vietnamese message. The same batch bytes as on the
USB stick travel, so network and stick mix freely: whichever receipt reaches the desk first
acknowledges the changes, and the other one is then a harmless repeat.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from desktop import settings
from desktop.platform import clock
from desktop.platform.atomic import write_atomic
from desktop.db.models_sync import SyncBatch
from desktop.db.session import Database
from desktop.errors import Cancelled, UserError
from desktop.platform.paths import data_dir
from desktop.services.desk import get_setting, put_setting
from desktop.sync import canonical, identity, keys
from desktop.sync.backoff import Backoff, poll_delays
from desktop.sync import receipt as receipts
from desktop.sync.errors import SyncError

log = logging.getLogger("desktop.sync.push")
Progress = Callable[[str, int, int], None]
CHUNK = 64 * 1024


class Refused(UserError):
    """The province said no for good (not a network hiccup): do not retry."""


class Unreachable(UserError):
    pass


class _Transient(Exception):
    """Try again later; ``retry_after``: the seconds the hub asked for (429, issue 14), at least."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class PushResult:
    batch_id: str | None
    status: str  # applied | duplicate | up_to_date | queued (stored by the province, applied later)
    applied: int = 0
    acknowledged: int = 0
    attempts: int = 0
    file: str | None = None
    exported: bool = False
    receipt_file: str | None = None
    messages: list[str] = field(default_factory=list)
    inbox: dict[str, Any] | None = None  # issue #15: what the hub had for this unit, applied after the push

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def outbox() -> Path:
    return data_dir() / "outbox"


def api(url: str, path: str) -> str:
    return url.rstrip("/") + path


def _batch_to_send(db: Database, officer: str | None, progress: Progress | None) -> tuple[SyncBatch | None, bool]:
    """The newest unacknowledged batch file that covers every pending change, or a fresh export."""
    from desktop.sync.export import export_batch, pending_rows

    with db.reading() as session:
        rows = pending_rows(session)
        if not rows:
            return None, False
        low, high = rows[0].seq, rows[-1].seq
        candidates = session.scalars(select(SyncBatch).where(SyncBatch.acknowledged_at.is_(None),
                                                             SyncBatch.seq_from <= low, SyncBatch.seq_to >= high)
                                     .order_by(SyncBatch.exported_at.desc())).all()
    for found in candidates:
        path = Path(found.destination) / found.file_name
        try:
            if path.is_file() and canonical.sha256(path.read_bytes()) == found.sha256:
                return found, False
        except OSError:
            continue
    result = export_batch(db, outbox(), medium="http", officer=officer,
                          progress=(lambda d, t: progress("export", d, t)) if progress else None)
    with db.reading() as session:
        return session.get(SyncBatch, result.batch_id), True


def push(db: Database, url: str, *, progress: Progress | None = None, cancel: threading.Event | None = None,
         backoff: Backoff | None = None, officer: str | None = None,
         client: httpx.Client | None = None) -> PushResult:
    """Send what the province has not acknowledged, then fetch and apply this unit's inbox (issue #15)."""
    from desktop.sync import inbox

    result = _push_batch(db, url, progress=progress, cancel=cancel, backoff=backoff, officer=officer, client=client)
    result.inbox = inbox.pull(db, url, officer=officer, client=client)
    return result


def _push_batch(db: Database, url: str, *, progress: Progress | None, cancel: threading.Event | None,
                backoff: Backoff | None, officer: str | None, client: httpx.Client | None) -> PushResult:
    backoff = backoff or Backoff()
    cancel = cancel or threading.Event()
    identity.ensure_epoch(db)
    with db.reading() as session:
        device = identity.device_id(session)
        bundle = keys.installed_bundle(session)
        revoked = device in (get_setting(session, settings.REVOKED_DEVICES.key) or [])
    if revoked:  # the province's package said so: not even one attempt
        raise _remember(db, Refused(SyncErrorText.revoked, code="revoked_device"))
    chosen, exported = _batch_to_send(db, officer, progress)
    if chosen is None:
        _record(db, {"status": "up_to_date", "at": clock.iso(clock.now()), "url": url})
        return PushResult(None, "up_to_date")
    data = (Path(chosen.destination) / chosen.file_name).read_bytes()
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(backoff.timeout, connect=min(10.0, backoff.timeout)))
    try:
        body, headers, attempts = _upload(http, url, chosen.batch_id, data, bundle, backoff, cancel, progress,
                                          respond_async=True)  # issue 14: answered once stored
        final = None
        queued = headers.get("x-import-status") == "queued"  # issue 14: stored at the province, applied soon
        if queued:
            final = _await_receipt(db, url, chosen.batch_id, bundle, backoff, cancel, http)
    except UserError as exc:
        raise _remember(db, exc) from None
    finally:
        if own:
            http.close()
    if queued:
        if final is None:  # the next push asks again (the same batch travels; the hub answers from its state)
            _record(db, {"status": "queued", "batch_id": chosen.batch_id, "at": clock.iso(clock.now()), "url": url})
            return PushResult(chosen.batch_id, "queued", attempts=attempts, file=chosen.file_name, exported=exported)
        body, headers = final
    target = outbox() / "receipts" / receipts.receipt_file_name(chosen.batch_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, body)
    with db.transaction(officer=officer) as session:
        outcome = receipts.import_receipt(session, target)
    applied = int(headers.get("x-applied", 0) or 0)
    status = headers.get("x-import-status", outcome.status)
    result = PushResult(chosen.batch_id, status, applied=applied, acknowledged=outcome.acknowledged,
                        attempts=attempts, file=chosen.file_name, exported=exported, receipt_file=str(target))
    _record(db, {"status": status, "batch_id": chosen.batch_id, "applied": applied,
                 "acknowledged": outcome.acknowledged, "at": clock.iso(clock.now()), "url": url})
    if progress:
        progress("done", 1, 1)
    return result


def _await_receipt(db: Database, url: str, batch_id: str, bundle: dict[str, Any] | None, backoff: Backoff,
                   cancel: threading.Event, client: httpx.Client) -> tuple[bytes, dict[str, str]] | None:
    """Ask ``GET /api/v1/receipts/{id}`` (device-signed) until the batch is applied or refused, for at most
    ``backoff.receipt_wait`` seconds; None if it is still queued then (or the hub cannot be reached)."""
    from desktop.sync.request_auth import sign_headers

    device, key = device_signer(db)
    target = f"/api/v1/receipts/{batch_id}"
    deadline = time.monotonic() + backoff.receipt_wait
    for delay in poll_delays(0.1):
        if time.monotonic() >= deadline:
            break
        if cancel.wait(delay):
            raise Cancelled("Đã hủy gửi dữ liệu.")
        try:
            status, body, headers = answer(client, "GET", api(url, target), cap=receipts.MAX_RECEIPT_BYTES,
                                           headers=sign_headers(device, key, "GET", target))
        except httpx.TransportError:
            return None
        if status == 200:
            if bundle is not None:
                receipts.verify(body, bundle)
            return body, headers
        if status in (202, 404) or status >= 500:
            continue  # still queued (or not visible yet): ask again
        raise _refusal(status, body, bundle)
    return None


# The hub never compresses its answers; a compressed one is refused unread (review 13: httpx inflated a
# 600 KB gzip answer to 600 MB in memory before the package's size or signature was looked at).
UNCOMPRESSED = {"Accept-Encoding": "identity"}


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """A streamed answer's body as sent (never inflated), refused past ``cap`` bytes."""
    if response.headers.get("content-encoding", "identity").strip().lower() not in ("", "identity"):
        raise SyncError("bad_format", "câu trả lời của máy chủ bị nén")
    body = bytearray()
    for chunk in response.iter_raw():
        body += chunk
        if len(body) > cap:
            raise SyncError("too_large")
    return bytes(body)


def answer(client: httpx.Client, method: str, url: str, *, cap: int,
           **request: Any) -> tuple[int, bytes, dict[str, str]]:
    """The hub's status, body and headers (lower-case names). The body is read as sent, never inflated, and
    at most ``cap`` bytes (review 13: httpx read and inflated the whole answer before its size or signature
    was looked at; on plain HTTP anyone on the way can answer). An answer the desk will ask again for (busy,
    a server error) is not read at all."""
    request["headers"] = request.get("headers", {}) | UNCOMPRESSED
    with client.stream(method, url, **request) as response:
        status = response.status_code
        body = b"" if status >= 500 or status in (408, 429) else _read_capped(response, cap)
        return status, body, {k.lower(): v for k, v in response.headers.items()}


class SyncErrorText:
    revoked = "Máy này đã bị tỉnh thu hồi quyền đồng bộ; không gửi dữ liệu. Liên hệ Văn phòng UBND tỉnh."


def _upload(client: httpx.Client, url: str, batch_id: str, data: bytes, bundle: dict[str, Any] | None, backoff: Backoff,
            cancel: threading.Event, progress: Progress | None, *,
            respond_async: bool = False) -> tuple[bytes, dict[str, str], int]:
    """PUT with retries. ``respond_async``: the hub may answer 202 with a ``queued`` receipt as soon as the
    batch is stored (a desk polls for the applied one); without it (a relay, which carries the applied
    receipt back to the commune) the hub answers with the applied receipt."""
    started = time.monotonic()
    last: _Transient | None = None
    for attempt in range(backoff.attempts):
        if cancel.is_set():
            raise Cancelled("Đã hủy gửi dữ liệu.")
        try:
            return (*_put_once(client, url, batch_id, data, bundle, cancel, progress, respond_async), attempt + 1)
        except _Transient as exc:
            last = exc
            log.info("gửi lần %d không thành công: %s", attempt + 1, exc)
        delay = max(backoff.delay(attempt), last.retry_after)  # a busy hub is not asked again sooner
        if attempt + 1 >= backoff.attempts or time.monotonic() - started + delay > backoff.max_seconds:
            break
        if progress:
            progress("retry", attempt + 1, backoff.attempts)
        if backoff.sleep is not None:
            backoff.sleep(delay)
        elif cancel.wait(delay):
            raise Cancelled("Đã hủy gửi dữ liệu.")
    if last is not None and last.retry_after:
        raise Unreachable("Máy chủ tỉnh đang bận xử lý các gói trước của máy này. Dữ liệu vẫn an toàn trên máy; "
                          "hãy gửi lại sau.", code="hub_busy")
    raise Unreachable(f"Không gửi được dữ liệu tới máy chủ tỉnh ({last}). Dữ liệu vẫn an toàn trên máy; "
                      "hãy thử lại sau hoặc gửi bằng USB.", code="hub_unreachable")


def _put_once(client: httpx.Client, url: str, batch_id: str, data: bytes, bundle: dict[str, Any] | None,
              cancel: threading.Event, progress: Progress | None, respond_async: bool) -> tuple[bytes, dict[str, str]]:
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), CHUNK):
            if cancel.is_set():
                raise Cancelled("Đã hủy gửi dữ liệu.")
            yield data[start:start + CHUNK]
            if progress:
                progress("upload", min(start + CHUNK, len(data)), len(data))

    try:
        status, body, headers = answer(
            client, "PUT", api(url, f"/api/v1/batches/{batch_id}"), cap=receipts.MAX_RECEIPT_BYTES, content=chunks(),
            headers={"Content-Length": str(len(data)), "Content-Type": "application/octet-stream",
                     **({"Prefer": "respond-async"} if respond_async else {})})
    except httpx.TransportError as exc:  # refused, reset, cut, timed out
        raise _Transient(type(exc).__name__) from None
    if status in (200, 202):  # 202: stored and queued (its receipt acknowledges no change yet)
        if bundle is not None:  # a receipt not signed by the province acknowledges nothing
            receipts.verify(body, bundle)
        return body, headers
    if status == 429:  # too many of this desk's batches wait at the hub: later, not a refusal
        raise _Transient("HTTP 429", retry_after=_seconds(headers.get("retry-after")))
    if status >= 500 or status == 408:
        raise _Transient(f"HTTP {status}")
    raise _refusal(status, body, bundle)


def _seconds(value: str | None) -> float:
    """``Retry-After`` in seconds (an HTTP date or nonsense counts as a minute), between 1 and 600."""
    try:
        return min(600.0, max(1.0, float(value or 60)))
    except ValueError:
        return 60.0


def _refusal(status: int, data: bytes, bundle: dict[str, Any] | None) -> UserError:
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("code") or f"http_{status}")[:64]
    message = str(body.get("message") or f"Máy chủ tỉnh từ chối (HTTP {status}).")[:1000]
    advice = str(body.get("advice") or "")[:1000]
    signed = body.get("receipt")
    if isinstance(signed, dict) and bundle is not None:
        try:
            receipts.verify(canonical.dumps(signed), bundle)
        except (SyncError, ValueError, RecursionError):
            message += " (Cảnh báo: lời từ chối không có chữ ký hợp lệ của tỉnh.)"
    return Refused(f"{message} {advice}".strip(), code=code)


def _remember(db: Database, exc: UserError) -> UserError:
    _record(db, {"status": "refused" if isinstance(exc, Refused) else "failed", "code": exc.code,
                 "message": exc.message, "at": clock.iso(clock.now())})
    return exc


def _record(db: Database, value: dict[str, Any]) -> None:
    """The Đồng bộ page shows the last result (Setting ``last_push``)."""
    with db.transaction() as session:
        put_setting(session, settings.LAST_PUSH.key, value)


def device_signer(db: Database) -> tuple[str, Any]:
    """This desk's device id and signing key, to sign requests to the hub (``request_auth``)."""
    with db.reading() as session:
        device = identity.device_id(session)
    return device, identity.signing_key(device)


def fetch_package(url: str, *, current: int = 0, signer: tuple[str, Any], timeout: float = 60.0,
                  client: httpx.Client | None = None) -> bytes | None:
    """The newest province package if newer than ``current`` (None otherwise); the request is signed by
    the device, as the hub answers enrolled desks only."""
    from desktop.sync.package import MAX_PACKAGE_BYTES
    from desktop.sync.request_auth import sign_headers

    target = f"/api/v1/packages/latest?after={int(current)}"
    own = client is None
    client = client or httpx.Client(timeout=timeout)
    try:
        status, data, _ = answer(client, "GET", api(url, target), cap=MAX_PACKAGE_BYTES,
                                 headers=sign_headers(signer[0], signer[1], "GET", target))
    except httpx.TransportError as exc:
        raise Unreachable(f"Không kết nối được máy chủ tỉnh ({type(exc).__name__}).", code="hub_unreachable") from None
    finally:
        if own:
            client.close()
    if status in (204, 404):
        return None
    if status in (401, 403):
        raise UserError("Máy chủ tỉnh không nhận ra máy này (chưa đăng ký, đã bị thu hồi, hoặc đồng hồ máy lệch); "
                        "kiểm tra đăng ký và giờ của máy.", code="device_not_accepted")
    if status != 200:
        raise Unreachable(f"Máy chủ tỉnh trả lỗi HTTP {status}.", code="hub_unreachable")
    return data
