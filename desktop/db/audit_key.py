"""The audit chain's secret: an HMAC key kept OUTSIDE the database, next to the device key.

``keys/audit-<device>.key`` (0600; DPAPI-wrapped on Windows, see ``desktop/platform/keyprotect.py``) is JSON:
the key, and where keying started. A chain that existed before the key (an older version of the app,
or a key lost with an old PC) stays verifiable the old way up to ``keyed_from - 1``, and that row's
hash (``legacy_head``) is written into the key file at the moment of re-anchoring: recomputing the
unkeyed part afterwards no longer matches it. Someone who only has the database file cannot make a
row that verifies; someone who also has this file is stopped by the province's signed anchor
(``desktop/sync/anchor.py``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.platform import clock
from desktop.errors import UserError

KEY_FORMAT = "motcua-audit-key"
_cache: dict[Path, tuple[float, AuditKey]] = {}


@dataclass(frozen=True)
class AuditKey:
    key: bytes
    keyed_from: int  # first row number hashed with the key
    legacy_head: str  # hash of row keyed_from - 1 when the key was made (genesis for a new chain)
    legacy_verified: bool  # did the unkeyed part verify when it was re-anchored?
    reason: str  # "new" | "unkeyed_chain"
    path: Path


def key_file(device: str) -> Path:
    from desktop.platform.paths import data_dir

    return data_dir() / "keys" / f"audit-{device}.key"


def anchor_file(device: str) -> Path:
    """Where the newest province-signed audit head is kept (``desktop/sync/anchor.py``)."""
    return key_file(device).with_name(f"audit-{device}.anchor")


def load(device: str) -> AuditKey | None:
    """The key for this device, or None when there is none on this PC."""
    path = key_file(device)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    from desktop.platform.keyprotect import unprotect

    try:
        doc = json.loads(unprotect(path.read_bytes()))
        if doc.get("format") != KEY_FORMAT:
            raise ValueError(doc.get("format"))
        result = AuditKey(base64.b64decode(doc["key"], validate=True), int(doc["keyed_from"]), str(doc["legacy_head"]),
                          bool(doc.get("legacy_verified", True)), str(doc.get("reason", "")), path)
        if len(result.key) != 32:
            raise ValueError("key size")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise UserError(f"Tệp khóa nhật ký kiểm tra {path} bị hỏng ({exc}); không ghi được nhật ký. "
                        "Hãy báo quản trị viên.", code="bad_audit_key") from None
    _cache[path] = (mtime, result)
    return result


def create(device: str, *, keyed_from: int, legacy_head: str, legacy_verified: bool, reason: str) -> AuditKey:
    """Make the key file unless another process just did (exclusive: never replace an existing key)."""
    from desktop.platform.atomic import fsync_dir
    from desktop.platform.keyprotect import protect
    from desktop.platform.paths import private_dir

    path = key_file(device)
    folder = private_dir(path.parent)
    doc = {"format": KEY_FORMAT, "format_version": 1, "key": base64.b64encode(secrets.token_bytes(32)).decode(),
           "keyed_from": keyed_from, "legacy_head": legacy_head, "legacy_verified": legacy_verified,
           "reason": reason, "created_at": clock.iso(clock.now())}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(protect(json.dumps(doc).encode("utf-8")))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if the file exists: the first key made wins
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    fsync_dir(folder)
    result = load(device)
    assert result is not None
    return result
