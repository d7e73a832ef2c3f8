"""Typed SQLAlchemy models shared by the desk and the province hub.

Every synced table carries the sync columns (UUID id, owner unit, version, updated_at, deleted):
the desk's change log and the hub's guarded upsert both rely on them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop.rules.deadlines import STANDARD_HOURS
from desktop.db.types import KeyValueColumns, VNDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: VNDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Synced:
    """Columns every synced row has. ``version`` and ``updated_at`` are set by the change log hook."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_unit: Mapped[str] = mapped_column(String(16), default="", index=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Unit(Synced, Base):
    """An administrative unit (xã, huyện, tỉnh); the level is data so two- and three-tier both work."""

    __tablename__ = "unit"
    code: Mapped[str] = mapped_column(String(16), unique=True)
    agency_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(8), default="xa")
    parent_code: Mapped[str | None] = mapped_column(String(16), default=None)
    morning_start: Mapped[str] = mapped_column(String(5), default=STANDARD_HOURS[0])
    morning_end: Mapped[str] = mapped_column(String(5), default=STANDARD_HOURS[1])
    afternoon_start: Mapped[str] = mapped_column(String(5), default=STANDARD_HOURS[2])
    afternoon_end: Mapped[str] = mapped_column(String(5), default=STANDARD_HOURS[3])
    reception_cutoff: Mapped[str | None] = mapped_column(String(5), default=None)
    calendar_windows: Mapped[bool] = mapped_column(Boolean, default=False)
    place_name: Mapped[str | None] = mapped_column(String(128), default=None)


class Officer(Synced, Base):
    __tablename__ = "officer"
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="officer")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)


class Field(Synced, Base):
    """Lĩnh vực; ``sort_order`` is catalogue order, which the periodic report follows."""

    __tablename__ = "field"
    name: Mapped[str] = mapped_column(String(255), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Procedure(Synced, Base):
    """A thủ tục hành chính from the catalogue, with its processing time rule."""

    __tablename__ = "procedure"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, default="")
    field_id: Mapped[str] = mapped_column(ForeignKey("field.id"))
    level: Mapped[str] = mapped_column(String(8), default="xa")
    time_value: Mapped[float] = mapped_column(Float, default=0)
    time_unit: Mapped[str] = mapped_column(String(16), default="working_days")
    same_day_cutoff: Mapped[str | None] = mapped_column(String(5), default=None)
    fee_text: Mapped[str] = mapped_column(Text, default="")
    online_level: Mapped[str] = mapped_column(String(8), default="none")
    components: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    catalog_version: Mapped[str] = mapped_column(String(32), default="")
    effective_date: Mapped[date | None] = mapped_column(Date, default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    field: Mapped[Field] = relationship(lazy="joined")


class Dossier(Synced, Base):
    """A hồ sơ. Processing-time rules are snapshotted at reception (the rule in force then)."""

    __tablename__ = "dossier"
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedure.id"))
    procedure_code: Mapped[str] = mapped_column(String(32))
    procedure_name: Mapped[str] = mapped_column(Text)
    field_name: Mapped[str] = mapped_column(String(255))
    time_value: Mapped[float] = mapped_column(Float)
    time_unit: Mapped[str] = mapped_column(String(16))
    same_day_cutoff: Mapped[str | None] = mapped_column(String(5), default=None)
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str | None] = mapped_column(String(12), default=None)
    applicant_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    applicant_email: Mapped[str | None] = mapped_column(String(255), default=None)
    applicant_address: Mapped[str | None] = mapped_column(Text, default=None)
    organisation: Mapped[str | None] = mapped_column(Text, default=None)
    search_text: Mapped[str] = mapped_column(Text, default="")
    sets_count: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(8), default="direct")
    return_by_post: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(VNDateTime())
    counting_start: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    due_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    original_due_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    status: Mapped[str] = mapped_column(String(24))
    received_by: Mapped[str | None] = mapped_column(String(64), default=None)
    handler: Mapped[str | None] = mapped_column(String(64), default=None)
    result: Mapped[str | None] = mapped_column(String(16), default=None)
    result_reason: Mapped[str | None] = mapped_column(Text, default=None)
    result_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    returned_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    refusal_reason: Mapped[str | None] = mapped_column(Text, default=None)
    fee_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    payment_method: Mapped[str | None] = mapped_column(String(16), default=None)  # PAYMENT_METHODS; None = no fee
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    result_digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    result_digitised_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    result_code: Mapped[str | None] = mapped_column(String(128), default=None)
    result_file_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # Two-tier reception (issue #15): who took the dossier and who decides it. NULL receiving_unit or
    # resolver_code means the owner unit itself (every dossier written before the issue).
    receiving_unit: Mapped[str | None] = mapped_column(String(16), default=None)
    resolver_code: Mapped[str | None] = mapped_column(String(32), default=None)
    resolver_kind: Mapped[str | None] = mapped_column(String(8), default=None)  # "unit" | "agency"
    resolver_name: Mapped[str | None] = mapped_column(Text, default=None)
    transferred_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    transfer_via: Mapped[str | None] = mapped_column(String(8), default=None)  # hub | post | hand
    result_back_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    # The owner's version last applied from the hub's inbox, at a desk that resolves a dossier another
    # unit received (its local ``version`` moves with its own edits; this one only with the owner's).
    peer_version: Mapped[int | None] = mapped_column(Integer, default=None)

    procedure: Mapped[Procedure] = relationship(lazy="select")
    components: Mapped[list[DossierComponent]] = relationship(
        order_by="DossierComponent.position", lazy="select", back_populates="dossier"
    )

    __table_args__ = (
        Index("ix_dossier_status_received", "status", "received_at"),
        Index("ix_dossier_ledger", "received_at", "status", "deleted", "code"),  # the receipt's ledger number
        Index("ix_dossier_result_at", "result_at"),
        Index("ix_dossier_due_at", "due_at"),
        Index("ix_dossier_id_number", "applicant_id_number"),
        Index("ix_dossier_resolver_code", "resolver_code"),
    )


