"""Whether a SQLite-only object (an FTS table, a partial index) exists in the session's database.

Fast paths built by a migration (the search index, the ledger index) are used only where they exist:
a hub on PostgreSQL or a file opened without migrating falls back to the plain query.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def sqlite_has(session: Session, kind: str, name: str) -> bool:
    """``kind`` is 'table' or 'index'; the answer is cached on the session (the schema does not change under it)."""
    cache = session.info.setdefault("_sqlite_objects", {})
    key = (kind, name)
    if key not in cache:
        cache[key] = session.get_bind().dialect.name == "sqlite" and session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = :kind AND name = :name"),
            {"kind": kind, "name": name}).first() is not None
    return bool(cache[key])
