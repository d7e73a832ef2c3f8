"""Where the desk keeps its files: the per-user data folder (platformdirs), overridable for tests."""

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
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "motcua.sqlite3"


def resources_dir() -> Path:
    """``resources/`` in a checkout, or inside the PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
