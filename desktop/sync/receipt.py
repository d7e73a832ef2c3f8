"""Receipts (hub → desk): signed by the province; the desk acknowledges changes only through them.

File: canonical JSON ``{"receipt": BODY, "kid": KEY_ID, "signature": BASE64}``, the signature being
Ed25519 over the canonical bytes of BODY. BODY holds the batch id and hash, device, epoch, the
accepted-through sequence per epoch, counts, per-record problems (code + Vietnamese message), gaps,
hub time and the newest reference package version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import and_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.models import ChangeLog
from desktop.db.models_sync import SyncAck, SyncBatch, SyncChangeState, SyncReceipt, SyncRejection
from desktop.services.desk import put_setting
from desktop.sync import anchor, canonical, container, identity, keys
from desktop.sync.errors import SyncError

RECEIPT_FORMAT = "motcua-receipt"
MAX_RECEIPT_BYTES = 16 * 1024 * 1024


def sign(body: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """Hub side: the receipt file's bytes."""
    kid = container.key_id(container.raw_public(key.public_key()))
    return canonical.dumps({"receipt": body, "kid": kid, "signature": container.b64(key.sign(canonical.dumps(body)))})


def receipt_file_name(batch_id: str) -> str:
    """``<batch_id>.receipt.json``: the hub writes it, relays copy it, desks import it by that name."""
    return f"{batch_id}.receipt.json"


def verify(data: bytes, bundle: dict[str, Any]) -> dict[str, Any]:
    """Desk side: the body, if the province signed it; ``bad_receipt`` otherwise."""
    if len(data) > MAX_RECEIPT_BYTES:
        raise SyncError("too_large")
    try:
        outer = canonical.loads(data)
    except SyncError:
        raise SyncError("bad_receipt", "không phải JSON hợp lệ") from None
    body = outer.get("receipt")
    if not isinstance(body, dict) or body.get("format") != RECEIPT_FORMAT:
        raise SyncError("bad_receipt", "không phải biên nhận")
    keys.verify_province(bundle, outer.get("kid"), outer.get("signature"), canonical.dumps(body))
    return body


@dataclass(frozen=True)
class ReceiptOutcome:
    batch_id: str
    status: str
    acknowledged: int
    rejected: int
    already_imported: bool


def import_receipt(session: Session, path: Path) -> ReceiptOutcome:
    """Verify, then acknowledge every change up to the confirmed sequence of each epoch."""
    if not path.is_file():
        raise SyncError("bad_receipt", f"không tìm thấy tệp {path}")
    data = path.read_bytes()
    body = verify(data, keys.installed_bundle(session))
    if body.get("device_id") != identity.device_id(session):
        raise SyncError("bad_receipt", "biên nhận dành cho máy khác")
    receipt_id = str(body.get("receipt_id") or "")
    if session.get(SyncReceipt, receipt_id) is not None:
        return ReceiptOutcome(body["batch_id"], body.get("status", ""), 0, 0, True)
    now = clock.now()
    through = body.get("accepted_through") or {}
    if not isinstance(through, dict):
        raise SyncError("bad_receipt", "accepted_through")
    acknowledged = 0
    for epoch, seq in through.items():
        if not isinstance(seq, int):
            raise SyncError("bad_receipt", "accepted_through")
        acknowledged += _acknowledge(session, epoch, seq, body["batch_id"], now)
    problems = body.get("problems") or []
    for problem in problems:
        session.add(SyncRejection(batch_id=body["batch_id"], table_name=str(problem.get("table", "")),
                                  record_id=str(problem.get("record_id", "")), version=int(problem.get("version") or 0),
                                  code=str(problem.get("code", "")), message=str(problem.get("message", "")),
                                  received_at=now))
        _mark_rejected(session, problem)
    session.execute(update(SyncBatch).where(SyncBatch.batch_id == body["batch_id"]).values(acknowledged_at=now))
    session.add(SyncReceipt(receipt_id=receipt_id, batch_id=body["batch_id"], status=str(body.get("status", "")),
                            hub_time=str(body.get("hub_time", "")), imported_at=now,
                            sha256=canonical.sha256(data), body=body))
    put_setting(session, settings.LAST_SYNC.key, clock.iso(now))
    anchor.store(session, data, body)  # the province's signature on the audit head the batch carried
    session.flush()
    return ReceiptOutcome(body["batch_id"], str(body.get("status", "")), acknowledged, len(problems), False)


def _acknowledge(session: Session, epoch: str, seq: int, batch_id: str, now: Any) -> int:
    ack = session.get(SyncAck, epoch)
    if ack is None:
        session.add(SyncAck(epoch=epoch, acked_seq=seq))
    elif ack.acked_seq < seq:
        ack.acked_seq = seq
    rows = session.execute(
        select(ChangeLog.seq).outerjoin(SyncChangeState, SyncChangeState.seq == ChangeLog.seq)
        .where(ChangeLog.epoch == epoch, ChangeLog.seq <= seq,
               (SyncChangeState.state.is_(None)) | (SyncChangeState.state == "exported"))
    ).scalars().all()
    if rows:
        table = SyncChangeState.__table__
        stmt = sqlite_insert(table)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.seq],
                                          set_={k: stmt.excluded[k] for k in ("state", "acknowledged_at")})
        session.execute(stmt, [{"seq": s, "epoch": epoch, "state": "synced", "batch_id": batch_id,
                                "acknowledged_at": now} for s in rows])
    return len(rows)


def _mark_rejected(session: Session, problem: dict[str, Any]) -> None:
    """The change that carried the rejected version is 'rejected' (a later edit makes it ready again)."""
    seqs = session.execute(select(ChangeLog.seq).where(and_(
        ChangeLog.table_name == problem.get("table"), ChangeLog.record_id == problem.get("record_id"),
        ChangeLog.version <= int(problem.get("version") or 0)))).scalars().all()
    if seqs:
        session.execute(update(SyncChangeState).where(SyncChangeState.seq.in_(seqs)).values(state="rejected"))
