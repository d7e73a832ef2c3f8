"""Dossier use cases: receive, refuse, start, supplement, result, return, withdraw, apology.

Each function validates first and changes nothing on bad input; the caller's transaction commits.
Every change appends an event to the dossier's timeline (and, through the session hook, to the
change log).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock

from desktop.services import codes

from desktop.rules import validation
from desktop.db.models import Apology, Dossier, DossierComponent, DossierEvent, Procedure, Supplement
from desktop.rules.deadlines import ProcessingTime, TimeUnit, parse_hhmm
from desktop.errors import NotFound, UserError
from desktop.rules.lifecycle import FORWARDING_ACTIONS, RESOLVER_ACTIONS, Action, Status, check
from desktop.services.desk import DeskContext, desk_context, get_setting
from desktop.services import outgoing, resolvers
from desktop.services.permissions import Permission, require
from desktop.rules.text import fold, nfc
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


def processing_time(dossier: Dossier | Procedure) -> ProcessingTime:
    cutoff = parse_hhmm(dossier.same_day_cutoff) if dossier.same_day_cutoff else None
    return ProcessingTime(dossier.time_value, TimeUnit(dossier.time_unit), cutoff)


def find_procedure(session: Session, code: str) -> Procedure:
    code = (code or "").strip()
    procedure = session.scalar(select(Procedure).where(Procedure.code == code, Procedure.deleted.is_(False)))
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục có mã '{code}' trong danh mục.", field="procedure")
    if not procedure.active:
        raise UserError(f"Thủ tục '{code}' đã ngừng áp dụng; chọn thủ tục đang có hiệu lực.", field="procedure")
    return procedure


def get_dossier(session: Session, code: str) -> Dossier:
    code = (code or "").strip()
    dossier = session.scalar(select(Dossier).where(Dossier.code == code, Dossier.deleted.is_(False)))
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ có mã '{code}'.", field="code")
    return dossier


def _acting_on(session: Session, code: str, action: Action, permission: Permission = Permission.PROCESS) -> Dossier:
    """The dossier an officer acts on, once the officer may and the dossier's state allows the action."""
    require(session, permission)
    dossier = get_dossier(session, code)
    check(action, dossier.status, dossier.code)
    _check_owner_of_part(session, dossier, action)
    return dossier


def _check_owner_of_part(session: Session, dossier: Dossier, action: Action) -> None:
    """The receiving unit owns reception, transfer and return; the resolving body owns processing and the
    result (issue #15): a desk refuses the other side's actions."""
    forwarded = resolvers.forwarded(dossier, resolvers.local_code(session))
    if forwarded and action in RESOLVER_ACTIONS:
        raise UserError(f"Hồ sơ {dossier.code} do {dossier.resolver_name or dossier.resolver_code} giải quyết; "
                        "đơn vị tiếp nhận chỉ chuyển hồ sơ, nhận kết quả và trả kết quả.", field="code",
                        code="not_resolver")
    if not forwarded and action in FORWARDING_ACTIONS:
        raise UserError(f"Hồ sơ {dossier.code} do chính đơn vị này giải quyết; không cần chuyển hay nhận kết quả "
                        "từ cơ quan khác.", field="code", code="own_dossier")


def _validated_applicant(applicant: Applicant) -> Applicant:
    return Applicant(
        name=validation.required_text(applicant.name, LABELS["applicant_full_name"], "applicant"),
        id_number=validation.id_number(applicant.id_number),
        phone=validation.phone(applicant.phone),
        email=validation.email(applicant.email),
        address=validation.optional_text(applicant.address, LABELS["address"], "address"),
        organisation=validation.optional_text(applicant.organisation, LABELS["organisation_name"],
                                              "organisation"),
    )


def _event(session: Session, dossier: Dossier, kind: str, at: datetime, note: str | None = None, **data: object) -> None:
    session.add(
        DossierEvent(
            dossier_id=dossier.id, kind=kind, at=at, officer=session.info.get("officer"), note=note, data=data
        )
    )


def _new_dossier(session: Session, ctx: DeskContext, procedure: Procedure, applicant: Applicant,
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
        code=code,
        procedure_id=procedure.id,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        field_name=procedure.field.name,
        time_value=procedure.time_value,
        time_unit=procedure.time_unit,
        same_day_cutoff=procedure.same_day_cutoff,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        organisation=applicant.organisation,
        search_text=fold(f"{code} {applicant.name} {applicant.id_number or ''} {applicant.organisation or ''}"),
        received_at=received_at,
        status=status,
        received_by=session.info.get("officer"),
    )


