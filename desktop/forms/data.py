"""What the forms print, gathered through the services into plain values before any layout starts.

Layout modules never touch the session: they get a :class:`FormData` (one dossier) or a list of
:class:`LedgerRow` and only format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.models import Dossier, DossierEvent
from desktop.db.sqlite_objects import sqlite_has
from desktop.errors import NotFound
from desktop.rules.lifecycle import Status
from desktop.services import catalog, desk, dossiers, officers, queries
from desktop.services.outgoing import outgoing_numbers


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    place_name: str


def place_of(name: str, place_name: str | None) -> str:
    """The place in "Tân Lập, ngày …": the unit's place name, else its name without the body prefix."""
    if place_name and place_name.strip():
        return place_name.strip()
    text = name.strip()
    for prefix in ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix):].strip()
            break
    for level in ("xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh"):
        if text.lower().startswith(level + " "):
            return text[len(level):].strip()
    return text


def unit_info(session: Session) -> UnitInfo:
    unit = desk.local_unit(session)
    return UnitInfo(code=unit.code, name=unit.name, place_name=place_of(unit.name, unit.place_name))


def moment(value: str | None) -> datetime | None:
    return clock.to_vn(datetime.fromisoformat(value)) if value else None


@dataclass
class FormData:
    """One dossier with everything any of its forms shows."""

    unit: UnitInfo
    data: dict[str, Any]
    components: list[dict[str, Any]]
    events: list[dict[str, Any]]
    supplements: list[dict[str, Any]]
    apologies: list[dict[str, Any]]
    fee_text: str
    fee_amount: int | None
    ledger_number: int
    ledger_year: int
    officer_names: dict[str, str] = field(default_factory=dict)
    outgoing: dict[str, int] = field(default_factory=dict)  # "apology:<id>" / "stop" → số văn bản đi
    resolving_body: str = ""  # the catalogue's «Cơ quan giải quyết» (else the unit)

    def at(self, key: str) -> datetime | None:
        return moment(self.data.get(key))

    def officer(self, username: str | None, *, fallback: bool = False) -> str:
        """Full name of an officer; a login that is no officer (the "cli" system account) prints blank."""
        if not username:
            return ""
        return self.officer_names.get(username, username if fallback else "")

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def submitted_components(self) -> list[str]:
        return [c["name"] for c in self.components if c["submitted"]]


BOOKED = "dossier.deleted = 0 AND dossier.status != 'refused_at_reception'"  # ix_dossier_book's WHERE (0012)


def ledger_position(session: Session, dossier: Dossier) -> tuple[int, int]:
    """(number in this year's ledger, year): received dossiers of the year in reception order.

    The printed "Số …/TNHS" and the ledger's STT are the same number, so a receipt can be found in
    the paper book. Refused dossiers are not received and are numbered among themselves.
    """
    year = clock.to_vn(dossier.received_at).year
    start = clock.at(date(year, 1, 1), datetime.min.time())
    refused = dossier.status == Status.REFUSED
    if not refused and book_index_ready(session):
        # two bare walks of the partial index (an OR of the two ranges makes SQLite build a row set)
        before = select(func.count()).select_from(Dossier).with_hint(Dossier, "INDEXED BY ix_dossier_book", "sqlite")
        before = before.where(text(BOOKED))
        count = session.scalar(before.where(Dossier.received_at >= start, Dossier.received_at < dossier.received_at))
        count = (count or 0) + (session.scalar(before.where(
            Dossier.received_at == dossier.received_at, Dossier.code <= dossier.code)) or 0)
        return int(count or 1), year
    same_book = (Dossier.status == Status.REFUSED) if refused else (Dossier.status != Status.REFUSED)
    earlier = (Dossier.received_at < dossier.received_at) | (
        (Dossier.received_at == dossier.received_at) & (Dossier.code <= dossier.code))
    count = session.scalar(
        select(func.count()).select_from(Dossier)
        .where(Dossier.deleted.is_(False), same_book, Dossier.received_at >= start, earlier)
    )
    return int(count or 1), year


