"""The audit anchor: the province's signature on how long this desk's audit chain was.

Every batch carries the audit head (``{"count": N, "hash": H}``: the number of audit rows and the
hash of row N) inside its signed manifest; the province copies it into the receipt it signs. When the
desk imports that receipt it keeps the whole signed receipt twice: in the database (Setting
``audit_anchor``) and in a file next to the device key (``keys/audit-<device>.anchor``). ``audit
verify`` then re-checks the province's signature and refuses a chain shorter than N, or whose row N
no longer has hash H — which is what dropping the last rows or recomputing the chain looks like, even
for someone who holds the audit key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.db.audit_key import anchor_file
from desktop.db.models_audit import GENESIS_HASH, AuditEntry
from desktop.services.desk import get_setting, put_setting
from desktop.sync import canonical
from desktop.sync.errors import SyncError

HEAD_FIELD = "audit_head"  # in a batch manifest and the receipt the province signs
_HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_COUNT = 2**53  # JSON-safe everywhere; an audit chain never gets near it


def valid_head(value: Any) -> dict[str, Any] | None:
    """``{"count": int, "hash": 64 hex}`` or None: the only shape the hub echoes and the desk trusts."""
    if not isinstance(value, dict) or set(value) != {"count", "hash"}:
        return None
    count, digest = value.get("count"), value.get("hash")
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_COUNT:
        return None
    if not isinstance(digest, str) or not _HASH.match(digest):
        return None
    return {"count": count, "hash": digest}


def current_head(session: Session) -> dict[str, Any]:
    """The audit head now: the highest row number and its hash (0 and the genesis hash when empty)."""
    last = session.connection().execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return {"count": int(last.seq), "hash": last.hash} if last else {"count": 0, "hash": GENESIS_HASH}


@dataclass(frozen=True)
class Anchor:
    count: int
    hash: str
    batch_id: str
    hub_time: str


def store(session: Session, receipt_bytes: bytes, body: dict[str, Any]) -> Anchor | None:
    """Keep a verified receipt as the anchor if it carries a head at least as long as the one kept."""
    head = valid_head(body.get(HEAD_FIELD))
    if head is None:
        return None
    kept = _anchor_of(get_setting(session, settings.AUDIT_ANCHOR.key))
    if kept is not None and kept.count > head["count"]:
        return None
    from desktop.platform.atomic import write_atomic
    from desktop.platform.paths import private_dir

    put_setting(session, settings.AUDIT_ANCHOR.key, canonical.loads(receipt_bytes))
    device = str(get_setting(session, settings.DEVICE_ID.key) or "")
    if device:
        path = anchor_file(device)
        private_dir(path.parent)
        write_atomic(path, receipt_bytes, mode=0o600)
    return Anchor(head["count"], head["hash"], str(body.get("batch_id", "")), str(body.get("hub_time", "")))


def _anchor_of(outer: Any) -> Anchor | None:
    if not isinstance(outer, dict) or not isinstance(outer.get("receipt"), dict):
        return None
    body = outer["receipt"]
    head = valid_head(body.get(HEAD_FIELD))
    if head is None:
        return None
    return Anchor(head["count"], head["hash"], str(body.get("batch_id", "")), str(body.get("hub_time", "")))


def load(session: Session) -> tuple[list[Anchor], list[str]]:
    """Anchors whose province signature still verifies (database copy and file copy), and problems."""
    from desktop.sync import keys

    problems: list[str] = []
    sources: list[tuple[str, Any]] = [("cơ sở dữ liệu", get_setting(session, settings.AUDIT_ANCHOR.key))]
    device = str(get_setting(session, settings.DEVICE_ID.key) or "")
    path = anchor_file(device) if device else None
    if path is not None and path.is_file():
        try:
            sources.append((str(path), canonical.loads(path.read_bytes())))
        except (SyncError, OSError):
            problems.append(f"Tệp mốc nhật ký {path} bị hỏng.")
    outers = [(where, outer) for where, outer in sources if outer]
    if not outers:
        return [], problems
    try:
        bundle = keys.installed_bundle(session)
    except SyncError:
        return [], problems + ["Có mốc nhật ký do tỉnh ký nhưng chưa cài khóa của tỉnh để kiểm tra chữ ký."]
    anchors = []
    for where, outer in outers:
        anchor = _anchor_of(outer)
        try:
            if anchor is None:
                raise SyncError("bad_receipt")
            keys.verify_province(bundle, outer.get("kid"), outer.get("signature"), canonical.dumps(outer["receipt"]))
        except SyncError:
            problems.append(f"Mốc nhật ký lưu trong {where} không có chữ ký hợp lệ của tỉnh (đã bị sửa).")
            continue
        anchors.append(anchor)
    return anchors, problems
