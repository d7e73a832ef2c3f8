"""Dossier use cases: receive, refuse, start, supplement, result, return, withdraw, apology.

Each function validates first and changes nothing on bad input; the caller's transaction commits.
Every change appends an event to the dossier's timeline (and, through the session hook, to the
change log). Reception lives in desktop.services.reception and the shared basics in
desktop.services.dossier_records; both are re-exported here, the one import path callers use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import Apology, Dossier, Supplement
from desktop.errors import UserError
from desktop.platform import clock
from desktop.rules import validation
from desktop.rules.lifecycle import Action, Status
from desktop.rules.text import nfc
from desktop.services import outgoing
from desktop.services.desk import DeskContext, desk_context
from desktop.services.dossier_records import (
    acting_on,
    add_event,
    events_of,
    find_procedure,
    get_dossier,
    processing_time,
)
from desktop.services.permissions import Permission, require
from desktop.services.reception import Applicant, Reception, appointment_if_received, receive, refuse
from desktop.texts import LABELS

__all__ = [
    "Applicant", "Reception", "appointment_if_received", "events_of", "find_procedure", "get_dossier",
    "issue_apology", "last_counting_moment", "open_supplement", "processing_time", "receive",
    "receive_supplement", "record_payment", "record_result", "refuse", "request_supplement", "reschedule",
    "return_result", "start", "withdraw",
]


def _move(session: Session, code: str, action: Action, status: Status, at: datetime | None,
          since: str) -> tuple[Dossier, datetime]:
    """A plain step's first half: the dossier acted on, its moment (not before the dossier's ``since``
    column, say its reception), and its new status."""
    dossier = acting_on(session, code, action)
    moment = validation.moment(at, not_before=getattr(dossier, since))
    dossier.status = status
    return dossier, moment


def start(session: Session, code: str, *, at: datetime | None = None, handler: str | None = None) -> Dossier:
    dossier, moment = _move(session, code, Action.START, Status.IN_PROGRESS, at, "received_at")
    dossier.handler = handler or session.info.get("officer")
    add_event(session, dossier, "started", moment, handler=dossier.handler)
    session.flush()
    return dossier


def request_supplement(session: Session, code: str, *, items: Sequence[str] | str, reason: str | None = None,
                       at: datetime | None = None) -> Supplement:
    """The clock stops; everything missing is listed at once on the supplement form."""
    dossier = acting_on(session, code, Action.REQUEST_SUPPLEMENT)
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
    add_event(session, dossier, "supplement_requested", moment, note="; ".join(listed))
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
    add_event(session, dossier, "due_rescheduled", clock.now(), note=reason, due_at=due.isoformat(),
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
    dossier = acting_on(session, code, Action.RECEIVE_SUPPLEMENT)
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
    add_event(session, dossier, "supplement_received", moment, due_at=dossier.due_at.isoformat())
    session.flush()
    return dossier


def record_result(session: Session, code: str, *, rejected: bool = False, reason: str | None = None,
                  at: datetime | None = None) -> Dossier:
    dossier = acting_on(session, code, Action.RECORD_RESULT)
    reason_text = validation.optional_text(reason, LABELS["reason"], "reason", max_len=4000, multiline=True)
    if rejected and not reason_text:
        raise UserError("Hồ sơ không được giải quyết phải ghi rõ lý do.", field="reason")
    moment = validation.moment(at, not_before=last_counting_moment(session, dossier))
    if dossier.status in (Status.RECEIVED, Status.TRANSFERRED):
        dossier.handler = dossier.handler or session.info.get("officer")
        add_event(session, dossier, "started", moment, handler=dossier.handler, implicit=True)
    dossier.status = Status.RESOLVED
    dossier.result = "rejected" if rejected else "approved"
    dossier.result_reason = reason_text
    dossier.result_at = moment
    add_event(session, dossier, "resolved", moment, note=reason_text, result=dossier.result)
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
    dossier, moment = _move(session, code, Action.RETURN_RESULT, Status.RETURNED, at, "result_at")
    dossier.returned_at = moment
    if by_post is not None:
        dossier.return_by_post = by_post
    add_event(session, dossier, "returned", moment, by_post=dossier.return_by_post)
    session.flush()
    return dossier


def withdraw(session: Session, code: str, *, at: datetime | None = None, reason: str | None = None) -> Dossier:
    dossier, moment = _move(session, code, Action.WITHDRAW, Status.WITHDRAWN, at, "received_at")
    dossier.withdrawn_at = moment
    add_event(session, dossier, "withdrawn", moment, note=validation.optional_text(reason, LABELS["reason"],
                                                                                   "reason", multiline=True))
    outgoing.assign(session, "stop", dossier.id, dossier.code, moment)
    session.flush()
    return dossier


def issue_apology(session: Session, code: str, *, new_date: date, reason: str, at: datetime | None = None,
                  ctx: DeskContext | None = None) -> Apology:
    """A new appointment for the citizen. due_at is untouched: a late dossier stays late."""
    dossier = acting_on(session, code, Action.APOLOGY, Permission.APPROVE_APOLOGY)
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
    add_event(session, dossier, "apology_issued", moment, note=reason_text,
              new_appointment=new_date.isoformat())
    session.flush()
    return apology
