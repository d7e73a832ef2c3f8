"""Enrolment and revocation of desk devices: only enrolled, unrevoked keys may send batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop.errors import UserError
from desktop.platform import clock
from desktop.rules.text import ascii_digits
from desktop.sync import canonical, container
from desktop.sync.errors import SyncError
from desktop.sync.keys import ENROLMENT_FORMAT
from province.db import Hub
from province.models import HubDevice

MAX_REQUEST_BYTES = 64 * 1024


def enrol(hub: Hub, path: Path, *, replace: bool = False) -> dict[str, Any]:
    """Check the request's self-signature (the desk holds the key) and register the device."""
    if not path.is_file() or path.stat().st_size > MAX_REQUEST_BYTES:
        raise UserError(f"Không đọc được tệp đề nghị đăng ký {path}.", code="bad_enrolment")
    try:
        outer = canonical.loads(path.read_bytes())
        body = outer["request"]
        if not isinstance(body, dict) or body.get("format") != ENROLMENT_FORMAT:
            raise KeyError("format")
        raw = container.unb64(body.get("public_key"), size=32)
        Ed25519PublicKey.from_public_bytes(raw).verify(container.unb64(outer.get("signature")),
                                                       canonical.dumps(body))
    except (SyncError, KeyError, TypeError, InvalidSignature):
        raise UserError("Tệp đề nghị đăng ký không hợp lệ hoặc chữ ký sai.", code="bad_enrolment") from None
    device_id, unit_code = str(body.get("device_id", "")), str(body.get("unit_code", ""))
    if len(device_id) != 36 or not ascii_digits(unit_code):
        raise UserError("Tệp đề nghị đăng ký thiếu mã máy hoặc mã đơn vị.", code="bad_enrolment")
    with hub.transaction() as session:
        device = session.get(HubDevice, device_id)
        if device is not None and device.public_key != body["public_key"] and not replace:
            raise UserError(f"Máy {device_id} đã đăng ký với khóa khác; dùng --replace nếu đúng là máy được cài lại.",
                            code="device_key_changed")
        if device is None:
            device = HubDevice(device_id=device_id, enrolled_at=clock.now())
            session.add(device)
        device.unit_code = unit_code
        device.unit_name = str(body.get("unit_name", ""))
        device.public_key = body["public_key"]
        device.kid = container.key_id(raw)
        device.app_version = str(body.get("app_version", ""))
        device.encryption_key = _encryption_key(body) or device.encryption_key
        device.revoked_at = None
        device.revoked_reason = None
    return {"device_id": device_id, "unit_code": unit_code, "kid": container.key_id(raw)}


def _encryption_key(body: dict[str, Any]) -> str | None:
    """The desk's X25519 public key, checked (32 bytes); absent from an older desk's request."""
    value = body.get("encryption_key")
    if value in (None, ""):
        return None
    try:
        container.unb64(value, size=32)
    except SyncError:
        raise UserError("Khóa mã hóa trong tệp đề nghị đăng ký không hợp lệ.", code="bad_enrolment") from None
    return str(value)


def revoke(hub: Hub, device_id: str, *, reason: str = "") -> None:
    with hub.transaction() as session:
        device = session.get(HubDevice, device_id)
        if device is None:
            raise UserError(f"Không có máy {device_id} trong danh sách đăng ký.", code="unknown_device")
        device.revoked_at = clock.now()
        device.revoked_reason = reason or None
