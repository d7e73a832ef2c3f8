"""The container and batch format on their own: round trip, and hostile files refused by code."""

from __future__ import annotations

import uuid
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop.platform import clock
from desktop.sync import batch, canonical, container
from desktop.sync.container import Limits
from desktop.sync.errors import SyncError
from tests.sync_support import zip_bytes


def _keys():  # type: ignore[no-untyped-def]
    sk = Ed25519PrivateKey.generate()
    xk = X25519PrivateKey.generate()
    rec = container.Recipient(kid=container.key_id(container.raw_public(xk.public_key())), public_key=xk.public_key())
    return sk, xk, rec


def _changes(n: int) -> list[dict]:
    return [{"change_id": f"c{i}", "seq": i, "epoch": "e", "table": "dossier", "record_id": f"r{i}",
             "op": "upsert", "version": 1, "row": {"applicant_name": "Nguyễn Văn An"}, "officer": None,
             "device_time": "2026-11-20T10:00:00+07:00"} for i in range(1, n + 1)]


def _build(n: int = 3):  # type: ignore[no-untyped-def]
    sk, xk, rec = _keys()
    spec = batch.BatchSpec(batch_id=str(uuid.uuid4()), device_id=str(uuid.uuid4()), unit_code="10375",
                           epoch=str(uuid.uuid4()), seq_from=1, seq_to=n, created_at=clock.now(),
                           app_version="0.1.0", schema_version="0001_initial")
    data, header = batch.build(spec, _changes(n), signing_key=sk, device_cert={"device_id": spec.device_id},
                               recipients=[rec])
    return data, header, sk, xk, rec


def _code(fn) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SyncError) as info:
        fn()
    return info.value.code or ""


def test_round_trip_and_header_has_no_personal_data() -> None:
    data, header, sk, xk, rec = _build()
    sealed = batch.read_header(data)
    assert b"Nguy" not in sealed.header_bytes and b"Nguy" not in data
    files = batch.decrypt(sealed, {rec.kid: xk})
    manifest = batch.verify(sealed, files, sk.public_key())
    changes = batch.read_changes(files, manifest)
    assert [c["record_id"] for c in changes] == ["r1", "r2", "r3"]
    assert manifest["counts"] == {"dossier": 3} and header["seq_to"] == 3


def test_writer_cannot_decrypt_without_province_key() -> None:
    data, *_ = _build()
    sealed = batch.read_header(data)
    other = X25519PrivateKey.generate()
    assert _code(lambda: batch.decrypt(sealed, {"nope": other})) == "no_recipient_key"


def test_nfc_and_nfd_hash_equal() -> None:
    import unicodedata
    name = "Nguyễn Thị Ánh Tuyết"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    assert canonical.sha256(canonical.dumps({"n": nfd})) == canonical.sha256(canonical.dumps({"n": name}))


def test_strict_json() -> None:
    assert _code(lambda: canonical.loads(b'{"a":1,"a":2}')) == "bad_json"
    assert _code(lambda: canonical.loads(b'{"a":NaN}')) == "bad_json"
    assert _code(lambda: canonical.loads(b'\xff\xfe')) == "bad_json"
    assert _code(lambda: canonical.loads(b'[1]')) == "bad_json"
    assert _code(lambda: canonical.loads(b"[" * 100 + b"]" * 100, expect=list)) == "bad_json"


def test_flipped_byte_and_truncation() -> None:
    data, *_ = _build()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    assert _code(lambda: batch.read_header(bytes(flipped))) in ("bad_hash", "truncated")
    assert _code(lambda: batch.read_header(data[: len(data) - 40])) == "truncated"
    assert _code(lambda: batch.read_header(b"")) == "truncated"


def test_size_limit() -> None:
    data, *_ = _build()
    assert _code(lambda: batch.read_header(data, limits=Limits(max_file_bytes=100))) == "too_large"


def test_path_escape_refused() -> None:
    for name in ("../evil.txt", "/etc/passwd", "a/../../b", "..\\x", "C:/x"):
        data = zip_bytes({"header.json": b"{}", name: b"x"})
        assert _code(lambda data=data: container.read_sealed(data)) == "path_escape", name
        assert _code(lambda data=data: container.unpack_files(data)) == "path_escape", name


def test_decompression_bomb_bounded() -> None:
    bomb = zip_bytes({"changes/00001.jsonl": b"\0" * (8 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    limits = Limits(max_entry_bytes=1024 * 1024, max_total_bytes=2 * 1024 * 1024)
    assert _code(lambda: container.unpack_files(bomb, limits=limits)) == "too_large"


def test_file_name() -> None:
    name = batch.file_name(unit_code="10375", device_id="abcdef0123-x", epoch="12345678-9", seq_to=42,
                           created_at=clock.now())
    assert name == "10375-abcdef01-12345678-42-20261120T160000.mcb"


def test_nfd_change_line_equals_nfc() -> None:
    import unicodedata

    change = _changes(1)[0]
    nfd = dict(change, row={"applicant_name": unicodedata.normalize("NFD", "Nguyễn Văn An")})
    assert batch.change_line(nfd) == batch.change_line(change)
