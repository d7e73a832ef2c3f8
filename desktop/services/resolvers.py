"""Resolving bodies of two-tier reception (issue #15): this unit, another commune of the province (its
5-digit code), or a provincial agency (its QCVN 102 id) from the province's reference data.

A desk receives dossiers for any competent body; the body that decides is recorded on the dossier and
the reports count a dossier under it (``desktop/reports/periodic.py``). Lookups never guess: an unknown
code is refused with a Vietnamese message naming the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from desktop import settings
from desktop.db.models import Dossier, Procedure, Unit
from desktop.errors import UserError
from desktop.platform.paths import resources_dir
from desktop.rules.lifecycle import FORWARDING_ACTIONS, RESOLVER_ACTIONS, Action, allowed_actions
from desktop.rules.text import ascii_digits, fold, nfc
from desktop.services.desk import get_setting

UNIT, AGENCY = "unit", "agency"
TRANSFER_VIAS = ("hub", "post", "hand")


@dataclass(frozen=True)
class ResolvingBody:
    """Who decides a dossier. ``code`` is a unit code or an agency id."""

    code: str
    name: str
    kind: str  # UNIT | AGENCY
    is_this_unit: bool

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind, "is_this_unit": self.is_this_unit}


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The province's agencies and transfer times (``resources/agencies/province.json``)."""
    return json.loads((resources_dir() / "agencies" / "province.json").read_text(encoding="utf-8"))


def agencies() -> list[dict[str, Any]]:
    return list(reference()["agencies"])


def transfer_days(kind: str) -> int:
    """Working days the province adds to the resolving body's deadline for a dossier sent to a body of
    this kind (0 for the desk's own dossiers)."""
    return max(int(reference().get("transfer_days", {}).get(kind, 0) or 0), 0)


def this_unit(unit: Unit) -> ResolvingBody:
    return ResolvingBody(unit.code, unit.name, UNIT, True)


def _province_units(session: Session) -> dict[str, str]:
    """Unit code → name: the province package's list, then the unit rows this database holds."""
    out = {str(u.get("code")): str(u.get("name")) for u in (get_setting(session, settings.PROVINCE_UNITS.key) or [])
           if isinstance(u, dict) and u.get("code") and u.get("name")}
    for code, name in session.execute(select(Unit.code, Unit.name).where(Unit.deleted.is_(False))):
        out.setdefault(code, name)
    return out


def choices(session: Session, unit: Unit) -> list[ResolvingBody]:
    """Every body the reception form offers: this unit first, other communes, then provincial agencies."""
    others = sorted((c, n) for c, n in _province_units(session).items() if c != unit.code and len(c) == 5)
    return ([this_unit(unit)] + [ResolvingBody(c, n, UNIT, False) for c, n in others]
            + [ResolvingBody(a["id"], a["name"], AGENCY, False) for a in agencies()])


def find(session: Session, unit: Unit, code: str | None) -> ResolvingBody:
    """The body named by ``code`` (empty = this unit); unknown codes are refused."""
    text = (nfc(code) or "").strip()
    if not text or text in (unit.code, unit.agency_id):
        return this_unit(unit)
    if len(text) > 32:
        raise UserError("Mã cơ quan giải quyết dài quá 32 ký tự.", field="resolver")
    if ascii_digits(text):
        name = _province_units(session).get(text)
        if len(text) != 5 or name is None:
            raise UserError(f"Không có xã, phường mã '{text}' trong danh sách đơn vị của tỉnh; nhập mã 5 chữ số "
                            "của đơn vị giải quyết hoặc mã cơ quan cấp tỉnh.", field="resolver")
        return ResolvingBody(text, name, UNIT, False)
    for agency in agencies():
        if agency["id"] == text:
            return ResolvingBody(agency["id"], agency["name"], AGENCY, False)
    raise UserError(f"Không có cơ quan giải quyết mã '{text}' trong dữ liệu của tỉnh.", field="resolver")


