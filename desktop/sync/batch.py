"""The batch file (sync-design.md "Batch file"): building it on the desk, opening and checking it at
the hub. The same bytes travel by USB stick or HTTP.

Inside the encrypted payload: ``manifest.json`` (the header fields again, previous batch, per-file
SHA-256, counts, reference versions, last receipt seen), ``manifest.sig`` (Ed25519 over the manifest
bytes), ``device.json`` (the device's certificate: id, unit, public key) and ``changes/NNNNN.jsonl``
(one canonical-JSON change per line).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop.platform import clock
from desktop.sync import canonical, container
from desktop.sync.container import DEFAULT_LIMITS, Limits, Recipient, Sealed
from desktop.sync.errors import SyncError

FORMAT = "motcua-batch"
FORMAT_VERSION = 1
SUPPORTED_FORMAT_VERSIONS = frozenset({1})
EXTENSION = "mcb"
CHANGES_PER_FILE = 5000
# Header fields repeated inside the signed manifest; after decryption they must be equal.
BOUND_FIELDS = ("format", "format_version", "batch_id", "device_id", "unit_code", "epoch", "seq_from",
                "seq_to", "created_at", "app_version", "schema_version", "recipient_kids")
CHANGE_KEYS = {"change_id": str, "seq": int, "epoch": str, "table": str, "record_id": str, "op": str,
               "version": int, "row": dict}
OPS = ("upsert", "delete")
# what the desk's change log and the hub's tables hold (String(36)): longer, PostgreSQL refused the batch
# mid-import with a bare database error, SQLite stored it
SHORT_KEYS = {"record_id": 36, "epoch": 36}


def file_name(*, unit_code: str, device_id: str, epoch: str, seq_to: int, created_at: datetime) -> str:
    """``<unit>-<device8>-<epoch8>-<seqTo>-<YYYYMMDDThhmmss>.mcb`` — sortable, says where it came from."""
    stamp = clock.to_vn(created_at).strftime("%Y%m%dT%H%M%S")
    return f"{unit_code}-{device_id[:8]}-{epoch[:8]}-{seq_to}-{stamp}.{EXTENSION}"


@dataclass
class BatchSpec:
    """What the desk knows when it writes a batch (everything but the changes and keys)."""

    batch_id: str
    device_id: str
    unit_code: str
    epoch: str
    seq_from: int
    seq_to: int
    created_at: datetime
    app_version: str
    schema_version: str
    previous_batch: dict[str, Any] | None = None
    reference_versions: dict[str, Any] = field(default_factory=dict)
    last_receipt: dict[str, Any] | None = None
    ranges: dict[str, list[int]] = field(default_factory=dict)
    epoch_start: int = 1
    audit_head: dict[str, Any] | None = None  # the desk's audit chain length + last hash (sync/anchor.py)

    def bound(self, recipient_kids: list[str]) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "batch_id": self.batch_id,
                "device_id": self.device_id, "unit_code": self.unit_code, "epoch": self.epoch,
                "seq_from": self.seq_from, "seq_to": self.seq_to, "created_at": clock.iso(self.created_at),
                "app_version": self.app_version, "schema_version": self.schema_version,
                "recipient_kids": recipient_kids}


def change_line(change: Mapping[str, Any]) -> bytes:
    return canonical.dumps(change)


def build(spec: BatchSpec, changes: Sequence[Mapping[str, Any]], *, signing_key: Ed25519PrivateKey,
          device_cert: Mapping[str, Any], recipients: list[Recipient],
          progress: Callable[[int, int], None] | None = None) -> tuple[bytes, dict[str, Any]]:
    """Sign, then encrypt. Returns the file bytes and its plaintext header."""
    kids = [r.kid for r in recipients]
    files: dict[str, bytes] = {"device.json": canonical.dumps(device_cert)}
    counts: dict[str, int] = {}
    total = len(changes)
    for start in range(0, max(total, 1), CHANGES_PER_FILE):
        chunk = changes[start:start + CHANGES_PER_FILE]
        lines = []
        for change in chunk:
            lines.append(change_line(change))
            counts[change["table"]] = counts.get(change["table"], 0) + 1
        files[f"changes/{start // CHANGES_PER_FILE + 1:05d}.jsonl"] = b"\n".join(lines) + (b"\n" if lines else b"")
        if progress:
            progress(min(start + CHANGES_PER_FILE, total), total)
    manifest = spec.bound(kids) | {
        "previous_batch": spec.previous_batch,
        "files": {name: canonical.sha256(data) for name, data in sorted(files.items())},
        # signed sizes: the hub inflates each file only up to its size (a bomb stops at the first byte over)
        "sizes": {name: len(data) for name, data in sorted(files.items())},
        "counts": counts,
        "changes": total,
        "reference_versions": spec.reference_versions,
        "last_receipt": spec.last_receipt,
        "ranges": spec.ranges,
        "epoch_start": spec.epoch_start,
        "audit_head": spec.audit_head,
    }
    manifest_bytes = canonical.dumps(manifest)
    files["manifest.json"] = manifest_bytes
    files["manifest.sig"] = container.b64(signing_key.sign(manifest_bytes)).encode("ascii")
    return container.seal(spec.bound(kids), files, recipients)


# ----- hub side -----------------------------------------------------------------------------------

def read_header(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Sealed:
    """Structure, caps, payload hash and the header's own fields — before any key is used."""
    sealed = container.read_sealed(data, limits=limits)
    header = sealed.header
    if header.get("format") != FORMAT:
        raise SyncError("not_a_batch")
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in SUPPORTED_FORMAT_VERSIONS:
        raise SyncError("unsupported_version", f"định dạng {header.get('format_version')!r}")
    for key, kind in (("batch_id", str), ("device_id", str), ("unit_code", str), ("epoch", str),
                      ("seq_from", int), ("seq_to", int), ("created_at", str), ("schema_version", str)):
        if not isinstance(header.get(key), kind) or isinstance(header.get(key), bool):
            raise SyncError("bad_format", f"trường '{key}' của phần đầu")
    return sealed


