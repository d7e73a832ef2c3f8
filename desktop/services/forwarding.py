"""The receiving desk's part of a dossier resolved by another body (issue #15): transfer it, record the
result that comes back, then return it to the citizen with ``dossiers.return_result`` as usual.

Each step appends an event owned by this unit (the change-log hook stamps ``owner_unit``); the
dossier's transfer columns are that event's summary, so a report never reads the timeline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from desktop.db.models import Dossier
from desktop.errors import UserError
from desktop.rules import validation
from desktop.rules.lifecycle import Action, Status
from desktop.services.dossier_records import acting_on, add_event
from desktop.services.dossiers import last_counting_moment
from desktop.services.permissions import Permission
from desktop.services.resolvers import TRANSFER_VIAS
from desktop.texts import LABELS, TRANSFER_VIA_LABELS


def transfer(session: Session, code: str, *, via: str = "hub", at: datetime | None = None) -> Dossier:
    """Chuyển hồ sơ: the papers leave for the resolving body (through the hub, by post or by hand)."""
    how = (via or "").strip().lower()
    if how not in TRANSFER_VIAS:
        choices = ", ".join(f"{k} ({v})" for k, v in TRANSFER_VIA_LABELS.items())
        raise UserError(f"Cách chuyển hồ sơ '{via}' không hợp lệ; chọn một trong: {choices}.", field="via")
    dossier = acting_on(session, code, Action.TRANSFER, Permission.RECEIVE)
    moment = validation.moment(at, not_before=dossier.received_at)
    dossier.status = Status.TRANSFERRED
    dossier.transferred_at = moment
    dossier.transfer_via = how
    add_event(session, dossier, "transferred", moment, via=how, resolver=dossier.resolver_code)
    session.flush()
    return dossier


def result_received(session: Session, code: str, *, rejected: bool = False, reason: str | None = None,
                    at: datetime | None = None) -> Dossier:
    """Nhận kết quả: the resolving body's decision is back at the desk, waiting to be returned."""
    dossier = acting_on(session, code, Action.RESULT_RECEIVED, Permission.RECEIVE)
    reason_text = validation.optional_text(reason, LABELS["reason"], "reason", max_len=4000, multiline=True)
    if rejected and not reason_text:
        raise UserError("Hồ sơ không được giải quyết phải ghi rõ lý do.", field="reason")
    moment = validation.moment(at, not_before=max(m for m in (last_counting_moment(session, dossier),
                                                                dossier.transferred_at) if m is not None))
    dossier.status = Status.RESOLVED
    dossier.result = "rejected" if rejected else "approved"
    dossier.result_reason = reason_text
    dossier.result_at = moment
    dossier.result_back_at = moment
    add_event(session, dossier, "result_received", moment, note=reason_text, result=dossier.result)
    session.flush()
    return dossier
