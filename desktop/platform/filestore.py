"""Scanned files (PDF/JPG/PNG) kept in the data folder under their SHA-256 name.

Content-addressed: the same scan attached twice is stored once, a record only keeps the hash, and
a file is never rewritten in place. Copies are atomic (temporary name in the same folder, fsync,
rename) so a power cut never leaves half a file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.platform.atomic import fsync_dir
from desktop.errors import NotFound, UserError
from desktop.platform.paths import data_dir

MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024
# magic bytes → extension; the extension lets Windows open the file with the right program
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
KINDS = tuple(ext for _, ext in MAGIC)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    kind: str
    path: Path
    already_stored: bool


def files_dir() -> Path:
    path = data_dir() / "files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> str | None:
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def store(source: str | Path, *, max_bytes: int = MAX_BYTES) -> StoredFile:
    """Copy ``source`` into the store; refuses other types and files over ``max_bytes``."""
    src = Path(source)
    if not src.is_file():
        raise NotFound(f"Không tìm thấy tệp '{src}'.", field="file")
    size = src.stat().st_size
    if size == 0:
        raise UserError(f"Tệp '{src.name}' rỗng.", field="file")
    if size > max_bytes:
        raise UserError(
            f"Tệp '{src.name}' quá lớn ({size / 1048576:.1f} MB); giới hạn {max_bytes / 1048576:.0f} MB. "
            "Quét lại với độ phân giải thấp hơn.", field="file")
    with src.open("rb") as handle:
        kind = sniff(handle.read(16))
    if kind is None:
        raise UserError(f"Tệp '{src.name}' không phải PDF, JPG hoặc PNG; chỉ nhận bản quét ở ba định dạng này.",
                        field="file")
    folder = files_dir()
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = folder / f"{sha}.{kind}"
        if final.exists():
            tmp.unlink()
            return StoredFile(sha, size, kind, final, already_stored=True)
        os.replace(tmp, final)
        fsync_dir(folder)
        return StoredFile(sha, size, kind, final, already_stored=False)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise



def path_for(sha256: str) -> Path:
    """The stored file of a hash, to open it; ``NotFound`` if this PC does not hold it."""
    sha = (sha256 or "").strip().lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise UserError(f"Mã băm tệp '{sha256}' không hợp lệ.", field="sha256")
    for kind in KINDS:
        candidate = files_dir() / f"{sha}.{kind}"
        if candidate.exists():
            return candidate
    raise NotFound("Tệp bản quét không có trên máy này (có thể được số hóa ở máy khác).", field="file")
