"""Atomic report files: write to a temporary name in the same folder, fsync, then replace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from desktop.errors import UserError


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(fileobj)`` on a temporary file next to ``path`` and move it into place.

    A crash or a full disk never leaves a half-written report under the final name.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"Thư mục '{folder}' không tồn tại; chọn nơi lưu khác.", field="path")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except PermissionError:
        _discard(tmp_name)
        raise UserError(f"Không ghi được tệp '{target}' (tệp đang mở trong chương trình khác?).", field="path") from None
    except BaseException:
        _discard(tmp_name)
        raise
    return target


def _discard(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
