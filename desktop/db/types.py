"""Column types and column sets shared by the desk and the hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from desktop.platform.clock import VN_TZ, to_vn


class VNDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as naive Vietnam local time (fixed +07:00, no DST).

    SQLite has no time zone type; storing local wall time keeps range queries on indexes simple
    and identical on PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return to_vn(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=VN_TZ)


class KeyValueColumns:
    """A settings-style table: one JSON value per short key (the desk's setting, the hub's hub_meta)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)

    @classmethod
    def put(cls, session: Session, key: str, value: Any) -> None:
        """Set one key's value, adding the row the first time."""
        row = session.get(cls, key)
        if row is None:
            session.add(cls(key=key, value=value))
        else:
            row.value = value
