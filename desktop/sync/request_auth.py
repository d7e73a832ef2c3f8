"""Device-signed HTTP requests: how a desk proves who it is on the hub's routes other than the batch PUT.

The batch PUT is authenticated by the batch's own signature. A GET (the province package) carries no
batch, so the desk signs ``METHOD\\nPATH?QUERY\\nMOMENT`` with its device key and sends three headers;
the hub checks the signature against the enrolled, unrevoked device and the moment against a window
(a captured request replays for a few minutes at most, and only fetches public reference data).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.platform import clock
from desktop.sync import container
from desktop.sync.errors import MESSAGES, SyncError

DEVICE_HEADER = "X-Motcua-Device"
MOMENT_HEADER = "X-Motcua-Time"
SIGNATURE_HEADER = "X-Motcua-Signature"
WINDOW = timedelta(minutes=10)
MESSAGES.setdefault("bad_request_signature", "Chữ ký yêu cầu của máy không hợp lệ, máy chưa đăng ký "
                                              "hoặc đồng hồ máy lệch quá 10 phút.")


def message(method: str, target: str, moment: str) -> bytes:
    return f"{method.upper()}\n{target}\n{moment}".encode("utf-8")


def sign_headers(device_id: str, key: Ed25519PrivateKey, method: str, target: str) -> dict[str, str]:
    """Headers for one request; ``target`` is the path with its query string, as the server sees it."""
    moment = clock.iso(clock.now()) or ""
    return {DEVICE_HEADER: device_id, MOMENT_HEADER: moment,
            SIGNATURE_HEADER: container.b64(key.sign(message(method, target, moment)))}


def verify(public_key_b64: str, method: str, target: str, moment: str, signature: str,
           *, now: datetime | None = None) -> None:
    """Raise ``SyncError('bad_request_signature')`` unless the device signed this request recently."""
    try:
        when = datetime.fromisoformat(moment)
        if when.tzinfo is None:
            raise ValueError(moment)
        if abs((now or clock.now()) - when) > WINDOW:
            raise ValueError(moment)
        key = Ed25519PublicKey.from_public_bytes(container.unb64(public_key_b64, size=32))
        key.verify(container.unb64(signature, size=64), message(method, target, moment))
    except (ValueError, TypeError, InvalidSignature, SyncError):
        raise SyncError("bad_request_signature") from None
