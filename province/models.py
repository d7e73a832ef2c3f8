"""Hub-only tables: devices, batch inbox, receipts, quarantine, conflicts, import audit, watermarks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop.db.types import ChangedRecordColumns, KeyValueColumns, VNDateTime
from province.schema import HUB_METADATA


class HubBase(DeclarativeBase):
    metadata = HUB_METADATA
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: VNDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class HubMeta(KeyValueColumns, HubBase):
    """Key/value facts about this hub: its name, schema version, current signing key id."""

    __tablename__ = "hub_meta"


class HubDevice(HubBase):
    __tablename__ = "hub_device"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    public_key: Mapped[str] = mapped_column(String(64))
    kid: Mapped[str] = mapped_column(String(16))
    # X25519 public key the desk's inbox is sealed to (issue #15); None for a device enrolled before it.
    encryption_key: Mapped[str | None] = mapped_column(String(64), default=None, nullable=True)
    app_version: Mapped[str] = mapped_column(String(32), default="")
    enrolled_at: Mapped[datetime] = mapped_column(VNDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(Text, default=None)


class HubBatch(HubBase):
    """The inbox: every batch applied (never a refused one), by id and hash."""

    __tablename__ = "hub_batch"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_code: Mapped[str] = mapped_column(String(16))
    epoch: Mapped[str] = mapped_column(String(36))
    seq_from: Mapped[int] = mapped_column(Integer)
    seq_to: Mapped[int] = mapped_column(Integer)
    previous_batch_id: Mapped[str | None] = mapped_column(String(36), default=None)
    chain: Mapped[str] = mapped_column(String(24), default="first")
    changes: Mapped[int] = mapped_column(Integer)
    applied: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(VNDateTime())


class HubReceipt(HubBase):
    __tablename__ = "hub_receipt"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(36))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(VNDateTime())


class HubWatermark(HubBase):
    """Per device and epoch: the sequence ranges seen, contiguous 'through', and holes."""

    __tablename__ = "hub_watermark"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    epoch: Mapped[str] = mapped_column(String(36), primary_key=True)
    epoch_start: Mapped[int] = mapped_column(Integer, default=1)
    ranges: Mapped[list[Any]] = mapped_column(JSON, default=list)
    through: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(VNDateTime())
    last_seen: Mapped[datetime] = mapped_column(VNDateTime())


class HubRecordOrigin(HubBase):
    """Which device/epoch/seq last wrote a record: tells a stale replay from a restored desk's edit."""

    __tablename__ = "hub_record_origin"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    epoch: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)


class HubConflict(ChangedRecordColumns, HubBase):
    """A change the hub did not apply and a person must look at; both versions are kept."""

    __tablename__ = "hub_conflict"
    device_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    incoming_version: Mapped[int] = mapped_column(Integer)
    stored_version: Mapped[int | None] = mapped_column(Integer, default=None)
    stored_id: Mapped[str | None] = mapped_column(String(36), default=None)
    incoming: Mapped[dict[str, Any]] = mapped_column(JSON)
    detected_at: Mapped[datetime] = mapped_column(VNDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)


class HubQuarantine(HubBase):
    """A refused file: kept (copied into the hub's quarantine folder) with its code and message."""

    __tablename__ = "hub_quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(Text)
    stored_as: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(String(64), default=None)
    device_id: Mapped[str | None] = mapped_column(String(64), default=None)
    code: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(Text)
    refused_at: Mapped[datetime] = mapped_column(VNDateTime())

    # ``refusal_rate``: how many were recorded in the last minute, an index range, not a scan of them all
    __table_args__ = (Index("ix_hub_quarantine_refused", "refused_at"),)


class HubImportAudit(HubBase):
    """One row per import attempt, whatever the outcome (who, what file, what happened)."""

    __tablename__ = "hub_import_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(48), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(VNDateTime())


class HubUser(HubBase):
    """A province account for the hub's read API (desks authenticate by their device key instead)."""

    __tablename__ = "hub_user"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(VNDateTime())
    # Tokens carry this number; a new password or a disable raises it, which ends every open session.
    token_generation: Mapped[int] = mapped_column(Integer, default=0)


