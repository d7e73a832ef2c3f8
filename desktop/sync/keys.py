"""The province's public keys on the desk, and the enrolment request the desk sends the province.

``province.pub`` (written by ``python -m province init``) is JSON: format, province name, signing keys
(Ed25519, verify receipts and packages) and encryption keys (X25519, batches are sealed to all of
them), each with its key id. It is public: installing it needs no secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from desktop import settings
from desktop import __version__

from desktop.platform import clock
from desktop.errors import UserError
from desktop.services.desk import get_setting, put_setting
from desktop.services.permissions import Permission, require
from desktop.sync import canonical, container, identity
from desktop.sync.container import Recipient
from desktop.sync.errors import SyncError
from desktop.platform.atomic import write_atomic

BUNDLE_FORMAT = "motcua-province-keys"
ENROLMENT_FORMAT = "motcua-enrolment"
MAX_KEY_FILE = 64 * 1024


def parse_bundle(data: bytes) -> dict[str, Any]:
    """Validate a public bundle: known format, at least one key of each kind, key ids that match."""
    try:
        bundle = canonical.loads(data)
    except SyncError:
        raise UserError("Tệp khóa của tỉnh không phải JSON hợp lệ.", field="province_key") from None
    if bundle.get("format") != BUNDLE_FORMAT:
        raise UserError("Tệp này không phải tệp khóa công khai của tỉnh (province.pub).", field="province_key")
    for kind in ("signing_keys", "encryption_keys"):
        keys = bundle.get(kind)
        if not isinstance(keys, list) or not keys:
            raise UserError(f"Tệp khóa của tỉnh thiếu danh sách '{kind}'.", field="province_key")
        for entry in keys:
            try:
                raw = container.unb64(entry.get("public_key"), size=32)
            except (SyncError, AttributeError):
                raise UserError("Tệp khóa của tỉnh có khóa không hợp lệ.", field="province_key") from None
            if entry.get("kid") != container.key_id(raw):
                raise UserError("Mã khóa trong tệp khóa của tỉnh không khớp với khóa.", field="province_key")
    return bundle


def install_bundle(session: Session, path: Path) -> dict[str, Any]:
    """Install or replace the province's public keys: administrators only, whichever front end asks —
    the key decides who can read every batch this desk sends."""
    require(session, Permission.MANAGE_SETTINGS)
    if not path.is_file() or path.stat().st_size > MAX_KEY_FILE:
        raise UserError(f"Không đọc được tệp khóa của tỉnh: {path}", field="province_key")
    bundle = parse_bundle(path.read_bytes())
    put_setting(session, settings.PROVINCE_KEYS.key, bundle)
    return bundle


def installed_bundle(session: Session) -> dict[str, Any]:
    bundle = get_setting(session, settings.PROVINCE_KEYS.key)
    if not bundle:
        raise SyncError("no_province_key")
    return dict(bundle)


def recipients(bundle: dict[str, Any]) -> list[Recipient]:
    return [Recipient.from_b64(entry["public_key"]) for entry in bundle["encryption_keys"]]


def signing_keys(bundle: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    return {e["kid"]: Ed25519PublicKey.from_public_bytes(container.unb64(e["public_key"], size=32))
            for e in bundle["signing_keys"]}


def verify_province(bundle: dict[str, Any], kid: Any, signature: Any, message: bytes) -> None:
    """Raise ``bad_receipt`` unless one of the province's signing keys signed ``message``."""
    key = signing_keys(bundle).get(kid) if isinstance(kid, str) else None
    if key is None:
        raise SyncError("bad_receipt", "khóa ký không thuộc tỉnh đã cài")
    try:
        key.verify(container.unb64(signature), message)
    except InvalidSignature:
        raise SyncError("bad_receipt", "chữ ký sai") from None


def enrolment_request(session: Session) -> dict[str, Any]:
    """Device id, unit, device public key and app version, self-signed (proof the desk holds the key)."""
    from desktop.services.desk import local_unit

    device = identity.device_id(session)
    unit = local_unit(session)
    key = identity.signing_key(device)
    body = {"format": ENROLMENT_FORMAT, "format_version": 1, "device_id": device, "unit_code": unit.code,
            "unit_name": unit.name, "public_key": identity.public_key_b64(key),
            "kid": container.key_id(container.raw_public(key.public_key())), "app_version": __version__,
            # issue #15: the hub seals this desk's inbox to it (a request without one still enrols)
            "encryption_key": container.b64(container.raw_public(identity.encryption_key(device).public_key())),
            "created_at": clock.iso(clock.now())}
    return {"request": body, "signature": container.b64(key.sign(canonical.dumps(body)))}


def write_enrolment(session: Session, out: Path) -> dict[str, Any]:
    request = enrolment_request(session)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, canonical.dumps(request))
    body = request["request"]
    put_setting(session, settings.ENROLMENT_REQUEST.key, {"file": str(out), "at": body["created_at"], "kid": body["kid"]})
    return body