class DossierComponent(Synced, Base):
    """One thành phần hồ sơ of a dossier, with what the digitisation trackers need."""

    __tablename__ = "dossier_component"
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    submitted: Mapped[bool] = mapped_column(Boolean, default=True)
    digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    digitised_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    digitised_by: Mapped[str | None] = mapped_column(String(64), default=None)
    component_code: Mapped[str | None] = mapped_column(String(128), default=None)
    reused_from_id: Mapped[str | None] = mapped_column(String(36), default=None)
    national_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    file_sha256: Mapped[str | None] = mapped_column(String(64), default=None)

    dossier: Mapped[Dossier] = relationship(back_populates="components")


class DossierEvent(Synced, Base):
    """Append-only timeline; the control slip (phiếu kiểm soát) is printed from it."""

    __tablename__ = "dossier_event"
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(VNDateTime())
    officer: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Supplement(Synced, Base):
    __tablename__ = "supplement"
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(VNDateTime())
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by: Mapped[str | None] = mapped_column(String(64), default=None)
    received_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    previous_due_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    new_due_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)


class Apology(Synced, Base):
    """Phiếu xin lỗi và hẹn lại: a new date for the citizen; never changes due_at."""

    __tablename__ = "apology"
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    new_appointment: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(VNDateTime())
    issued_by: Mapped[str | None] = mapped_column(String(64), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)


class CalendarOverride(Synced, Base):
    """An extra day off or an extra working day (make-up Saturday), on top of the holidays package."""

    __tablename__ = "calendar_override"
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str | None] = mapped_column(Text, default=None)


class Setting(KeyValueColumns, Base):
    """Local desk settings (not synced): this desk's unit, sequence range, device id, epoch…"""

    __tablename__ = "setting"


class OutgoingLetter(Base):
    """Số văn bản đi of an apology or stop letter: a yearly sequence per form, kept on reprint (this desk's register)."""

    __tablename__ = "outgoing_letter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(36))  # the apology's id, or the dossier's id for a stop notice
    dossier_code: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(VNDateTime())

    __table_args__ = (
        UniqueConstraint("form", "subject_id", name="uq_outgoing_letter_subject"),
        UniqueConstraint("form", "year", "number", name="uq_outgoing_letter_number"),
    )


class DailySequence(Base):
    """The next dossier number per day, drawn from this desk's own range (never collides offline)."""

    __tablename__ = "daily_sequence"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer)


class ChangeLog(Base):
    """One row per change to a synced row, in commit order; sync exports from here."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    epoch: Mapped[str] = mapped_column(String(36), default="")
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(VNDateTime())
    officer: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (Index("ix_change_log_record", "table_name", "record_id"),)


SYNCED_MODELS: tuple[type[Synced], ...] = (
    Unit,
    Officer,
    Field,
    Procedure,
    Dossier,
    DossierComponent,
    DossierEvent,
    Supplement,
    Apology,
    CalendarOverride,
)

__all__ = [
    "Apology",
    "Base",
    "CalendarOverride",
    "ChangeLog",
    "DailySequence",
    "Dossier",
    "DossierComponent",
    "DossierEvent",
    "Field",
    "Officer",
    "Procedure",
    "SYNCED_MODELS",
    "Setting",
    "Supplement",
    "Synced",
    "Unit",
    "new_id",
]