class HubLoginFailure(HubBase):
    """Failed log-ins, counted per user name over a window to slow down password guessing."""

    __tablename__ = "hub_login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(VNDateTime())

    __table_args__ = (Index("ix_hub_login_failure_user_at", "username", "at"),)


class HubAccessAudit(HubBase):
    """Every authenticated read at the hub: who, when, which route and parameters, and whether the
    answer held personal data (applicants' names)."""

    __tablename__ = "hub_access_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    personal: Mapped[bool] = mapped_column(default=False)
    client: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(VNDateTime())


class HubReportCount(HubBase):
    """Issue 14: Biểu 06 counts per owner unit × half-month of reception × field × channel × half-month of
    resolution × outcome, so the province report over all units reads a few thousand rows instead of every
    dossier. Rebuilt slice by slice (owner unit, reception half-month) on ingest; ``province.report_counts``
    explains the key and proves it equals the raw tables (``aggregates check``)."""

    __tablename__ = "hub_report_count"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_unit: Mapped[str] = mapped_column(String(16))
    r_bucket: Mapped[int] = mapped_column(Integer)  # half-month of received_at (see report_counts.bucket)
    field_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(8), nullable=True)
    x_bucket: Mapped[int] = mapped_column(Integer)  # half-month of the resolution moment; NEVER if unresolved
    outcome: Mapped[str] = mapped_column(String(8))  # early | on_time | late | '' (unresolved)
    withdrawn: Mapped[bool] = mapped_column()
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_hub_report_count_slice", "owner_unit", "r_bucket"),
                      Index("ix_hub_report_count_x", "x_bucket", "r_bucket"))


class HubReportWatch(HubBase):
    """Issue 14: the dossiers behind Biểu 06's late list — each late one (``kind='late'``) and each span of
    time a dossier is overdue (``kind='overdue'``: overdue at a moment t when ``starts < t <= ends``, a
    missing bound being open). Exact moments, not half-months, so a running period's "now" is exact too."""

    __tablename__ = "hub_report_watch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    dossier_id: Mapped[str] = mapped_column(String(36))
    owner_unit: Mapped[str] = mapped_column(String(16))
    r_bucket: Mapped[int] = mapped_column(Integer)
    field_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    received_at: Mapped[datetime] = mapped_column(VNDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None, nullable=True)
    starts: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None, nullable=True)
    ends: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None, nullable=True)

    __table_args__ = (Index("ix_hub_report_watch_slice", "owner_unit", "r_bucket"),
                      Index("ix_hub_report_watch_kind", "kind", "resolved_at"))


class HubIntake(HubBase):
    """Issue 14: a pushed batch verified and stored, waiting for the applier (``province.intake``).

    ``content`` is the batch's own bytes (in the database, so any hub process on any machine can apply it
    and a crash never loses it); the row is deleted in the transaction that applies the batch. A batch the
    applier refuses keeps its row (``state='refused'``, bytes dropped) so the desk can read the refusal.
    ``receipt`` is the signed answer for the current state, returned byte for byte to a repeat push."""

    __tablename__ = "hub_intake"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))
    unit_code: Mapped[str] = mapped_column(String(16))
    epoch: Mapped[str] = mapped_column(String(36))
    seq_from: Mapped[int] = mapped_column(Integer)
    seq_to: Mapped[int] = mapped_column(Integer)  # a desk's batches end later as they are made: the apply order
    created_at: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued | refused
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    receipt: Mapped[bytes] = mapped_column(LargeBinary)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(VNDateTime(), nullable=True, default=None)
    received_at: Mapped[datetime] = mapped_column(VNDateTime())

    # received_at: the queue's order and an apply-worker's "are pushes arriving?" look (``apply_pacing``),
    # an index lookup, not a scan past every stored batch's bytes (SQLite keeps the row's columns in order)
    __table_args__ = (Index("ix_hub_intake_queue", "state", "device_id", "seq_to"),
                      Index("ix_hub_intake_received", "received_at"))
