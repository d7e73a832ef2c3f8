"""Column types and column sets shared by the desk and the hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from desktop.platform.clock import VN_TZ, to_vn


# Asia/Ho_Chi_Minh has kept +07:00 since 1976 (``tables.moment_text`` relies on the same fact): from then on
# a moment's Vietnam wall time is its distance from this instant added to this wall time — 3× faster than
# ``astimezone`` + ``replace`` on the ~25 k moments of a 10 k-change batch at the hub (issue 14, session 8).
_STEADY, _STEADY_WALL = datetime(1976, 1, 1, tzinfo=VN_TZ), datetime(1976, 1, 1)


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
        if value.tzinfo is not None and value >= _STEADY:  # one subtraction and one addition, both in C
            return value - _STEADY + _STEADY_WALL
        return to_vn(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=VN_TZ)


class KeyValueColumns:
    """A settings-style table: one JSON value per short key (the desk's setting, the hub's hub_meta)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True, sort_order=-2)
    value: Mapped[Any] = mapped_column(JSON, sort_order=-1)

    @classmethod
    def put(cls, session: Session, key: str, value: Any) -> None:
        """Set one key's value, adding the row the first time."""
        row = session.get(cls, key)
        if row is None:
            session.add(cls(key=key, value=value))
        else:
            row.value = value


class ChangedRecordColumns:
    """A sync change a person must look at, by batch and record: a record the province refused (the desk's
    sync_rejection) or a change the hub did not apply (hub_conflict). Indexed by record for its history."""

    # sort_order: these first in CREATE TABLE, as they were before the mixin (a mixin's columns come last).
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, sort_order=-4)
    batch_id: Mapped[str] = mapped_column(String(36), index=True, sort_order=-3)
    table_name: Mapped[str] = mapped_column(String(64), sort_order=-2)
    record_id: Mapped[str] = mapped_column(String(36), sort_order=-1)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        return (Index(f"ix_{cls.__tablename__}_record", "table_name", "record_id"),)