def _deadline(ctx: DeskContext, procedure: Procedure, received_at: datetime,
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
    return _deadline(ctx, procedure, at or clock.now(), body)[1]


def receive(session: Session, reception: Reception, *, ctx: DeskContext | None = None) -> Dossier:
    """Tiếp nhận: a complete dossier gets its code, counting start and appointment."""
    require(session, Permission.RECEIVE)
    ctx = ctx or desk_context(session)
    procedure = find_procedure(session, reception.procedure_code)
    applicant = _validated_applicant(reception.applicant)
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

    dossier = _new_dossier(session, ctx, procedure, applicant, received_at, Status.RECEIVED)
    dossier.channel = channel
    dossier.sets_count = sets
    dossier.notes = notes
    dossier.return_by_post = bool(reception.return_by_post)
    dossier.payment_method = validation.payment_method(reception.payment_method)
    dossier.counting_start, dossier.due_at = _deadline(ctx, procedure, received_at, body)
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
    _event(session, dossier, "received", received_at, channel=channel, due_at=dossier.due_at.isoformat(),
           resolver=body.code)
    session.flush()
    return dossier


def refuse(session: Session, *, procedure_code: str, applicant: Applicant, reason: str,
           at: datetime | None = None, channel: str = "direct", ctx: DeskContext | None = None) -> Dossier:
    """Từ chối tiếp nhận: logged with a code for the refusal slip, but never a received dossier."""
    require(session, Permission.RECEIVE)
    ctx = ctx or desk_context(session)
    procedure = find_procedure(session, procedure_code)
    person = _validated_applicant(applicant)
    reason_text = validation.required_text(reason, LABELS["refusal_reason"], "reason", max_len=4000,
                                           multiline=True)
    moment = validation.moment(at)
    dossier = _new_dossier(session, ctx, procedure, person, moment, Status.REFUSED)
    dossier.channel = validation.channel(channel)
    dossier.refusal_reason = reason_text
    session.add(dossier)
    session.flush()
    _event(session, dossier, "refused", moment, note=reason_text)
    session.flush()
    return dossier


def start(session: Session, code: str, *, at: datetime | None = None, handler: str | None = None) -> Dossier:
    dossier = _acting_on(session, code, Action.START)
    moment = validation.moment(at, not_before=dossier.received_at)
    dossier.status = Status.IN_PROGRESS
    dossier.handler = handler or session.info.get("officer")
    _event(session, dossier, "started", moment, handler=dossier.handler)
    session.flush()
    return dossier


def request_supplement(session: Session, code: str, *, items: Sequence[str] | str, reason: str | None = None,
                       at: datetime | None = None) -> Supplement:
    """The clock stops; everything missing is listed at once on the supplement form."""
    dossier = _acting_on(session, code, Action.REQUEST_SUPPLEMENT)
    if isinstance(items, str):
        items = [part for part in items.replace("\n", ";").split(";")]
    listed = [nfc(item) for item in items if nfc(item)]
    if not listed:
        raise UserError("Cần ghi rõ các nội dung phải bổ sung (mỗi nội dung cách nhau bởi dấu ';').", field="items")
    moment = validation.moment(at, not_before=last_counting_moment(session, dossier))
    supplement = Supplement(
        dossier_id=dossier.id, requested_at=moment, items=listed, requested_by=session.info.get("officer"),
        reason=validation.optional_text(reason, LABELS["reason"], "reason", multiline=True),
        previous_due_at=dossier.due_at,
    )
    session.add(supplement)
    dossier.status = Status.AWAITING_SUPPLEMENT
    _event(session, dossier, "supplement_requested", moment, note="; ".join(listed))
    session.flush()
    return supplement


def last_counting_moment(session: Session, dossier: Dossier) -> datetime:
    """When the deadline clock last (re)started: reception, or the latest complete supplement."""
    latest = session.scalar(
        select(Supplement.received_at).where(Supplement.dossier_id == dossier.id, Supplement.received_at.is_not(None))
        .order_by(Supplement.received_at.desc()).limit(1)
    )
    return max(m for m in (dossier.received_at, latest) if m is not None)


def reschedule(session: Session, dossier: Dossier, *, ctx: DeskContext, reason: str) -> datetime | None:
    """Recompute the due date under today's calendar and hours; the officer asked for it (never silent)."""
    start = ctx.rules.counting_start(last_counting_moment(session, dossier))
    due = ctx.rules.due_at(start, processing_time(dossier))
    if due == dossier.due_at:
        return None
    previous = dossier.due_at
    dossier.counting_start, dossier.due_at = start, due
    _event(session, dossier, "due_rescheduled", clock.now(), note=reason, due_at=due.isoformat(),
           previous_due_at=previous.isoformat() if previous else None)
    return due


def open_supplement(session: Session, dossier: Dossier) -> Supplement | None:
    return session.scalar(
        select(Supplement).where(Supplement.dossier_id == dossier.id, Supplement.received_at.is_(None))
        .order_by(Supplement.requested_at.desc()).limit(1)
    )


def receive_supplement(session: Session, code: str, *, at: datetime | None = None,
                       ctx: DeskContext | None = None) -> Dossier:
    """The complete dossier is back: counting restarts in full from this moment."""
    dossier = _acting_on(session, code, Action.RECEIVE_SUPPLEMENT)
    ctx = ctx or desk_context(session)
    supplement = open_supplement(session, dossier)
    moment = validation.moment(at, not_before=supplement.requested_at if supplement else dossier.received_at)
    dossier.counting_start = ctx.rules.counting_start(moment)
    dossier.due_at = ctx.rules.due_at(dossier.counting_start, processing_time(dossier))
    dossier.status = Status.TRANSFERRED if dossier.transferred_at is not None and dossier.result_back_at is None \
        else Status.IN_PROGRESS
    if supplement is not None:
        supplement.received_at = moment
        supplement.new_due_at = dossier.due_at
    _event(session, dossier, "supplement_received", moment, due_at=dossier.due_at.isoformat())
    session.flush()
    return dossier


def record_result(session: Session, code: str, *, rejected: bool = False, reason: str | None = None,
                  at: datetime | None = None) -> Dossier:
    dossier = _acting_on(session, code, Action.RECORD_RESULT)
    reason_text = validation.optional_text(reason, LABELS["reason"], "reason", max_len=4000, multiline=True)
    if rejected and not reason_text:
        raise UserError("Hồ sơ không được giải quyết phải ghi rõ lý do.", field="reason")
    moment = validation.moment(at, not_before=last_counting_moment(session, dossier))
    if dossier.status in (Status.RECEIVED, Status.TRANSFERRED):
        dossier.handler = dossier.handler or session.info.get("officer")
        _event(session, dossier, "started", moment, handler=dossier.handler, implicit=True)
    dossier.status = Status.RESOLVED
    dossier.result = "rejected" if rejected else "approved"
    dossier.result_reason = reason_text
    dossier.result_at = moment
    _event(session, dossier, "resolved", moment, note=reason_text, result=dossier.result)
    if rejected:  # the stop notice (form 05) gets its outgoing number now
        outgoing.assign(session, "stop", dossier.id, dossier.code, moment)
    session.flush()
    return dossier


def record_payment(session: Session, code: str, method: str | None) -> Dossier:
    """The fee paid (or its method corrected) after reception, e.g. paid when the result is collected."""
    dossier = get_dossier(session, code)
    require(session, Permission.PROCESS)
    dossier.payment_method = validation.payment_method(method)
    session.flush()
    return dossier


def return_result(session: Session, code: str, *, at: datetime | None = None, by_post: bool | None = None) -> Dossier:
    dossier = _acting_on(session, code, Action.RETURN_RESULT)
    moment = validation.moment(at, not_before=dossier.result_at)
    dossier.status = Status.RETURNED
    dossier.returned_at = moment
    if by_post is not None:
        dossier.return_by_post = by_post
    _event(session, dossier, "returned", moment, by_post=dossier.return_by_post)
    session.flush()
    return dossier


def withdraw(session: Session, code: str, *, at: datetime | None = None, reason: str | None = None) -> Dossier:
    dossier = _acting_on(session, code, Action.WITHDRAW)
    moment = validation.moment(at, not_before=dossier.received_at)
    dossier.status = Status.WITHDRAWN
    dossier.withdrawn_at = moment
    _event(session, dossier, "withdrawn", moment, note=validation.optional_text(reason, LABELS["reason"],
                                                                                "reason", multiline=True))
    outgoing.assign(session, "stop", dossier.id, dossier.code, moment)
    session.flush()
    return dossier


def issue_apology(session: Session, code: str, *, new_date: date, reason: str, at: datetime | None = None,
                  ctx: DeskContext | None = None) -> Apology:
    """A new appointment for the citizen. due_at is untouched: a late dossier stays late."""
    dossier = _acting_on(session, code, Action.APOLOGY, Permission.APPROVE_APOLOGY)
    ctx = ctx or desk_context(session)
    reason_text = validation.required_text(reason, "Lý do xin lỗi, hẹn lại", "reason", max_len=4000, multiline=True)
    moment = validation.moment(at, not_before=dossier.received_at)
    if dossier.due_at is not None and new_date <= dossier.due_at.date():
        raise UserError(
            f"Ngày hẹn mới ({new_date:%d/%m/%Y}) phải sau ngày hẹn hiện tại ({dossier.due_at:%d/%m/%Y}).",
            field="new_date",
        )
    if not ctx.rules.calendar.is_working_day(new_date):
        raise UserError(f"Ngày hẹn mới {new_date:%d/%m/%Y} không phải ngày làm việc.", field="new_date")
    apology = Apology(dossier_id=dossier.id, reason=reason_text, new_appointment=new_date, issued_at=moment,
                      issued_by=session.info.get("officer"))
    session.add(apology)
    session.flush()
    outgoing.assign(session, "apology", apology.id, dossier.code, moment)  # số văn bản đi of form 04
    _event(session, dossier, "apology_issued", moment, note=reason_text, new_appointment=new_date.isoformat())
    session.flush()
    return apology


def events_of(session: Session, dossier: Dossier) -> list[DossierEvent]:
    return list(session.scalars(
        select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.at, DossierEvent.updated_at)
    ))
