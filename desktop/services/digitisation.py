"""Số hóa: mark components and results digitised, give them codes, attach scans, reuse earlier ones.

A reused component counts as digitised (the document exists in digital form already); it keeps the
source's code and scan. Undoing clears every digitisation field of the record. Every change is
logged on the dossier's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock, filestore

from desktop.rules import digitisation_codes, validation
from desktop.db.models import Dossier, DossierComponent
from desktop.rules.digitisation_codes import CodeRequest
from desktop.errors import NotFound, UserError
from desktop.rules.lifecycle import Status
from desktop.services.desk import get_setting, local_unit
from desktop.services.dossier_records import add_event, get_dossier


@dataclass(frozen=True)
class ReusableDocument:
    """An earlier digitised component of the same citizen, offered for a new dossier."""

    component_id: str
    name: str
    component_code: str | None
    file_sha256: str | None
    dossier_code: str
    procedure_name: str
    digitised_at: datetime | None

    def to_json(self) -> dict[str, object]:
        return {"component_id": self.component_id, "name": self.name, "component_code": self.component_code,
                "file_sha256": self.file_sha256, "dossier_code": self.dossier_code,
                "procedure_name": self.procedure_name, "digitised_at": clock.iso(self.digitised_at)}


def _component(session: Session, dossier: Dossier, number: int) -> DossierComponent:
    """``number`` is 1-based, as printed on the receipt and in ``dossier show``."""
    component = session.scalar(select(DossierComponent).where(
        DossierComponent.dossier_id == dossier.id, DossierComponent.position == number - 1))
    if component is None:
        count = len(dossier.components)
        raise NotFound(f"Hồ sơ {dossier.code} không có thành phần số {number} (có {count} thành phần).",
                       field="component")
    return component


def _code_taken(session: Session, code: str, *, except_component: str | None = None,
                except_dossier: str | None = None) -> bool:
    comp = select(DossierComponent.id).where(DossierComponent.component_code == code,
                                             DossierComponent.reused_from_id.is_(None))
    if except_component:
        comp = comp.where(DossierComponent.id != except_component)
    res = select(Dossier.id).where(Dossier.result_code == code)
    if except_dossier:
        res = res.where(Dossier.id != except_dossier)
    return session.scalar(comp.limit(1)) is not None or session.scalar(res.limit(1)) is not None


def _new_code(session: Session, dossier: Dossier, number: int | None) -> str:
    unit = local_unit(session)
    key, default = ((settings.DIGITISATION_PATTERN.key, digitisation_codes.DEFAULT_PATTERN) if number is not None
                    else (settings.DIGITISATION_RESULT_PATTERN.key, digitisation_codes.DEFAULT_RESULT_PATTERN))
    request = CodeRequest(agency_id=unit.agency_id, unit_code=unit.code, dossier_code=dossier.code,
                          received_at=dossier.received_at, component=number,
                          pattern=get_setting(session, key, default))
    return digitisation_codes.generate(get_setting(session, settings.DIGITISATION_GENERATOR.key, "pattern"), request)


def find_source(session: Session, reference: str, *, name: str | None = None) -> DossierComponent:
    """An earlier digitised component by its code, or by dossier code (+ same component name)."""
    ref = (reference or "").strip()
    by_code = session.scalar(select(DossierComponent).where(
        DossierComponent.component_code == ref, DossierComponent.digitised.is_(True),
        DossierComponent.deleted.is_(False)).order_by(DossierComponent.reused_from_id.is_not(None)).limit(1))
    if by_code is not None:
        return by_code
    dossier = session.scalar(select(Dossier).where(Dossier.code == ref, Dossier.deleted.is_(False)))
    if dossier is not None:
        digitised = [c for c in dossier.components if c.digitised and not c.deleted]
        # the same paper by name; else the dossier's only digitised paper (another procedure names it otherwise)
        candidates = [c for c in digitised if name is None or c.name == name] or digitised
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise UserError(f"Hồ sơ {ref} có nhiều thành phần đã số hóa; chỉ rõ mã số hóa của giấy tờ cần dùng lại.",
                            field="reused_from")
    raise NotFound(f"Không tìm thấy giấy tờ đã số hóa có mã '{ref}' để dùng lại.", field="reused_from")


def digitise_component(session: Session, dossier_code: str, number: int, *, digitised: bool = True,
                       code: str | None = None, file: str | Path | None = None, reused_from: str | None = None,
                       national_portal: bool = False, at: datetime | None = None) -> DossierComponent:
    """Mark component ``number`` (1-based) digitised, reused, from the national portal — or undo."""
    dossier = get_dossier(session, dossier_code)
    if dossier.status == Status.REFUSED:
        raise UserError(f"Hồ sơ {dossier.code} đã bị từ chối tiếp nhận; không số hóa.", field="code")
    component = _component(session, dossier, number)
    officer = session.info.get("officer")
    if not digitised:
        if code or file or reused_from or national_portal:
            raise UserError("Bỏ đánh dấu số hóa không đi kèm mã, tệp hay nguồn dùng lại.", field="digitised")
        for attr in ("digitised_at", "digitised_by", "component_code", "reused_from_id", "file_sha256"):
            setattr(component, attr, None)
        component.digitised = False
        component.national_portal = False
        add_event(session, dossier, "component_undigitised", clock.now(), position=component.position)
        session.flush()
        return component
    moment = validation.moment(at)
    source = None
    if reused_from:
        source = find_source(session, reused_from, name=component.name)
        if source.dossier_id == dossier.id:
            raise UserError("Không thể dùng lại giấy tờ của chính hồ sơ này.", field="reused_from")
    stored = filestore.store(file) if file else None
    if code:
        new_code = digitisation_codes.clean_code(code)
        if source is None or new_code != source.component_code:
            if _code_taken(session, new_code, except_component=component.id):
                raise UserError(f"Mã số hóa '{new_code}' đã được dùng cho giấy tờ khác.", field="code")
    elif source is not None and source.component_code:
        new_code = source.component_code
    elif component.component_code and component.reused_from_id is None:
        new_code = component.component_code
    else:
        new_code = _new_code(session, dossier, component.position + 1)
    component.digitised = True
    component.digitised_at = moment
    component.digitised_by = officer
    component.component_code = new_code
    component.reused_from_id = source.id if source is not None else None
    component.national_portal = bool(national_portal)
    if stored is not None:
        component.file_sha256 = stored.sha256
    elif source is not None and source.file_sha256:
        component.file_sha256 = source.file_sha256
    add_event(session, dossier, "component_digitised", moment, note=component.name, position=component.position,
              component_code=new_code, reused_from=source.component_code if source else None,
              national_portal=component.national_portal, file_sha256=component.file_sha256)
    session.flush()
    return component


def digitise_result(session: Session, dossier_code: str, *, digitised: bool = True, code: str | None = None,
                    file: str | Path | None = None, at: datetime | None = None) -> Dossier:
    """Mark the dossier's result digitised (only once a result exists) — or undo."""
    dossier = get_dossier(session, dossier_code)
    if dossier.result_at is None:
        raise UserError(f"Hồ sơ {dossier.code} chưa có kết quả giải quyết để số hóa.", field="result")
    if not digitised:
        dossier.result_digitised = False
        dossier.result_digitised_at = None
        dossier.result_code = None
        dossier.result_file_sha256 = None
        add_event(session, dossier, "result_undigitised", clock.now())
        session.flush()
        return dossier
    moment = validation.moment(at, not_before=dossier.result_at)
    stored = filestore.store(file) if file else None
    if code:
        new_code = digitisation_codes.clean_code(code)
        if _code_taken(session, new_code, except_dossier=dossier.id):
            raise UserError(f"Mã số hóa '{new_code}' đã được dùng cho giấy tờ khác.", field="code")
    else:
        new_code = dossier.result_code or _new_code(session, dossier, None)
    dossier.result_digitised = True
    dossier.result_digitised_at = moment
    dossier.result_code = new_code
    if stored is not None:
        dossier.result_file_sha256 = stored.sha256
    add_event(session, dossier, "result_digitised", moment, result_code=new_code, file_sha256=dossier.result_file_sha256)
    session.flush()
    return dossier


