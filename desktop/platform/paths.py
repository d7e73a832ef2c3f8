"""Where the desk keeps its files: the per-user data folder (platformdirs), overridable for tests.

Everything in it is the owner's only (issue #13, data at rest): on POSIX folders are 0700 and files
0600 (the process umask is 077 from start-up, and the helpers below set the modes explicitly so code
used as a library gets them too). On Windows the per-user folder under ``%LOCALAPPDATA%`` already
carries an ACL for that user, SYSTEM and Administrators only; nothing here or in the installer widens
it, and private keys are wrapped with DPAPI on top (``desktop/platform/keyprotect.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "MotCuaOffline"


def data_dir() -> Path:
    override = os.environ.get("MOTCUA_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))
    return private_dir(path)


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_umask() -> None:
    """From now on this process creates files 0600 and folders 0700 (POSIX; a no-op on Windows)."""
    if os.name == "posix":
        os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; the folder itself ends 0700 when this user owns it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """An owner-only file: created empty with 0600 if missing, an existing one tightened to 0600."""
    if os.name == "posix":
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        except FileExistsError:
            _tighten(path, PRIVATE_FILE_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    """Remove group/other access from something this user owns (never touches others' files)."""
    if os.name != "posix":
        return
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, mode)
    except OSError:
        pass


def default_db_path() -> Path:
    return data_dir() / "motcua.sqlite3"


def resources_dir() -> Path:
    """``resources/`` in a checkout, or inside the PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
