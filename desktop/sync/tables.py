"""Which tables travel, and how a row becomes a snapshot (desk) and a snapshot a row (hub)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Table

import desktop.db.registry  # noqa: F401  every model module
from desktop.db.models import Base, Synced
from desktop.db.types import VNDateTime

# Columns that stay on the desk: they are local security state, not records the province needs.
LOCAL_ONLY_COLUMNS: dict[str, frozenset[str]] = {
    "officer": frozenset({"password_hash", "failed_logins", "locked_until"}),
}


@cache
def synced_tables() -> dict[str, Table]:
    """Every table mapped by a ``Synced`` model, in dependency order (parents first)."""
    names = {m.class_.__table__.name for m in Base.registry.mappers if issubclass(m.class_, Synced)}
    return {t.name: t for t in Base.metadata.sorted_tables if t.name in names}


def snapshot(table: Table, row: Any) -> dict[str, Any]:
    hidden = LOCAL_ONLY_COLUMNS.get(table.name, frozenset())
    return {c.name: row[c.name] for c in table.columns if c.name not in hidden}


@cache
def _plan(table: Table) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Per table: its column names, and the parser of each date/moment column (the only ones parsed)."""
    parsers: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, (VNDateTime, DateTime)):
            parsers[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            parsers[column.name] = date.fromisoformat
    return tuple(c.name for c in table.columns), parsers


def row_values(table: Table, snap: dict[str, Any]) -> dict[str, Any]:
    """Typed values for the columns this schema knows; unknown fields from newer desks are left out."""
    names, parsers = _plan(table)
    values = {name: snap[name] for name in names if name in snap}
    for name, parse in parsers.items():
        value = values.get(name)
        if isinstance(value, str):
            values[name] = parse(value)
    return values
