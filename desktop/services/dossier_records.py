"""A dossier's basics every use case shares: finding it (or its procedure), the checks before an officer
acts on it, and the timeline event each change appends (and, through the session hook, the change log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import Dossier, DossierEvent, Procedure
from desktop.errors import NotFound, UserError
from desktop.rules.deadlines import ProcessingTime, TimeUnit, parse_hhmm
from desktop.rules.lifecycle import FORWARDING_ACTIONS, RESOLVER_ACTIONS, Action, check
from desktop.services import resolvers
from desktop.services.permissions import Permission, require


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


def acting_on(session: Session, code: str, action: Action, permission: Permission = Permission.PROCESS) -> Dossier:
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


def add_event(session: Session, dossier: Dossier, kind: str, at: datetime, note: str | None = None, **data: object) -> None:
    session.add(
        DossierEvent(
            dossier_id=dossier.id, kind=kind, at=at, officer=session.info.get("officer"), note=note, data=data
        )
    )


def events_of(session: Session, dossier: Dossier) -> list[DossierEvent]:
    return list(session.scalars(
        select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.at, DossierEvent.updated_at)
    ))
