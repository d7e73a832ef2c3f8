"""The province's key pairs: Ed25519 to sign receipts and packages, X25519 to open batches.

Private keys live in the hub's data folder (``keys/``, files 0600), never in the database; the public
bundle ``province.pub`` goes to every desk. Old encryption keys are kept so batches sealed to them can
still be opened after a key change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop import clock
from desktop.errors import UserError
from desktop.sync import canonical, container
from desktop.atomic import write_atomic
from desktop.sync.keys import BUNDLE_FORMAT
from province.db import Hub, put_meta


def _pem(key: Any) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def keys_dir(hub: Hub) -> Path:
    path = hub.data_dir / "keys"
    path.mkdir(parents=True, exist_ok=True)
    return path


def init_keys(hub: Hub, *, name: str, keys_out: Path) -> dict[str, Any]:
    """Create the province's key pairs (once) and write the public bundle to ``keys_out/province.pub``."""
    if hub.meta("signing_kid"):
        raise UserError("Máy chủ tỉnh này đã được khởi tạo khóa; không tạo lại (các xã đang dùng khóa cũ).",
                        code="already_initialised")
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    sign_kid = container.key_id(container.raw_public(signing.public_key()))
    enc_kid = container.key_id(container.raw_public(encryption.public_key()))
    folder = keys_dir(hub)
    write_atomic(folder / f"signing-{sign_kid}.pem", _pem(signing), mode=0o600)
    write_atomic(folder / f"encryption-{enc_kid}.pem", _pem(encryption), mode=0o600)
    bundle = {"format": BUNDLE_FORMAT, "format_version": 1, "province": name, "created_at": clock.iso(clock.now()),
              "signing_keys": [{"kid": sign_kid, "public_key": container.b64(container.raw_public(signing.public_key()))}],
              "encryption_keys": [{"kid": enc_kid,
                                   "public_key": container.b64(container.raw_public(encryption.public_key()))}]}
    with hub.transaction() as session:
        put_meta(session, "name", name)
        put_meta(session, "signing_kid", sign_kid)
        put_meta(session, "public_bundle", bundle)
    keys_out.mkdir(parents=True, exist_ok=True)
    write_atomic(keys_out / "province.pub", canonical.dumps(bundle))
    return bundle


def signing_key(hub: Hub) -> Ed25519PrivateKey:
    kid = hub.meta("signing_kid")
    path = keys_dir(hub) / f"signing-{kid}.pem"
    if not kid or not path.exists():
        raise UserError("Máy chủ tỉnh chưa có khóa. Chạy 'python -m province init --name … --keys-out …' trước.",
                        code="no_hub_keys")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def encryption_keys(hub: Hub) -> dict[str, X25519PrivateKey]:
    keys: dict[str, X25519PrivateKey] = {}
    for path in sorted(keys_dir(hub).glob("encryption-*.pem")):
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, X25519PrivateKey):
            keys[container.key_id(container.raw_public(key.public_key()))] = key
    if not keys:
        raise UserError("Máy chủ tỉnh chưa có khóa giải mã. Chạy 'python -m province init' trước.", code="no_hub_keys")
    return keys