def decrypt(sealed: Sealed, private_keys: Mapping[str, X25519PrivateKey], *,
            limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    files = container.open_sealed(sealed, private_keys, limits=limits)
    for name in ("manifest.json", "manifest.sig", "device.json"):
        if name not in files:
            raise SyncError("bad_format", f"thiếu {name}")
    return files


SIGNED_PART_LIMIT = 1024 * 1024  # manifest.json, manifest.sig, device.json: small, read before any check


def open_verified(sealed: Sealed, private_keys: Mapping[str, X25519PrivateKey], enrolled_key: str, *,
                  limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Verify, then unpack: decrypt (tag checked) → read only the small signed parts → certificate is the
    enrolled key → manifest signature → header = manifest → then inflate each listed file within the
    size the device signed (or the caps, for desks older than signed sizes) and check its hash.
    Nothing large is inflated for a file the enrolled device did not sign."""
    zf = container.inner_archive(container.decrypt_payload(sealed, private_keys), limits=limits)
    files = {name: container.read_member(zf, name, SIGNED_PART_LIMIT)
             for name in ("manifest.json", "manifest.sig", "device.json")}
    if device_certificate(files).get("public_key") != enrolled_key:
        raise SyncError("bad_signature", "khóa trong gói khác khóa đã đăng ký")
    manifest = _signed_manifest(sealed, files, Ed25519PublicKey.from_public_bytes(container.unb64(enrolled_key, size=32)))
    listed, sizes = manifest["files"], manifest.get("sizes")
    present = {info.filename for info in zf.infolist()} - {"manifest.json", "manifest.sig"}
    if set(listed) != present:
        raise SyncError("bad_hash", "danh sách tệp khác bản kê")
    signed_sizes = isinstance(sizes, dict) and set(sizes) == present and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in sizes.values())
    if signed_sizes and sum(sizes.values()) > limits.max_total_bytes:
        raise SyncError("too_large", "tổng kích thước trong bản kê")
    total = 0
    for name in sorted(present - {"device.json"}):
        cap = min(limits.max_entry_bytes, limits.max_total_bytes - total)
        files[name] = container.read_member(zf, name, min(cap, sizes[name]) if signed_sizes else cap)
        total += len(files[name])
    for name in present:
        if canonical.sha256(files[name]) != listed[name]:
            raise SyncError("bad_hash", name)
    return files, manifest


def device_certificate(files: Mapping[str, bytes]) -> dict[str, Any]:
    return canonical.loads(files["device.json"])


def verify(sealed: Sealed, files: Mapping[str, bytes], public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Manifest signature → header = manifest → every file's hash. Returns the manifest."""
    manifest = _signed_manifest(sealed, files, public_key)
    listed = manifest["files"]
    present = {n for n in files if n not in ("manifest.json", "manifest.sig")}
    if set(listed) != present:
        raise SyncError("bad_hash", "danh sách tệp khác bản kê")
    for name in present:
        if canonical.sha256(files[name]) != listed[name]:
            raise SyncError("bad_hash", name)
    return manifest


def _signed_manifest(sealed: Sealed, files: Mapping[str, bytes], public_key: Ed25519PublicKey) -> dict[str, Any]:
    manifest_bytes = files["manifest.json"]
    try:
        public_key.verify(container.unb64(files["manifest.sig"].decode("ascii", "replace")), manifest_bytes)
    except InvalidSignature:
        raise SyncError("bad_signature") from None
    manifest = canonical.loads(manifest_bytes)
    for key in BOUND_FIELDS:
        if manifest.get(key) != sealed.header.get(key):
            raise SyncError("header_mismatch", key)
    if not isinstance(manifest.get("files"), dict):
        raise SyncError("bad_format", "bản kê thiếu danh sách tệp")
    return manifest


def read_changes(files: Mapping[str, bytes], manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every change line, strictly parsed and shape-checked: canonical lines of the right shape at C speed
    (:func:`canonical.canonical_object`), anything else by the strict reader, which names the problem."""
    expected = manifest.get("changes")
    if not isinstance(expected, int) or isinstance(expected, bool):
        raise SyncError("bad_format", "bản kê thiếu số thay đổi")
    changes = _canonical_changes(files, expected)
    return changes if changes is not None else _strict_changes(files, expected)


def _canonical_changes(files: Mapping[str, bytes], expected: int) -> list[dict[str, Any]] | None:
    """The changes when every file is canonical lines ending in a newline, each of the right shape, and
    there are exactly ``expected`` of them; None otherwise (the strict reader then refuses, naming why).
    Line by line, given up at the first line it cannot take: a signed file inflates to 256 MB, and a list
    of its lines (or of objects of the wrong shape) held ~20 times the size of a file of short lines."""
    changes: list[dict[str, Any]] = []
    for name in sorted(n for n in files if n.startswith("changes/")):
        for raw in io.BytesIO(files[name]):
            if len(changes) >= expected or not raw.endswith(b"\n"):
                return None
            change = canonical.canonical_object(raw[:-1])
            if change is None:
                return None
            try:
                _check_shape(change)  # the strict reader's shape rules, the one copy of them
            except SyncError:
                return None
            changes.append(change)
    return changes if len(changes) == expected else None


def _strict_changes(files: Mapping[str, bytes], expected: int) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    for name in sorted(n for n in files if n.startswith("changes/")):
        for raw in io.BytesIO(files[name]):  # line by line: no list of every line
            raw = raw.removesuffix(b"\n")
            if not raw:  # a desk writes no blank line; a file of them is a bomb, not a batch
                raise SyncError("bad_format", f"dòng trống trong {name}")
            if len(changes) >= expected:
                raise SyncError("bad_format", "số thay đổi khác bản kê")
            change = canonical.loads(raw)
            _check_shape(change)
            changes.append(change)
    if len(changes) != expected:
        raise SyncError("bad_format", "số thay đổi khác bản kê")
    return changes


def _check_shape(change: dict[str, Any]) -> None:
    for key, kind in CHANGE_KEYS.items():
        value = change.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SyncError("bad_format", f"dòng thay đổi thiếu '{key}'")
        if kind is int and not 0 <= value < 2 ** 63:
            raise SyncError("bad_value", f"'{key}' ngoài khoảng số nguyên 64 bit")
        if kind is str and len(value) > SHORT_KEYS.get(key, 128):
            raise SyncError("bad_value", f"'{key}' quá dài")
    if not change["record_id"].isprintable():
        raise SyncError("bad_value", "'record_id' có ký tự điều khiển")
    if change["op"] not in OPS:
        raise SyncError("bad_format", f"thao tác '{change['op']}'")