def reusable_documents(session: Session, id_number: str, *, exclude_dossier: str | None = None,
                       limit: int = 200) -> list[ReusableDocument]:
    """Earlier digitised documents of the citizen with this ID number, newest first, one per code."""
    number = validation.id_number(id_number)
    if number is None:
        return []
    query = (
        select(DossierComponent, Dossier.code, Dossier.procedure_name)
        .join(Dossier, Dossier.id == DossierComponent.dossier_id)
        .where(Dossier.applicant_id_number == number, Dossier.deleted.is_(False), Dossier.status != Status.REFUSED,
               DossierComponent.digitised.is_(True), DossierComponent.deleted.is_(False))
        .order_by(DossierComponent.digitised_at.desc().nulls_last(), Dossier.received_at.desc())
    )
    if exclude_dossier:
        query = query.where(Dossier.code != exclude_dossier)
    seen: set[str] = set()
    out: list[ReusableDocument] = []
    for component, code, procedure_name in session.execute(query):
        key = component.component_code or component.id
        if key in seen:
            continue
        seen.add(key)
        out.append(ReusableDocument(component.id, component.name, component.component_code, component.file_sha256,
                                    code, procedure_name, component.digitised_at))
        if len(out) >= limit:
            break
    return out


def component_json(component: DossierComponent) -> dict[str, object]:
    return {"number": component.position + 1, "name": component.name, "digitised": component.digitised,
            "digitised_at": clock.iso(component.digitised_at), "digitised_by": component.digitised_by,
            "component_code": component.component_code, "reused_from_id": component.reused_from_id,
            "national_portal": component.national_portal, "file_sha256": component.file_sha256}


def result_json(dossier: Dossier) -> dict[str, object]:
    return {"code": dossier.code, "result_digitised": dossier.result_digitised,
            "result_digitised_at": clock.iso(dossier.result_digitised_at), "result_code": dossier.result_code,
            "result_file_sha256": dossier.result_file_sha256}