def book_index_ready(session: Session) -> bool:
    """Whether this database has ``ix_dossier_book`` (migration 0012; SQLite only)."""
    return sqlite_has(session, "index", "ix_dossier_book")


def _officer_names(session: Session, usernames: set[str]) -> dict[str, str]:
    names = {}
    for username in sorted(u for u in usernames if u):
        try:
            names[username] = officers.officer_info(session, username).full_name
        except NotFound:
            continue
    return names


def form_data(session: Session, code: str) -> FormData:
    detail = queries.dossier_detail(session, code)
    dossier = dossiers.get_dossier(session, code)
    number, year = ledger_position(session, dossier)
    usernames = {detail.data.get("received_by"), detail.data.get("handler")}
    usernames |= {e.get("officer") for e in detail.events}
    usernames |= {a.get("issued_by") for a in detail.apologies}
    return FormData(
        unit=unit_info(session),
        data=detail.data,
        components=detail.components,
        events=detail.events,
        supplements=detail.supplements,
        apologies=detail.apologies,
        fee_text=(dossier.procedure.fee_text or "").strip() if dossier.procedure else "",
        fee_amount=dossier.fee_amount,
        ledger_number=number,
        ledger_year=year,
        officer_names=_officer_names(session, {u for u in usernames if u}),
        outgoing=outgoing_numbers(session, dossier.code),
        resolving_body=(detail.data["resolving_body"]["name"] if dossier.resolver_code
                        and not detail.data["resolving_body"]["is_this_unit"]
                        else catalog.resolving_body(session, dossier.procedure_code)),
    )


@dataclass(frozen=True)
class LedgerRow:
    """One line of the Sổ theo dõi hồ sơ."""

    number: int
    code: str
    procedure_name: str
    sets_count: int
    applicant_name: str
    organisation: str | None
    address: str | None
    phone: str | None
    resolving_body: str
    received_at: datetime
    due_at: datetime | None
    sent_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    status: str
    classification: str | None
    notes: str | None


def ledger_rows(session: Session, date_from: date, date_to: date) -> list[LedgerRow]:
    """Received dossiers (not refusals) of the period in reception order, numbered from 1."""
    flt = queries.DossierFilter(received_from=date_from, received_to=date_to, include_refused=False)
    base = queries.filtered(flt).subquery()
    started = (
        select(DossierEvent.dossier_id, func.min(DossierEvent.at).label("sent_at"))
        .where(DossierEvent.kind == "started", DossierEvent.deleted.is_(False))
        .group_by(DossierEvent.dossier_id).subquery()
    )
    query = (
        select(Dossier, started.c.sent_at)
        .join(base, base.c.id == Dossier.id)
        .outerjoin(started, started.c.dossier_id == Dossier.id)
        .order_by(Dossier.received_at, Dossier.code)
    )
    unit = unit_info(session)
    bodies = desk.get_setting(session, settings.RESOLVING_BODIES.key) or {}
    rows: list[LedgerRow] = []
    for index, (dossier, sent_at) in enumerate(session.execute(query), start=1):
        detail_json = queries.dossier_json(dossier)
        rows.append(LedgerRow(
            number=index,
            code=dossier.code,
            procedure_name=dossier.procedure_name,
            sets_count=dossier.sets_count,
            applicant_name=dossier.applicant_name,
            organisation=dossier.organisation,
            address=dossier.applicant_address,
            phone=dossier.applicant_phone,
            resolving_body=(dossier.resolver_name if dossier.resolver_name and dossier.resolver_code != unit.code
                            else str(bodies.get(dossier.procedure_code) or unit.name)),
            received_at=clock.to_vn(dossier.received_at),
            due_at=clock.to_vn(dossier.due_at) if dossier.due_at else None,
            sent_at=clock.to_vn(dossier.transferred_at or sent_at) if (dossier.transferred_at or sent_at) else None,
            result_at=clock.to_vn(dossier.result_at) if dossier.result_at else None,
            returned_at=clock.to_vn(dossier.returned_at) if dossier.returned_at else None,
            status=dossier.status,
            classification=detail_json["classification"],
            notes=dossier.notes,
        ))
    return rows
