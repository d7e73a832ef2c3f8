"""Desk-side sync state (issue #6): batches written, per-change state, receipts, rejections, and the
acknowledged sequence per epoch. Local bookkeeping, never synced itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.db.models import Base
from desktop.db.types import ChangedRecordColumns, VNDateTime


class SyncBatch(Base):
    """One exported batch file: where it went, what it covered, whether the province confirmed it."""

    __tablename__ = "sync_batch"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    destination: Mapped[str] = mapped_column(Text, default="")
    medium: Mapped[str] = mapped_column(String(16), default="usb")
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[str] = mapped_column(String(36))
    seq_from: Mapped[int] = mapped_column(Integer)
    seq_to: Mapped[int] = mapped_column(Integer)
    changes: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime] = mapped_column(VNDateTime())
    exported_by: Mapped[str | None] = mapped_column(String(64), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)


class SyncChangeState(Base):
    """State of one change-log row: exported (last batch, medium, when) → synced or rejected."""

    __tablename__ = "sync_change_state"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16), default="exported")
    batch_id: Mapped[str | None] = mapped_column(String(36), default=None)
    medium: Mapped[str | None] = mapped_column(String(16), default=None)
    exported_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)

    __table_args__ = (Index("ix_sync_change_state_state", "state"),)


class SyncAck(Base):
    """The highest sequence the province confirmed, per database epoch."""

    __tablename__ = "sync_ack"
    epoch: Mapped[str] = mapped_column(String(36), primary_key=True)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)


class SyncReceipt(Base):
    """A verified receipt from the province, kept whole for the Đồng bộ page."""

    __tablename__ = "sync_receipt"
    receipt_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16))
    hub_time: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(VNDateTime())
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class SyncRejection(ChangedRecordColumns, Base):
    """A record the province did not take, with its Vietnamese reason."""

    __tablename__ = "sync_rejection"
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(VNDateTime())
