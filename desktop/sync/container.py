"""The container every sync file uses (batches now, province packages later): a ZIP of stored entries
holding a plaintext ``header.json`` and a ``payload.bin`` encrypted to the province's X25519 key(s).

Encryption (per file): a random 32-byte content key encrypts the payload with ChaCha20-Poly1305;
the associated data is the canonical header without its ``payload`` block (the block holds the
ciphertext's own hash and size, so it cannot be inside its own associated data). For each recipient
key an ephemeral X25519 key pair is made, HKDF-SHA256 derives a wrapping key from the shared secret,
and the content key is wrapped with ChaCha20-Poly1305. The ephemeral private keys and the content key
are then forgotten, so the writer cannot read its own file.

Reading assumes a hostile file: a size cap, safe entry names only, bounded decompression, strict JSON.
"""

from __future__ import annotations

import base64
import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.sync import canonical
from desktop.sync.errors import SyncError

HEADER_NAME = "header.json"
PAYLOAD_NAME = "payload.bin"
CIPHER = "X25519-HKDF-SHA256-ChaCha20Poly1305"
_WRAP_INFO = b"motcua/v1/key-wrap"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so equal content gives equal bytes
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}(/[A-Za-z0-9][A-Za-z0-9._-]{0,120}){0,3}")


@dataclass(frozen=True)
class Limits:
    """Caps for reading untrusted files; the hub may raise them, tests lower them."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    max_entries: int = 10_000
    max_entry_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024


DEFAULT_LIMITS = Limits()


# ----- keys ---------------------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, *, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise SyncError("bad_format", "khóa/chữ ký phải là chuỗi base64")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise SyncError("bad_format", "base64 không hợp lệ") from None
    if size is not None and len(raw) != size:
        raise SyncError("bad_format", "độ dài khóa sai")
    return raw


def raw_public(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    """Short, stable id of a public key: the first 16 hex digits of its SHA-256."""
    return canonical.sha256(public_raw)[:16]


@dataclass(frozen=True)
class Recipient:
    kid: str
    public_key: X25519PublicKey

    @classmethod
    def from_b64(cls, text: str) -> Recipient:
        raw = unb64(text, size=32)
        return cls(kid=key_id(raw), public_key=X25519PublicKey.from_public_bytes(raw))


# ----- writing ------------------------------------------------------------------------------------

def pack_files(files: Mapping[str, bytes]) -> bytes:
    """The inner archive (deflated: change files are repetitive JSON)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name in sorted(files):
            if not _SAFE_NAME.fullmatch(name):
                raise ValueError(f"unsafe entry name {name!r}")
            zf.writestr(zipfile.ZipInfo(name, _ZIP_TIME), files[name], compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def associated_data(header: Mapping[str, Any]) -> bytes:
    return canonical.dumps({k: v for k, v in header.items() if k != "payload"})


def seal(header: Mapping[str, Any], files: Mapping[str, bytes], recipients: list[Recipient]) -> tuple[bytes, dict[str, Any]]:
    """Encrypt ``files`` for ``recipients``; returns the container bytes and the final header."""
    return seal_inner(header, pack_files(files), recipients)


def seal_inner(header: Mapping[str, Any], inner: bytes, recipients: list[Recipient]) -> tuple[bytes, dict[str, Any]]:
    """Encrypt an already packed inner archive (tests use it to build hostile but well-sealed files)."""
    if not recipients:
        raise SyncError("no_province_key")
    content_key = ChaCha20Poly1305.generate_key()
    wrapped = []
    for rec in recipients:
        ephemeral = X25519PrivateKey.generate()
        epk = raw_public(ephemeral.public_key())
        kek = _derive(ephemeral.exchange(rec.public_key), epk, raw_public(rec.public_key))
        wrapped.append({"kid": rec.kid, "epk": b64(epk),
                        "wrapped_key": b64(ChaCha20Poly1305(kek).encrypt(b"\0" * 12, content_key, rec.kid.encode()))})
    full = dict(header)
    full["recipients"] = wrapped
    full["cipher"] = CIPHER
    nonce = os.urandom(12)
    payload = nonce + ChaCha20Poly1305(content_key).encrypt(nonce, inner, associated_data(full))
    full["payload"] = {"sha256": canonical.sha256(payload), "size": len(payload)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(HEADER_NAME, _ZIP_TIME), canonical.dumps(full))
        zf.writestr(zipfile.ZipInfo(PAYLOAD_NAME, _ZIP_TIME), payload)
    return buf.getvalue(), full


def _derive(shared: bytes, epk: bytes, recipient_raw: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + recipient_raw, info=_WRAP_INFO).derive(shared)


# ----- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sealed:
    """A container whose header has been read and whose payload matches the header's hash."""

    header: dict[str, Any]
    header_bytes: bytes
    payload: bytes | memoryview  # a view into the file's bytes: the payload is never copied before its tag is checked


# The outer container is written STORED (its payload is ciphertext, which does not compress): nothing is
# ever inflated before the payload's authentication tag is checked. Inside, only DEFLATE is used.
OUTER_METHODS = frozenset({zipfile.ZIP_STORED})
INNER_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


def _open_zip(data: bytes, limits: Limits, methods: frozenset[int] = INNER_METHODS) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception:  # noqa: BLE001 — any malformed archive (struct, unicode, overflow…) is a refusal
        raise SyncError("truncated") from None
    if len(infos) > limits.max_entries:
        raise SyncError("too_large", "quá nhiều tệp bên trong")
    seen: set[str] = set()
    for info in infos:
        if not _SAFE_NAME.fullmatch(info.filename) or ".." in info.filename.split("/"):
            raise SyncError("path_escape", info.filename[:80])
        if info.filename in seen:
            raise SyncError("bad_format", f"tệp trùng tên {info.filename}")
        if info.flag_bits & 0x1:
            raise SyncError("bad_format", "tệp bên trong bị mã hóa kiểu ZIP")
        if info.compress_type not in methods:
            raise SyncError("bad_format", f"kiểu nén {info.compress_type} không được dùng")
        seen.add(info.filename)
    return zf


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read at most ``limit`` bytes, whatever the entry claims: a zip bomb stops here."""
    if info.file_size > limit:
        raise SyncError("too_large", info.filename)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    raise SyncError("too_large", info.filename)
    except zipfile.BadZipFile as exc:
        code = "bad_hash" if "CRC" in str(exc) else "truncated"
        raise SyncError(code, info.filename) from None
    except SyncError:
        raise
    except Exception:  # noqa: BLE001 — EOF, zlib/lzma errors, "version needed", overflow: a broken entry
        raise SyncError("truncated", info.filename) from None
    return bytes(out)


def _stored_view(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The bytes of a STORED entry as a view into ``data``: no copy, however large the entry claims to be.

    The local header is read here (not trusted from the central directory alone): its signature, method
    and name must agree, and the entry must lie inside the file. The payload's SHA-256 from the header
    (and, after decryption, its AEAD tag) stand in for the CRC that zipfile would check."""
    start = info.header_offset
    local = data[start:start + 30]
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise SyncError("truncated", info.filename)
    method = int.from_bytes(local[8:10], "little")
    name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
    if method != zipfile.ZIP_STORED or data[start + 30:start + 30 + name_len] != info.filename.encode("ascii"):
        raise SyncError("bad_format", info.filename)
    begin = start + 30 + name_len + extra_len
    end = begin + info.compress_size
    if info.compress_size != info.file_size or end > len(data):
        raise SyncError("truncated", info.filename)
    return memoryview(data)[begin:end]


def read_sealed(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Sealed:
    """Header checks that need no key: structure, size caps, strict JSON, payload hash and size."""
    if len(data) > limits.max_file_bytes:
        raise SyncError("too_large")
    zf = _open_zip(data, limits, OUTER_METHODS)
    names = sorted(info.filename for info in zf.infolist())
    if names != sorted([HEADER_NAME, PAYLOAD_NAME]):
        raise SyncError("not_a_batch", ", ".join(names)[:120])
    header_bytes = _read_entry(zf, zf.getinfo(HEADER_NAME), limits.max_header_bytes)
    header = canonical.loads(header_bytes)
    payload_info = header.get("payload")
    if not isinstance(payload_info, dict) or not isinstance(payload_info.get("size"), int):
        raise SyncError("bad_format", "thiếu thông tin payload")
    if payload_info["size"] > limits.max_file_bytes:
        raise SyncError("too_large")
    payload = _stored_view(data, zf.getinfo(PAYLOAD_NAME))
    if len(payload) != payload_info["size"] or canonical.sha256(payload) != payload_info.get("sha256"):
        raise SyncError("bad_hash", "payload")
    return Sealed(header=header, header_bytes=header_bytes, payload=payload)


def open_sealed(sealed: Sealed, private_keys: Mapping[str, X25519PrivateKey], *,
                limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """Decrypt with whichever of our keys the file was sealed to, then unpack with bounds."""
    return unpack_files(decrypt_payload(sealed, private_keys), limits=limits)


def decrypt_payload(sealed: Sealed, private_keys: Mapping[str, X25519PrivateKey]) -> bytes:
    """The inner archive, still compressed: its authentication tag checked, nothing inflated yet."""
    header = sealed.header
    if header.get("cipher") != CIPHER:
        raise SyncError("unsupported_version", f"thuật toán {header.get('cipher')!r}")
    recipients = header.get("recipients")
    if not isinstance(recipients, list):
        raise SyncError("bad_format", "thiếu danh sách người nhận")
    content_key = None
    for entry in recipients:
        if not isinstance(entry, dict) or entry.get("kid") not in private_keys:
            continue
        key = private_keys[entry["kid"]]
        epk = unb64(entry.get("epk"), size=32)
        kek = _derive(key.exchange(X25519PublicKey.from_public_bytes(epk)), epk, raw_public(key.public_key()))
        try:
            content_key = ChaCha20Poly1305(kek).decrypt(b"\0" * 12, unb64(entry.get("wrapped_key")), entry["kid"].encode())
        except InvalidTag:
            raise SyncError("decrypt_failed", "khóa nội dung") from None
        break
    if content_key is None:
        raise SyncError("no_recipient_key")
    if len(sealed.payload) < 12 + 16:
        raise SyncError("truncated", "payload")
    nonce, body = bytes(sealed.payload[:12]), sealed.payload[12:]
    try:
        return ChaCha20Poly1305(content_key).decrypt(nonce, body, associated_data(header))
    except InvalidTag:
        raise SyncError("decrypt_failed") from None


def inner_archive(inner: bytes, *, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The inner archive opened (names, count and methods checked) without reading any entry."""
    zf = _open_zip(inner, limits)
    if any(info.is_dir() for info in zf.infolist()):
        raise SyncError("bad_format", "thư mục bên trong")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One entry, inflated by streaming and cut at ``limit`` bytes (``too_large``)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise SyncError("bad_format", f"thiếu {name}") from None
    return _read_entry(zf, info, limit)


def unpack_files(inner: bytes, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    zf = _open_zip(inner, limits)
    files: dict[str, bytes] = {}
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            raise SyncError("bad_format", "thư mục bên trong")
        content = _read_entry(zf, info, min(limits.max_entry_bytes, limits.max_total_bytes - total))
        total += len(content)
        files[info.filename] = content
    return files
