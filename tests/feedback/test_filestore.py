from __future__ import annotations

import pytest

from desktop.platform import filestore
from desktop.errors import NotFound, UserError
from desktop.platform.paths import data_dir

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"JFIF" * 8


def test_same_content_is_stored_once(tmp_path):
    a = tmp_path / "a.pdf"
    b = tmp_path / "copy of a.pdf"
    a.write_bytes(b"%PDF-1.4 same bytes")
    b.write_bytes(b"%PDF-1.4 same bytes")
    first = filestore.store(a)
    second = filestore.store(b)
    assert first.sha256 == second.sha256 and not first.already_stored and second.already_stored
    stored = sorted(p.name for p in (data_dir() / "files").iterdir())
    assert stored == [f"{first.sha256}.pdf"]
    assert filestore.path_for(first.sha256).read_bytes() == b"%PDF-1.4 same bytes"
    import hashlib

    assert first.sha256 == hashlib.sha256(b"%PDF-1.4 same bytes").hexdigest()


def test_type_by_magic_bytes_not_extension(tmp_path):
    png = tmp_path / "scan.pdf"  # wrong extension, real PNG
    png.write_bytes(PNG)
    jpg = tmp_path / "scan"
    jpg.write_bytes(JPG)
    assert filestore.store(png).kind == "png"
    assert filestore.store(jpg).path.suffix == ".jpg"
    fake = tmp_path / "virus.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    with pytest.raises(UserError, match="không phải PDF, JPG hoặc PNG"):
        filestore.store(fake)
    assert sorted(p.suffix for p in (data_dir() / "files").iterdir()) == [".jpg", ".png"]  # no temp left


def test_limits_and_missing(tmp_path):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-" + b"0" * 2000)
    with pytest.raises(UserError, match="quá lớn"):
        filestore.store(big, max_bytes=1000)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="rỗng"):
        filestore.store(empty)
    with pytest.raises(NotFound):
        filestore.store(tmp_path / "none.pdf")
    with pytest.raises(NotFound, match="không có trên máy này"):
        filestore.path_for("a" * 64)
    with pytest.raises(UserError, match="không hợp lệ"):
        filestore.path_for("../etc/passwd")
