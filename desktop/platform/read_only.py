"""A read-only SQLite connection to a desk file, with nothing but ``sqlite3`` imported.

Used by the backups, the integrity check and the log-in dialog's first look at the file
(``desktop/db/login_facts.py``), which runs before anything heavier is imported (issue #18).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def connect_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """Read-only connection through a proper file URI: spaces, '#', '%' and Vietnamese folder names
    (common in Windows user names) are percent-encoded, which a hand-made ``file:`` string is not.
    ``timeout``: seconds to wait for a lock another process holds."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)


def setting_value(con: sqlite3.Connection, key: str) -> object | None:
    """A desk Setting's value from an open connection (JSON as stored; an old plain-text value as it is)."""
    row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    if row is None or row[0] is None:
        return None
    try:
        return json.loads(row[0])
    except (TypeError, ValueError):
        return row[0]
