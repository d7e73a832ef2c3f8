"""Tiếp nhận and từ chối tiếp nhận: a new dossier gets its code, its procedure's rules snapshotted, its
counting start and appointment (or, refused, a code for the refusal slip).

Each function validates first and changes nothing on bad input; the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from desktop import settings
from desktop.db.models import Dossier, DossierComponent, Procedure
from desktop.errors import UserError
from desktop.platform import clock
from desktop.rules import validation
from desktop.rules.lifecycle import Status
from desktop.rules.text import fold, nfc
from desktop.services import codes, resolvers
from desktop.services.desk import DeskContext, desk_context, get_setting
from desktop.services.dossier_records import add_event, find_procedure, processing_time
from desktop.services.permissions import Permission, require
from desktop.texts import LABELS


@dataclass
class Applicant:
    name: str
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    organisation: str | None = None


@dataclass
class Reception:
    """What the counter form (or the CLI) hands over to receive a dossier."""

    procedure_code: str
    applicant: Applicant
    channel: str = "direct"
    sets_count: int = 1
    at: datetime | None = None
    submitted_components: Sequence[int] | None = None  # positions ticked; None = all
    digitised_components: Sequence[int] = field(default_factory=tuple)  # digitised at the counter
    notes: str | None = None
    return_by_post: bool = False
    payment_method: str | None = None  # validation.PAYMENT_METHODS; None = no fee
    extra_components: Sequence[str] = field(default_factory=tuple)
    resolver: str | None = None  # unit code or agency id of the resolving body; None = the catalogue's default


# The procedure's rules a dossier keeps as they were at reception (a later catalogue edit does not move it).
PROCEDURE_RULES = ("time_value", "time_unit", "same_day_cutoff")
# Dossier column -> Applicant attribute.
APPLICANT_COLUMNS = {"applicant_name": "name", "applicant_id_number": "id_number", "applicant_phone": "phone",
                     "applicant_email": "email", "applicant_address": "address", "organisation": "organisation"}


def validated_applicant(applicant: Applicant) -> Applicant:
    return Applicant(
        name=validation.required_text(applicant.name, LABELS["applicant_full_name"], "applicant"),
        id_number=validation.id_number(applicant.id_number),
        phone=validation.phone(applicant.phone),
        email=validation.email(applicant.email),
        address=validation.optional_text(applicant.address, LABELS["address"], "address"),
        organisation=validation.optional_text(applicant.organisation, LABELS["organisation_name"],
                                              "organisation"),
    )


def new_dossier(session: Session, ctx: DeskContext, procedure: Procedure, applicant: Applicant,
                received_at: datetime, status: Status, *, code: str | None = None) -> Dossier:
    """A dossier row with the procedure's rules snapshotted; ``code`` keeps an imported dossier's own."""
    if code is None:
        seq_range = tuple(get_setting(session, settings.SEQ_RANGE.key, [1, 9999]))
        code = codes.next_code(
            session,
            pattern=get_setting(session, settings.CODE_PATTERN.key, settings.CODE_PATTERN.default),
            agency_id=ctx.unit.agency_id,
            unit_code=ctx.unit.code,
            day=received_at.date(),
            seq_range=(int(seq_range[0]), int(seq_range[1])),
        )
    return Dossier(
        code=code, procedure_id=procedure.id, procedure_code=procedure.code, procedure_name=procedure.name,
        field_name=procedure.field.name, **{column: getattr(procedure, column) for column in PROCEDURE_RULES},
        **{column: getattr(applicant, attr) for column, attr in APPLICANT_COLUMNS.items()},
        search_text=fold(f"{code} {applicant.name} {applicant.id_number or ''} {applicant.organisation or ''}"),
        received_at=received_at, status=status, received_by=session.info.get("officer"),
    )


def deadline(ctx: DeskContext, procedure: Procedure, received_at: datetime,
             body: resolvers.ResolvingBody | None = None) -> tuple[datetime, datetime]:
    """(counting start, due moment) of a dossier of ``procedure`` received at ``received_at``: the resolving
    body's deadline plus the province's transfer time for a body other than this unit."""
    start = ctx.rules.counting_start(received_at)
    due = ctx.rules.due_at(start, processing_time(procedure))
    if body is not None and not body.is_this_unit:
        due = ctx.rules.plus_working_days(due, resolvers.transfer_days(body.kind))
    return start, due


def appointment_if_received(session: Session, procedure_code: str, at: datetime | None = None,
                            resolver: str | None = None) -> datetime:
    """The due moment the receipt would show if the dossier were received now (the live reception form)."""
    ctx = desk_context(session)
    procedure = find_procedure(session, procedure_code)
    body = (resolvers.find(session, ctx.unit, resolver) if resolver
            else resolvers.default_for(session, ctx.unit, procedure))
    return deadline(ctx, procedure, at or clock.now(), body)[1]


def receive(session: Session, reception: Reception, *, ctx: DeskContext | None = None) -> Dossier:
    """Tiếp nhận: a complete dossier gets its code, counting start and appointment."""
    require(session, Permission.RECEIVE)
    ctx = ctx or desk_context(session)
    procedure = find_procedure(session, reception.procedure_code)
    applicant = validated_applicant(reception.applicant)
    channel = validation.channel(reception.channel)
    sets = validation.sets_count(reception.sets_count)
    received_at = validation.moment(reception.at)
    notes = validation.optional_text(reception.notes, LABELS["note"], "notes", max_len=4000, multiline=True)
    body = (resolvers.find(session, ctx.unit, reception.resolver) if reception.resolver
            else resolvers.default_for(session, ctx.unit, procedure))
    names = [nfc(c) or "" for c in (procedure.components or [])] + [
        nfc(c) or "" for c in reception.extra_components if nfc(c)
    ]
    ticked = set(range(len(names))) if reception.submitted_components is None else set(reception.submitted_components)
    if any(i < 0 or i >= len(names) for i in ticked):
        raise UserError("Danh sách thành phần hồ sơ đã nộp có số thứ tự không tồn tại.", field="components")

    dossier = new_dossier(session, ctx, procedure, applicant, received_at, Status.RECEIVED)
    dossier.channel = channel
    dossier.sets_count = sets
    dossier.notes = notes
    dossier.return_by_post = bool(reception.return_by_post)
    dossier.payment_method = validation.payment_method(reception.payment_method)
    dossier.counting_start, dossier.due_at = deadline(ctx, procedure, received_at, body)
    dossier.original_due_at = dossier.due_at
    dossier.receiving_unit = ctx.unit.code
    dossier.resolver_code, dossier.resolver_kind, dossier.resolver_name = body.code, body.kind, body.name
    session.add(dossier)
    session.flush()
    digitised = set(reception.digitised_components)
    for position, name in enumerate(names):
        scanned = position in digitised
        session.add(DossierComponent(
            dossier_id=dossier.id, position=position, name=name, submitted=position in ticked, digitised=scanned,
            digitised_at=received_at if scanned else None,
            digitised_by=session.info.get("officer") if scanned else None,
        ))
    add_event(session, dossier, "received", received_at, channel=channel, due_at=dossier.due_at.isoformat(),
              resolver=body.code)
    session.flush()
    return dossier


def refuse(session: Session, *, procedure_code: str, applicant: Applicant, reason: str,
           at: datetime | None = None, channel: str = "direct", ctx: DeskContext | None = None) -> Dossier:
    """Từ chối tiếp nhận: logged with a code for the refusal slip, but never a received dossier."""
    require(session, Permission.RECEIVE)
    ctx = ctx or desk_context(session)
    procedure = find_procedure(session, procedure_code)
    person = validated_applicant(applicant)
    reason_text = validation.required_text(reason, LABELS["refusal_reason"], "reason", max_len=4000,
                                           multiline=True)
    moment = validation.moment(at)
    dossier = new_dossier(session, ctx, procedure, person, moment, Status.REFUSED)
    dossier.channel = validation.channel(channel)
    dossier.refusal_reason = reason_text
    session.add(dossier)
    session.flush()
    add_event(session, dossier, "refused", moment, note=reason_text)
    session.flush()
    return dossier