def default_for(session: Session, unit: Unit, procedure: Procedure) -> ResolvingBody:
    """The catalogue's choice: its «Cơ quan giải quyết» when it names a known body, else for a
    province-level procedure the agency listing it, else this unit."""
    named = str((get_setting(session, settings.RESOLVING_BODIES.key) or {}).get(procedure.code) or "")
    if named:
        folded = fold(named)
        for agency in agencies():
            if named == agency["id"] or folded == fold(agency["name"]):
                return ResolvingBody(agency["id"], agency["name"], AGENCY, False)
        for code, name in _province_units(session).items():
            if named == code or folded == fold(name):
                return this_unit(unit) if code == unit.code else ResolvingBody(code, name, UNIT, False)
    if procedure.level == "tinh":
        for agency in agencies():
            if procedure.code in agency.get("procedures", ()):
                return ResolvingBody(agency["id"], agency["name"], AGENCY, False)
    return this_unit(unit)


def local_code(session: Session | None) -> str:
    """This desk's unit code ("" at the hub or before set-up)."""
    return "" if session is None else str(get_setting(session, settings.UNIT_CODE.key) or "")


def default_code(session: Session, procedure_code: str) -> str:
    """The code of the catalogue's default body for a procedure (the reception form preselects it)."""
    from desktop.services.desk import local_unit
    from desktop.services.dossiers import find_procedure

    unit = local_unit(session)
    return default_for(session, unit, find_procedure(session, procedure_code)).code


def offered(session: Session) -> list[ResolvingBody]:
    """The reception form's list, for this desk's unit."""
    from desktop.services.desk import local_unit

    return choices(session, local_unit(session))


def of_dossier(dossier: Dossier, unit_code: str | None, session: Session | None = None) -> ResolvingBody:
    """The body recorded on a dossier (a dossier from before issue #15 is resolved by its owner)."""
    code = dossier.resolver_code or dossier.receiving_unit or dossier.owner_unit
    name = dossier.resolver_name or ""
    if not name and session is not None:
        names = session.info.setdefault("_unit_names", {})  # one look-up per unit per session (lists, ledger)
        if code not in names:
            names[code] = session.scalar(select(Unit.name).where(Unit.code == code)) or ""
        name = names[code]
    return ResolvingBody(code, name, dossier.resolver_kind or UNIT, bool(unit_code) and code == unit_code)


def allowed_here(dossier: Dossier, unit_code: str) -> list[Action]:
    """The actions this desk may take: the state's, less the other side's part (issue #15)."""
    other_side = RESOLVER_ACTIONS if forwarded(dossier, unit_code) else FORWARDING_ACTIONS
    return [a for a in allowed_actions(dossier.status) if a not in other_side]


def forwarded(dossier: Dossier, unit_code: str) -> bool:
    """Received here for another body: this desk owns reception, transfer and return only."""
    return bool(dossier.resolver_code) and dossier.resolver_code != unit_code


def resolved_by(unit_code: str) -> ColumnElement[bool]:
    """SQL: the dossiers ``unit_code`` resolves (its own receptions without another body, and those
    another desk received for it). Written as one test on ``coalesce(resolver_code, '')`` (the same rows as
    «NULL, '' or the unit») so SQLite does not read every row through ``ix_dossier_resolver_code``: on a desk
    nearly all rows have no resolver, and an OR of index lookups took 0.1–0.5 s per report query at 200k."""
    return func.coalesce(Dossier.resolver_code, "").in_(["", unit_code])


def resolved_here(session: Session) -> ColumnElement[bool]:
    """SQL: what this desk's unit resolves; everything where no unit is set up (the hub's own tables)."""
    code = local_code(session)
    return resolved_by(code) if code else true()


def received_for_others(unit_code: str) -> ColumnElement[bool]:
    """SQL: the dossiers this unit received on behalf of another body. ``resolver_code > ''`` is «not NULL and
    not ''» as one range of ``ix_dossier_resolver_code`` (a desk's few such dossiers, not a scan of all)."""
    receiver = or_(Dossier.receiving_unit == unit_code,
                   and_(Dossier.receiving_unit.is_(None), Dossier.owner_unit == unit_code))
    return and_(receiver, Dossier.resolver_code > "", Dossier.resolver_code != unit_code)


def resolver_in(unit_codes: list[str]) -> ColumnElement[bool]:
    """SQL at the hub: the dossiers resolved by one of ``unit_codes`` (each dossier counted once, under
    its resolving body; before issue #15 that is its owner)."""
    return or_(Dossier.resolver_code.in_(unit_codes),
               and_(or_(Dossier.resolver_code.is_(None), Dossier.resolver_code == ""),
                    Dossier.owner_unit.in_(unit_codes)))
