"""Who this desk is: a device id (UUID, in Setting ``device_id``), an Ed25519 signing key kept OUTSIDE
the database (data folder, 0600), and the database epoch that keeps sequence numbers unique.

The epoch lives in the database (Setting ``db_epoch``, stamped on every change-log row) and in a file
beside it (``<db>.epoch``). A restored backup or a copied file brings an old database without its
matching file, so a mismatch starts a new epoch: sequence numbers the province already saw from the
lost future can then never be mistaken for new ones.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock, keyprotect
from desktop.db.models import ChangeLog, Setting
from desktop.db.models_sync import SyncAck, SyncChangeState
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.platform.paths import data_dir, private_dir
from desktop.services.desk import get_setting, put_setting
from desktop.sync import container
from desktop.platform.atomic import write_atomic

log = logging.getLogger("desktop.sync")


def device_id(session: Session) -> str:
    """The device id from the database; created here if an old database has none."""
    value = get_setting(session, settings.DEVICE_ID.key)
    if not value:
        value = str(uuid.uuid4())
        put_setting(session, settings.DEVICE_ID.key, value)
    return str(value)


def unit_code(session: Session) -> str:
    code = get_setting(session, settings.UNIT_CODE.key)
    if not code:
        raise UserError("Máy này chưa được khởi tạo đơn vị; chạy lệnh 'init' trước khi đồng bộ.",
                        code="not_initialised")
    return str(code)


def key_path(device: str) -> Path:
    return data_dir() / "keys" / f"device-{device}.pem"


def signing_key(device: str) -> Ed25519PrivateKey:
    """Load this device's key, creating it at first use (never stored in the database).

    0600 in a 0700 folder; on Windows also wrapped with DPAPI for the current user (``keyprotect``),
    and a plain key left by an older version is rewrapped the first time it is read.
    """
    key = _device_key(key_path(device), Ed25519PrivateKey, "ký")
    assert isinstance(key, Ed25519PrivateKey)
    return key


def encryption_key(device: str) -> X25519PrivateKey:
    """This device's X25519 key for what the hub seals to it (the inbox of issue #15); created at first use,
    kept beside the signing key and protected the same way."""
    key = _device_key(data_dir() / "keys" / f"device-{device}-x25519.pem", X25519PrivateKey, "mã hóa")
    assert isinstance(key, X25519PrivateKey)
    return key


def _device_key(path: Path, kind: type[Ed25519PrivateKey] | type[X25519PrivateKey],
                role: str) -> Ed25519PrivateKey | X25519PrivateKey:
    if path.exists():
        stored = path.read_bytes()
        key = serialization.load_pem_private_key(keyprotect.unprotect(stored), password=None)
        if not isinstance(key, kind):
            raise UserError(f"Tệp khóa thiết bị {path} không hợp lệ.", code="bad_device_key")
        if keyprotect.active() and not keyprotect.is_protected(stored):
            _write_key(path, key)
        return key
    private_dir(path.parent)
    created = kind.generate()
    _write_key(path, created)
    log.info("đã tạo khóa %s của máy: %s", role, path.name)
    return created


def _write_key(path: Path, key: Ed25519PrivateKey | X25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_atomic(path, keyprotect.protect(pem), mode=0o600)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    return container.b64(container.raw_public(key.public_key()))


def certificate(device: str, unit: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """What travels inside every batch so the hub can match the enrolled key; it also carries the device's
    encryption key, so a device enrolled before the inbox existed (issue #15) gets one at its next batch."""
    public = public_key_b64(key)
    return {"device_id": device, "unit_code": unit, "public_key": public,
            "kid": container.key_id(container.unb64(public)),
            "encryption_key": container.b64(container.raw_public(encryption_key(device).public_key()))}


# ----- epoch --------------------------------------------------------------------------------------

def epoch_file(db: Database) -> Path | None:
    return Path(f"{db.path}.epoch") if db.path is not None else None


def _read_marker(marker: Path | None) -> tuple[str | None, int, str]:
    """``<epoch>\n<highest sequence seen>\n<fingerprint of that change>\n``; damaged = missing."""
    if marker is None or not marker.exists():
        return None, 0, ""
    lines = marker.read_text(encoding="ascii", errors="replace").split()
    try:
        return (lines[0] if lines else None), (int(lines[1]) if len(lines) > 1 else 0), \
            (lines[2] if len(lines) > 2 else "")
    except ValueError:
        return None, 0, ""


def _fingerprint(row: ChangeLog | None) -> str:
    if row is None:
        return "-"
    return hashlib.sha256(f"{row.epoch}|{row.table_name}|{row.record_id}|{row.version}|{row.op}|{row.at}"
                          .encode()).hexdigest()[:16]


def pending_condition() -> Any:
    """Change-log rows above the sequence the province confirmed for their epoch."""
    acked = select(SyncAck.acked_seq).where(SyncAck.epoch == ChangeLog.epoch).scalar_subquery()
    return ChangeLog.seq > func.coalesce(acked, 0)


def ensure_epoch(db: Database, *, restored: bool = False) -> str:
    """Return the current epoch, starting a new one when the database may have been restored or copied.

    New epoch when: the database has none; the ``.epoch`` file is missing for a database with changes;
    the file names another epoch; the change the file saw last is not in the log any more (a backup
    copied over the live file, ``.epoch`` left in place — even if work went on since); or the caller
    says so (``restored=True``). After ``desktop.services.restore.restore`` (Setting ``settings.EPOCH_RESTORED.key``) the epoch
    the restore wrote is adopted: the backup's unconfirmed changes move into it and its start is
    recorded, exactly as for a new epoch started here.
    """
    marker = epoch_file(db)
    on_disk, high_water, seen = _read_marker(marker)
    with db.transaction(officer="sync") as session:
        device_id(session)  # an old database without one gets it here, in a writing transaction
        current = get_setting(session, settings.EPOCH.key)
        top = session.scalar(select(func.max(ChangeLog.seq))) or 0
        reason = None
        adopt = None
        note = get_setting(session, settings.EPOCH_RESTORED.key)
        if note:
            reason = "restored"
            if isinstance(note, dict) and note.get("epoch") == current:
                adopt = note
            session.execute(delete(Setting).where(Setting.key == settings.EPOCH_RESTORED.key))
        elif restored:
            reason = "restored"
        elif not current:
            reason = "missing"
        elif marker is not None and on_disk is None and top:
            reason = "marker_missing"
        elif on_disk is not None and on_disk != current:
            reason = "marker_differs"
        elif high_water and seen and _fingerprint(session.get(ChangeLog, high_water)) != seen:
            reason = "db_diverged"
        if reason:
            current = start_new_epoch(session, reason, epoch=adopt["epoch"] if adopt else None,
                                      previous=adopt.get("previous") if adopt else None)
        fingerprint = _fingerprint(session.get(ChangeLog, top)) if top else "-"
    if marker is not None and (on_disk, high_water, seen) != (current, top, fingerprint):
        write_atomic(marker, f"{current}\n{top}\n{fingerprint}\n".encode("ascii"))
    return str(current)


def note_exported(db: Database, epoch: str, seq_to: int) -> None:
    """Raise the ``.epoch`` file's high-water mark to what just left the PC."""
    marker = epoch_file(db)
    on_disk, high_water, _seen = _read_marker(marker)
    if marker is not None and on_disk == epoch and seq_to > high_water:
        with db.reading() as session:
            fingerprint = _fingerprint(session.get(ChangeLog, seq_to))
        write_atomic(marker, f"{epoch}\n{seq_to}\n{fingerprint}\n".encode("ascii"))


def start_new_epoch(session: Session, reason: str, *, epoch: str | None = None, previous: str | None = None) -> str:
    """New epoch (``epoch`` given: one already written by the restore); every change the province has
    not confirmed moves into it.

    Those changes may carry sequence numbers the province already saw from a lost future (same old
    epoch, same numbers, other content); under the new epoch they can never be taken for those.
    """
    new = epoch or str(uuid.uuid4())
    first_pending = session.scalar(select(func.min(ChangeLog.seq)).where(pending_condition()))
    start = first_pending or (session.scalar(select(func.max(ChangeLog.seq))) or 0) + 1
    if first_pending is not None:
        pending = select(ChangeLog.seq).where(pending_condition()).scalar_subquery()
        session.execute(update(SyncChangeState).where(SyncChangeState.seq.in_(pending)).values(epoch=new))
        session.execute(update(ChangeLog).where(pending_condition()).values(epoch=new))
    history = list(get_setting(session, settings.EPOCH_HISTORY.key, []) or [])
    if previous is None and epoch is None:
        previous = get_setting(session, settings.EPOCH.key)
    history.append({"epoch": new, "start_seq": start, "started_at": clock.iso(clock.now()), "reason": reason,
                    "previous": previous})
    put_setting(session, settings.EPOCH.key, new)
    put_setting(session, settings.EPOCH_START.key, start)
    put_setting(session, settings.EPOCH_HISTORY.key, history)
    log.info("kỷ nguyên dữ liệu mới %s (%s), số thứ tự thay đổi tiếp tục từ %d", new, reason, start)
    return new
