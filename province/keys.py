"""The province's key pairs: Ed25519 to sign receipts and packages, X25519 to open batches.

Private keys live in the hub's data folder (``keys/``, files 0600, encrypted with a passphrase that is
not stored anywhere on the hub), never in the database; the public
bundle ``province.pub`` goes to every desk. Old encryption keys are kept so batches sealed to them can
still be opened after a key change.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop.platform import clock
from desktop.errors import UserError
from desktop.sync import canonical, container
from desktop.platform.atomic import write_atomic
from desktop.sync.keys import BUNDLE_FORMAT
from province.db import Hub, put_meta

log = logging.getLogger("province.keys")


PASSPHRASE_ENV = "MOTCUA_HUB_KEY_PASSPHRASE"
MIN_PASSPHRASE = 12
_asked: dict[str, bytes] = {}


def passphrase(*, required: bool = True) -> bytes | None:
    """The passphrase of the province's private keys: ``MOTCUA_HUB_KEY_PASSPHRASE``, or asked once per
    process at a terminal. Why not in a file: a copy of the hub's disk must not open citizens' batches."""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV].encode("utf-8")
    if "value" in _asked:
        return _asked["value"]
    if sys.stdin is not None and sys.stdin.isatty():
        _asked["value"] = getpass.getpass("Mật khẩu khóa bí mật của tỉnh: ").encode("utf-8")
        return _asked["value"]
    if required:
        raise UserError(f"Khóa bí mật của tỉnh được mã hóa: đặt biến môi trường {PASSPHRASE_ENV} "
                        "hoặc chạy lệnh ở cửa sổ dòng lệnh để nhập mật khẩu.", code="key_passphrase")
    return None


def ask_passphrase_now() -> None:
    """Ask before the server starts (its worker processes inherit the answer through the environment)."""
    if not os.environ.get(PASSPHRASE_ENV):
        value = passphrase(required=False)
        if value is not None:
            os.environ[PASSPHRASE_ENV] = value.decode("utf-8")


def _pem(key: Any) -> bytes:
    """PKCS#8 encrypted with the passphrase (``BestAvailableEncryption``)."""
    secret = passphrase()
    assert secret is not None
    if len(secret) < MIN_PASSPHRASE:
        raise UserError(f"Mật khẩu khóa bí mật của tỉnh phải có ít nhất {MIN_PASSPHRASE} ký tự.", field="passphrase")
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(secret))


def load_private(path: Path) -> Any:
    """A private key file, encrypted (the norm) or plain (written before keys were encrypted: still read,
    with a warning and the command that encrypts it)."""
    data = path.read_bytes()
    if b"ENCRYPTED" not in data.split(b"\n", 1)[0]:
        log.warning("khóa %s chưa được mã hóa; chạy 'python -m province keys encrypt'", path.name)
        return serialization.load_pem_private_key(data, password=None)
    try:
        return serialization.load_pem_private_key(data, password=passphrase())
    except (ValueError, TypeError):
        raise UserError("Sai mật khẩu khóa bí mật của tỉnh.", code="key_passphrase") from None


def encrypt_existing(hub: Hub) -> list[str]:
    """Rewrite every plain private key of the hub encrypted with the passphrase; returns the files."""
    done = []
    for path in sorted(keys_dir(hub).glob("*.pem")):
        data = path.read_bytes()
        if b"ENCRYPTED" in data.split(b"\n", 1)[0]:
            continue
        write_atomic(path, _pem(serialization.load_pem_private_key(data, password=None)), mode=0o600)
        done.append(path.name)
    return done


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
    key = hub.remember(("signing-key", str(path)), lambda: load_private(path))  # a kid's file never changes
    assert isinstance(key, Ed25519PrivateKey)
    return key


def encryption_keys(hub: Hub) -> dict[str, X25519PrivateKey]:
    keys: dict[str, X25519PrivateKey] = {}
    for path in sorted(keys_dir(hub).glob("encryption-*.pem")):
        key = hub.remember(("encryption-key", str(path)), lambda path=path: load_private(path))
        if isinstance(key, X25519PrivateKey):
            keys[container.key_id(container.raw_public(key.public_key()))] = key
    if not keys:
        raise UserError("Máy chủ tỉnh chưa có khóa giải mã. Chạy 'python -m province init' trước.", code="no_hub_keys")
    return keys
