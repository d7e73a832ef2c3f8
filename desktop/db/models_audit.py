"""The audit trail table: local to this desk, append-only, each row chained to the previous by hash."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.db.models import Base

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One change to one synced row: who, when, what it was, what it became, and the chain hash.

    ``at`` is ISO text and ``before``/``after`` are canonical JSON text, so the hash covers exactly the
    stored bytes (no type round-trip can change them).
    """

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))
    before: Mapped[str | None] = mapped_column(Text, default=None)
    after: Mapped[str | None] = mapped_column(Text, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)
