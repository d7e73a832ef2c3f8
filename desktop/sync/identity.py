"""Who this desk is: a device id (UUID, in Setting ``device_id``), an Ed25519 signing key kept OUTSIDE
the database (data folder, 0600), and the database epoch that keeps sequence numbers unique.

The epoch lives in the database (Setting ``db_epoch``, stamped on every change-log row) and in a file
beside it (``<db>.epoch``). A restored backup or a copied file brings an old database without its
matching file, so a mismatch starts a new epoch: sequence numbers the province already saw from the
lost future can then never be mistaken for new ones.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.db.changelog import EPOCH_KEY, OWNER_KEY
from desktop.db.models import ChangeLog
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.paths import data_dir
from desktop.services.desk import DEVICE_ID_KEY, get_setting, put_setting
from desktop.sync import container
from desktop.sync.files import write_atomic

log = logging.getLogger("desktop.sync")

EPOCH_START_KEY = "db_epoch_start"
EPOCH_HISTORY_KEY = "db_epoch_history"


def device_id(session: Session) -> str:
    """The device id from the database; created here if an old database has none."""
    value = get_setting(session, DEVICE_ID_KEY)
    if not value:
        value = str(uuid.uuid4())
        put_setting(session, DEVICE_ID_KEY, value)
    return str(value)


def unit_code(session: Session) -> str:
    code = get_setting(session, OWNER_KEY)
    if not code:
        raise UserError("Máy này chưa được khởi tạo đơn vị; chạy lệnh 'init' trước khi đồng bộ.",
                        code="not_initialised")
    return str(code)


def key_path(device: str) -> Path:
    return data_dir() / "keys" / f"device-{device}.pem"


def signing_key(device: str) -> Ed25519PrivateKey:
    """Load this device's key, creating it at first use (never stored in the database)."""
    path = key_path(device)
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise UserError(f"Tệp khóa thiết bị {path} không hợp lệ.", code="bad_device_key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_atomic(path, pem, mode=0o600)
    log.info("created the device signing key for %s", device)
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    return container.b64(container.raw_public(key.public_key()))


def certificate(device: str, unit: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """What travels inside every batch so the hub can match the enrolled key."""
    public = public_key_b64(key)
    return {"device_id": device, "unit_code": unit, "public_key": public,
            "kid": container.key_id(container.unb64(public))}


# ----- epoch --------------------------------------------------------------------------------------

def epoch_file(db: Database) -> Path | None:
    return Path(f"{db.path}.epoch") if db.path is not None else None


def ensure_epoch(db: Database) -> str:
    """Return the current epoch, starting a new one if the database and its ``.epoch`` file disagree."""
    marker = epoch_file(db)
    on_disk = marker.read_text(encoding="ascii").strip() if marker and marker.exists() else None
    with db.transaction(officer="sync") as session:
        current = get_setting(session, EPOCH_KEY)
        has_data = bool(session.scalar(select(func.count()).select_from(ChangeLog)))
        reason = None
        if not current:
            reason = "missing"
        elif marker is not None and on_disk is None and has_data:
            reason = "marker_missing"
        elif on_disk is not None and on_disk != current:
            reason = "marker_differs"
        if reason:
            current = start_new_epoch(session, reason)
    if marker is not None and on_disk != current:
        write_atomic(marker, f"{current}\n".encode("ascii"))
    return str(current)


def start_new_epoch(session: Session, reason: str) -> str:
    new = str(uuid.uuid4())
    start = (session.scalar(select(func.max(ChangeLog.seq))) or 0) + 1
    history = list(get_setting(session, EPOCH_HISTORY_KEY, []) or [])
    history.append({"epoch": new, "start_seq": start, "started_at": clock.iso(clock.now()), "reason": reason,
                    "previous": get_setting(session, EPOCH_KEY)})
    put_setting(session, EPOCH_KEY, new)
    put_setting(session, EPOCH_START_KEY, start)
    put_setting(session, EPOCH_HISTORY_KEY, history)
    log.info("new database epoch %s (%s), sequence continues at %d", new, reason, start)
    return new
