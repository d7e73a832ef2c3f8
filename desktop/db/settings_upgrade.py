"""Bring a database's stored settings to the layout of ``desktop/settings.py`` when it is opened.

Alembic migrates tables; settings are rows whose meaning can change too (a key renamed, a value's shape
changed). Each step below runs once, in order, in one transaction, and the database then records
``settings.VERSION``. A database from a newer program (a higher stored version) is left alone: the
schema check refuses it before this runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text

from desktop import settings


def _record_layout(conn: Connection) -> None:
    """Version 1: the first declared layout. Every key stored by earlier releases is declared as it is, so
    nothing moves; the step only records the version (later steps rename or reshape here)."""


STEPS: dict[int, Callable[[Connection], None]] = {1: _record_layout}


def stored_version(conn: Connection) -> int:
    raw = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": settings.SETTINGS_VERSION.key}).scalar()
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:  # SQLite hands a JSON number back as a number (the column has numeric affinity), text otherwise
        return int(json.loads(raw) if isinstance(raw, str) else raw) if raw is not None else 0
    except (TypeError, ValueError):
        return 0


def upgrade(engine: Engine) -> int:
    """Run the steps the database has not had; returns the version it is at now."""
    with engine.begin() as conn:
        current = stored_version(conn)
        if current >= settings.VERSION:
            return current
        for version in range(current + 1, settings.VERSION + 1):
            STEPS[version](conn)
        conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value = :v"),
                     {"k": settings.SETTINGS_VERSION.key, "v": json.dumps(settings.VERSION)})
    return settings.VERSION
