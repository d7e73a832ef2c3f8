"""A read-only SQLite connection to a desk file, with nothing but ``sqlite3`` imported.

Used by the backups, the integrity check and the log-in dialog's first look at the file
(``desktop/db/login_facts.py``), which runs before anything heavier is imported (issue #18).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """Read-only connection through a proper file URI: spaces, '#', '%' and Vietnamese folder names
    (common in Windows user names) are percent-encoded, which a hand-made ``file:`` string is not.
    ``timeout``: seconds to wait for a lock another process holds."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)
