"""The one way this app writes a file: a temporary name in the same folder, flush + fsync, rename.

A power cut, a crash or a pulled USB stick then never leaves half a receipt, batch or report under
the final name, and the rename itself is made durable where the OS allows it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from desktop.errors import UserError


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], None], *,
                 mode: int | None = None, field: str | None = None) -> Path:
    """Call ``write(fileobj)`` on a temporary file next to ``path``, then move it into place.

    ``mode`` (e.g. 0o600 for a private key) is set before the rename, so the final name never exists
    with looser permissions. With ``field`` (a file the officer chose), a folder that is missing or not
    writable, or a target held open by another program (Excel on Windows), is a ``UserError`` naming
    that field; without it the ``OSError`` goes to the caller (sync explains a full or pulled stick in
    its own words). Nothing is left behind either way.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if field is None:
        return _replace(target, folder, write, mode)
    if not folder.is_dir():
        raise UserError(f"Thư mục '{folder}' không tồn tại; chọn nơi lưu khác.", field=field)
    if target.is_dir():
        raise UserError(f"'{target}' là một thư mục; nhập tên tệp cần ghi.", field=field)
    try:
        return _replace(target, folder, write, mode)
    except OSError as exc:
        raise UserError(f"Không ghi được tệp '{target}': {exc.strerror or exc}. Tệp có đang mở trong chương "
                        "trình khác không?", field=field) from None


def _replace(target: Path, folder: Path, write: Callable[[BinaryIO], None], mode: int | None) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return target


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None,
                 field: str | None = None) -> Path:
    """:func:`atomic_write` of bytes already in memory."""
    return atomic_write(path, lambda handle: handle.write(data), mode=mode, field=field)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows has no directory handles for this."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unused_name(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext``… — a new file never replaces one already there (two
    backups or two exports in the same second must both stay on the stick)."""
    if not path.exists():
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise UserError(f"Không tạo được tên tệp mới trong {path.parent}.", field="out")
