"""Push intake (issue 14): a pushed batch is acknowledged once verified and stored; an applier imports it.

The acknowledgement (``accept``) runs every check that refuses a batch as a whole and costs little —
the header, the duplicate check, the enrolled unrevoked device of the right unit, decryption, the
device's signature, the file hashes, the version gate, the manifest's ranges (``importer.verify_batch``) —
then commits the batch's bytes in ``hub_intake`` and answers with a receipt signed by the province whose
status is ``queued`` and whose ``accepted_through`` is empty: it acknowledges no change, so a desk that
loses it (or a hub that loses the row) only means the batch is sent again.

The applier (``apply_next``) takes the device's row lock with ``SKIP LOCKED`` (PostgreSQL: appliers in
several processes apply different devices in parallel; one device's batches stay in sequence order),
parses and applies the device's lowest queued batch through ``importer.apply_locked`` — the same apply
as a USB import — and deletes the intake row in the same transaction. A crash before that commit leaves
the row queued: the next applier applies it. A batch the applier refuses keeps its row as ``refused``
with the signed refusal, which a poll or a repeat push returns.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from desktop.errors import UserError
from desktop.platform import clock
from desktop.sync import batch, canonical
from desktop.sync import receipt as receipts
from desktop.sync.container import Limits
from desktop.sync.errors import SyncError
from province import importer, intake_cap
from province.intake_facts import QUEUED
from province.intake_facts import facts as _facts  # a module global: tests replace it
from province.db import DB_ERRORS, Hub, meta_in
from province.models import HubBatch, HubDevice, HubIntake, HubReceipt
from province.queue_limits import MAX_QUEUED

log = logging.getLogger("province.intake")
REFUSED = "refused"
MAX_DB_ATTEMPTS = 5  # a database error while applying is retried with back-off, then refused
RETRY_AFTER_SECONDS = 30  # what a 429 tells the desk
# What a desk should do about a refusal; "permanent" ones stop its retry loop.
PERMANENT = {"revoked_device", "unknown_device", "unsupported_version", "wrong_unit", "duplicate_id_different_hash"}
ADVICE = {
    "revoked_device": "Máy này đã bị tỉnh thu hồi quyền đồng bộ; liên hệ Văn phòng UBND tỉnh.",
    "unknown_device": "Máy này chưa được đăng ký; gửi tệp đề nghị đăng ký (sync enrol) cho tỉnh.",
    "unsupported_version": "Vui lòng cập nhật phần mềm lên phiên bản mới nhất rồi gửi lại.",
    "too_new": "Máy chủ tỉnh chưa hỗ trợ phiên bản này; tỉnh cần cập nhật máy chủ, dữ liệu ở xã vẫn được giữ.",
    "wrong_unit": "Gói ghi mã đơn vị khác với đơn vị đăng ký của máy; liên hệ tỉnh.",
}
STATUS_OF = {"revoked_device": 403, "unknown_device": 403, "wrong_unit": 403, "duplicate_id_different_hash": 409,
             "db_error": 503, "too_large": 413}


@dataclass
class Answer:
    """What the hub says about one batch: the HTTP status, the body (a receipt, or a refusal's JSON) and
    the ``X-Import-Status``/``X-Applied`` headers the desk reads."""

    status: str  # queued | applied | duplicate | refused
    body: bytes
    http_status: int = 200
    applied: int = 0
    device_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status != REFUSED:
            self.headers = {"X-Import-Status": self.status, "X-Applied": str(self.applied)} | self.headers


def refusal(hub: Hub, code: str, message: str, batch_id: str | None,
            header: dict[str, Any] | None = None, *, facts: dict[str, Any] | None = None,
            signer: Any = None) -> Answer:
    """A refusal's JSON body with a refusal receipt signed by the province (unsigned if it has no keys).
    ``facts``: ``package_version`` and ``signing_kid`` already read in the caller's session, ``signer``:
    the key already loaded (an applier holding a lock must not open a second session)."""
    if code == "unsupported_version" and "mới hơn" in message:
        code = "too_new"
    advice = ADVICE.get(code, "")
    facts = facts if facts is not None else {"package_version": hub.meta("package_version")}
    body = {"format": receipts.RECEIPT_FORMAT, "format_version": 1, "status": "refused", "batch_id": batch_id,
            "device_id": (header or {}).get("device_id"), "unit_code": (header or {}).get("unit_code"),
            "code": code, "message": message, "advice": advice, "accepted_through": {},
            "hub_time": clock.iso(clock.now()), "reference_version": facts.get("package_version")}
    try:
        key = signer if signer is not None else importer._signing_key(hub, facts.get("signing_kid"))
        signed = canonical.loads(receipts.sign(body, key))
    except Exception:  # noqa: BLE001 — a hub without keys still answers, unsigned
        signed = None
    content = {"status": "refused", "batch_id": batch_id, "code": code, "message": message, "advice": advice,
               "permanent": code in PERMANENT, "receipt": signed}
    return Answer(REFUSED, json.dumps(content, ensure_ascii=False).encode("utf-8"), STATUS_OF.get(code, 422),
                  device_id=(header or {}).get("device_id"))


def accept(hub: Hub, data: bytes, name: str, batch_id: str, *, limits: Limits,
           max_queued: int = MAX_QUEUED) -> Answer:
    """The acknowledgement path: verify, store, answer ``queued`` (or what is already known of the batch).
    ``name``: what a refusal's quarantine entry calls the upload."""
    try:
        sealed = batch.read_header(data, limits=limits)
    except SyncError as exc:
        return refusal(hub, exc.code or "bad_format", exc.message, batch_id)
    header = sealed.header
    if header["batch_id"] != batch_id:
        body = {"status": "refused", "code": "batch_id_mismatch", "batch_id": batch_id,
                "message": "Mã gói trong đường dẫn khác mã gói trong tệp.", "permanent": True}
        return Answer(REFUSED, json.dumps(body, ensure_ascii=False).encode("utf-8"), 400)
    try:
        importer._uuid(batch_id)
        return _verify_and_store(hub, data, sealed, limits=limits, max_queued=max_queued)
    except SyncError as exc:
        failure = exc
    except DB_ERRORS as exc:
        log.exception("lỗi cơ sở dữ liệu khi nhận gói %s", batch_id)
        failure = SyncError("db_error", type(exc).__name__)
    except UserError:
        raise  # the operator's problem (no keys, wrong passphrase), not this batch's
    except Exception as exc:  # noqa: BLE001 — whatever a hostile file provokes is a refusal, never a crash
        log.exception("lỗi không lường trước khi nhận gói %s", batch_id)
        failure = SyncError("bad_content", type(exc).__name__)
    importer._refused(hub, Path(name), data, batch_id, failure, dry_run=False, keep_bytes=False)
    return refusal(hub, failure.code or "bad_format", failure.message, batch_id, header)


def warm_keys(hub: Hub) -> None:
    """Load the province's keys into the process cache (a passphrase-protected key costs a key derivation;
    pushes arriving together at a cold process would each pay it). A hub without keys yet is left as is."""
    try:
        importer._signing_key(hub)
        importer._encryption_keys(hub)
    except Exception:  # noqa: BLE001 — the first push reports it as it always did
        log.warning("chưa nạp được khóa của tỉnh khi khởi động", exc_info=True)


def _verify_and_store(hub: Hub, data: bytes, sealed: Any, *, limits: Limits, max_queued: int) -> Answer:
    """One session: the checks read (one query in the common case), the read ends (the connection back in
    the pool: a key loaded on first use takes its own, and SQLite's read snapshot could not become a
    write), the batch is verified and signed, the row is inserted and committed."""
    header = sealed.header
    batch_id = header["batch_id"]
    digest = canonical.sha256(data)
    session = _statements(hub)()
    try:
        facts = _facts(session, header)
        if facts is None or facts["seen"]:  # a repeat, or an unknown device: the checks one by one
            known = _stored_answer(session, batch_id, digest)
            if known is not None:
                return known
        public_key = importer.device_key(session, header)  # the device row is in the session already
        facts = facts or meta_in(session, "package_version", "name", "signing_kid")
        session.commit()  # the connection goes back to the pool: loading a key may need one (issue 14)
        if facts.get("queued", 0) >= max_queued:
            return _busy(header)
        importer.verify_batch(hub, sealed, public_key, limits=limits)
        now = clock.now()
        body = {"format": receipts.RECEIPT_FORMAT, "format_version": 1, "receipt_id": str(uuid.uuid4()),
                "status": QUEUED, "batch_id": batch_id, "batch_sha256": digest, "device_id": header["device_id"],
                "unit_code": header["unit_code"], "epoch": header["epoch"], "accepted_through": {},
                "hub_time": clock.iso(now), "reference_version": facts.get("package_version"),
                "province": facts.get("name")}
        signed = receipts.sign(body, importer._signing_key(hub, facts.get("signing_kid")))
        row = {"batch_id": batch_id, "sha256": digest, "device_id": header["device_id"],
               "unit_code": header["unit_code"], "epoch": header["epoch"], "seq_from": int(header["seq_from"]),
               "seq_to": int(header["seq_to"]), "created_at": str(header["created_at"]), "state": QUEUED,
               "content": data, "receipt": signed, "attempts": 0, "received_at": now}
        try:
            stored = intake_cap.insert_capped(session, row, max_queued)  # the cap holds under parallel pushes
            session.commit()
        except IntegrityError:  # the same batch acknowledged by a parallel request a moment ago
            session.rollback()
            known = _stored_answer(session, batch_id, digest)
            if known is None:
                raise
            return known
        if not stored:
            return _busy(header)
        return Answer(QUEUED, signed, 202, device_id=header["device_id"])
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _statements(hub: Hub) -> Any:
    """Sessions for the acknowledgement. On PostgreSQL each statement commits by itself (autocommit): the
    facts SELECT and the capped store (``intake_cap``, one function call): 2 round trips per push (11 with
    a transaction around each). SQLite keeps its transactions (a local file; its lock taken by the INSERT)."""
    if hub.engine.dialect.name != "postgresql":
        return hub.sessions
    return hub.remember(("autocommit-sessions", id(hub.engine)), lambda: sessionmaker(
        bind=hub.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False))


def _busy(header: dict[str, Any]) -> Answer:
    """Issue 14: a device with ``max_queued`` batches waiting is told to come back later (429, nothing
    stored): one desk cannot fill the queue ahead of everyone else's. The answer comes before the batch
    is verified, so it tells nothing about the device's queue (no count)."""
    body = {"status": "busy", "code": "too_many_queued", "batch_id": header["batch_id"],
            "message": "Máy chủ tỉnh còn nhiều gói của máy này đang chờ xử lý; máy sẽ tự gửi lại sau.",
            "advice": "Dữ liệu vẫn an toàn trên máy; không cần làm gì thêm.", "permanent": False,
            "retry_after": RETRY_AFTER_SECONDS}
    return Answer("busy", json.dumps(body, ensure_ascii=False).encode("utf-8"), 429, device_id=header["device_id"],
                  headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _stored_answer(session: Any, batch_id: str, digest: str) -> Answer | None:
    """A batch seen before: its final receipt (a duplicate), or its intake row's answer; a different
    file under a known id is refused. The intake row is read first: an apply deletes it and adds the batch
    row in one commit, and on PostgreSQL each read sees its own moment — read the other way round, an apply
    committed between the two reads made a repeat look new (stored again, a second, different receipt)."""
    row = session.get(HubIntake, batch_id)
    known = importer.known_batch(session, batch_id, digest, f"http-{batch_id}")
    if known is not None and known.receipt is not None:
        return Answer("duplicate", known.receipt, 200)
    if row is None:
        return None
    if row.sha256 != digest:
        raise SyncError("duplicate_id_different_hash", batch_id)
    return _row_answer(row)


def _row_answer(row: HubIntake) -> Answer:
    if row.state == QUEUED:
        return Answer(QUEUED, row.receipt, 202, device_id=row.device_id)
    # a refusal is final, whatever caused it: a 5xx would tell the desk to retry it for ever (a database
    # error refused after MAX_DB_ATTEMPTS keeps its code, answered 422)
    status = STATUS_OF.get(row.code or "", 422)
    return Answer(REFUSED, row.receipt, status if status < 500 else 422, device_id=row.device_id)


def outcome(hub: Hub, batch_id: str) -> Answer | None:
    """Where a pushed batch stands now (the desk's poll; the wait of a desk that did not ask for async)."""
    with hub.reading() as session:
        row = session.get(HubIntake, batch_id)  # first, as in ``_stored_answer``: an apply committed after
        applied = session.get(HubBatch, batch_id)  # this read is seen by the next one
        if applied is not None:
            stored = session.get(HubReceipt, batch_id)
            return None if stored is None else Answer("applied", stored.content, 200, applied=applied.applied,
                                                      device_id=applied.device_id)
        return None if row is None else _row_answer(row)


def apply_next(hub: Hub) -> str | None:
    """Apply one stored batch; its id, or None when nothing is waiting that this process may take. The
    province's keys are looked up once for the pass, not for every device tried (the key files themselves
    are decrypted once per process; the signing key id is read with the queue, the encryption keys follow
    the key folder — a rotation adds a file — as on the push path)."""
    now = clock.now()
    with hub.reading() as session:
        waiting = session.scalars(select(HubIntake.device_id).where(
            HubIntake.state == QUEUED, or_(HubIntake.not_before.is_(None), HubIntake.not_before <= now))
            .order_by(HubIntake.received_at).limit(200)).all()
        kid = meta_in(session, "signing_kid").get("signing_kid") if waiting else None
    if not waiting:
        return None
    signer = importer._signing_key(hub, kid)  # keys before any lock: no second session while it is held
    importer._encryption_keys(hub)
    for device_id in dict.fromkeys(waiting):  # oldest first; a device another applier holds is skipped
        done = apply_device(hub, device_id, signer=signer)
        if done is not None:
            return done
    return None


def drain(hub: Hub) -> int:
    """Apply until nothing is waiting (tests, ``apply-worker --once``, the in-process applier)."""
    count = 0
    while apply_next(hub) is not None:
        count += 1
    return count


def apply_device(hub: Hub, device_id: str, *, signer: Any) -> str | None:
    """The device's lowest queued batch, applied under its row lock; None if another applier holds it."""
    limits = importer.hub_limits()
    session = _writing(hub)
    try:
        device = session.scalars(select(HubDevice).where(HubDevice.device_id == device_id)
                                 .with_for_update(skip_locked=True)).first()
        row = None if device is None else session.scalars(
            select(HubIntake).where(HubIntake.device_id == device_id, HubIntake.state == QUEUED)
            .order_by(HubIntake.seq_to, HubIntake.seq_from, HubIntake.created_at).limit(1)).first()
        if device is None or row is None or (row.not_before is not None and row.not_before > clock.now()):
            session.rollback()
            return None
        batch_id, data = row.batch_id, row.content or b""
        try:
            _apply_row(hub, session, device, row, data, signer=signer, limits=limits)
            session.delete(row)
            session.commit()
            log.info("đã áp dụng gói %s", batch_id)
            return batch_id
        except SyncError as exc:
            failure, retry = exc, False
        except DB_ERRORS as exc:
            log.exception("lỗi cơ sở dữ liệu khi áp dụng gói %s", batch_id)
            failure, retry = SyncError("db_error", type(exc).__name__), True
        except UserError:
            raise  # the operator's problem (keys): the batch stays queued
        except Exception as exc:  # noqa: BLE001 — whatever a hostile file provokes is a refusal
            log.exception("lỗi không lường trước khi áp dụng gói %s", batch_id)
            failure, retry = SyncError("bad_content", type(exc).__name__), False
        session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    _settle_failure(hub, batch_id, data, failure, retry=retry, signer=signer)
    return batch_id


def _apply_row(hub: Hub, session: Any, device: HubDevice, row: HubIntake, data: bytes, *, signer: Any,
               limits: Limits) -> None:
    name = f"http-{row.batch_id}"
    if importer.known_batch(session, row.batch_id, row.sha256, name) is not None:
        return  # the same batch arrived by USB meanwhile: nothing more to apply
    if device.revoked_at is not None:
        raise SyncError("revoked_device", device.device_id[:8])
    sealed = batch.read_header(data, limits=limits)
    # A new year's partitions are made in there (a short second connection while the device row is locked:
    # this session has not touched the data tables, so the DDL never waits on it).
    manifest, changes, ranges, encryption_key = importer.unsealed(hub, sealed, device.public_key, limits=limits)
    importer.apply_locked(session, device, sealed.header, manifest, changes, ranges, row.sha256, name,
                          dry_run=False, signer=signer, encryption_key=encryption_key)


def _settle_failure(hub: Hub, batch_id: str, data: bytes, failure: SyncError, *, retry: bool,
                    signer: Any) -> None:
    """A database error: retried later (back-off), refused after ``MAX_DB_ATTEMPTS``; anything else: the
    batch is refused now — quarantined as a USB import's refusal is, its refusal signed with the pass's
    key (no key lookup under the lock) and kept for the desk (built only then, naming the device and
    unit as the acknowledgement's refusals do)."""
    with hub.transaction() as session:
        _write_lock(hub, session)
        row = session.get(HubIntake, batch_id, with_for_update=True)
        if row is None or row.state != QUEUED:
            return  # another applier settled it meanwhile
        row.attempts += 1
        if retry and row.attempts < MAX_DB_ATTEMPTS:
            row.not_before = clock.now() + timedelta(seconds=2 ** row.attempts)
            return
        answer = refusal(hub, failure.code or "bad_format", failure.message, batch_id,
                         {"device_id": row.device_id, "unit_code": row.unit_code},
                         facts=meta_in(session, "package_version"), signer=signer)
        result = importer.ImportResult(file=f"http-{batch_id}", batch_id=batch_id, status=REFUSED,
                                       code=failure.code, message=failure.message)
        importer.quarantine_in(session, hub, result.file, data, result)
        row.state, row.code, row.content, row.receipt = REFUSED, answer_code(answer), None, answer.body


def _writing(hub: Hub) -> Any:
    """A session that will write after it reads (see ``_write_lock``)."""
    session = hub.sessions()
    _write_lock(hub, session)
    return session


def _write_lock(hub: Hub, session: Any) -> None:
    """SQLite (one writer) takes the write lock first (``BEGIN IMMEDIATE``): a read snapshot cannot become a
    write once another writer — an acknowledgement — has committed. PostgreSQL locks rows as it goes."""
    if hub.engine.dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def answer_code(answer: Answer) -> str:
    return str(json.loads(answer.body).get("code") or "")
