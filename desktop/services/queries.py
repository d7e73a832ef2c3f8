"""Read side: plain dataclasses for the CLI, the Qt models and reports (never live ORM objects)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, literal_column, select, table, text
from sqlalchemy.orm import Session, object_session

from desktop.platform import clock

from desktop.rules import validation
from desktop.db.models import Apology, Dossier, DossierComponent, Supplement
from desktop.db.sqlite_objects import sqlite_has
from desktop.rules.deadlines import DeadlineRules, classify
from desktop.errors import UserError
from desktop.rules.lifecycle import CLOCK_RUNNING, Status
from desktop.services import resolvers
from desktop.services.dossiers import events_of, get_dossier

LIST_COLUMNS = (
    Dossier.id, Dossier.code, Dossier.applicant_name, Dossier.applicant_id_number, Dossier.procedure_code,
    Dossier.procedure_name, Dossier.field_name, Dossier.channel, Dossier.received_at, Dossier.due_at,
    Dossier.status, Dossier.result_at, Dossier.withdrawn_at,
)


@dataclass(frozen=True)
class DossierRow:
    """One line of the dossier list."""

    id: str
    code: str
    applicant_name: str
    applicant_id_number: str | None
    procedure_code: str
    procedure_name: str
    field_name: str
    channel: str
    received_at: datetime
    due_at: datetime | None
    status: str
    result_at: datetime | None
    withdrawn_at: datetime | None

    @property
    def classification(self) -> str | None:
        value = classify(self.result_at or self.withdrawn_at, self.due_at)
        return value.value if value else None

    def to_json(self) -> dict[str, Any]:
        data = {k: (clock.iso(v) if isinstance(v, datetime) else v) for k, v in asdict(self).items()}
        data["classification"] = self.classification
        data["procedure"] = self.procedure_code
        data["applicant"] = self.applicant_name
        return data


@dataclass
class DossierFilter:
    status: str | None = None
    search: str | None = None
    field_name: str | None = None
    channel: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue_at: datetime | None = None  # open dossiers whose due_at is before this moment
    due_before: datetime | None = None  # open dossiers due before this moment (due soon)
    include_refused: bool = True
    scope: str | None = None  # "forwarded_in": resolved here, received elsewhere; "on_behalf": the reverse
    unit_code: str = ""  # this desk's unit, for ``scope``
    indexed: bool = False  # set by the service when the database has the search index


def _clock_running() -> list[str]:
    return [s.value for s in CLOCK_RUNNING]


def urgency(status: str, due_at: datetime | None, rules: DeadlineRules,
            now: datetime) -> tuple[str | None, int | None]:
    """("overdue" | "due_soon" | None, working days left): the same rule as the overdue / due-soon filters."""
    if status not in CLOCK_RUNNING or due_at is None:
        return None, None
    left = rules.working_days_left(due_at, now)
    if due_at < now:
        return "overdue", left
    if left <= 1:
        return "due_soon", left
    return None, left


def due_soon_limit(session: Session) -> datetime:
    """End of the next working day: «due within 1 working day» as the filter's upper bound."""
    from desktop.services.desk import desk_context

    calendar = desk_context(session).rules.calendar
    return clock.at(calendar.next_working_day(clock.today()), time(23, 59, 59))


def filtered(flt: DossierFilter) -> Select[Any]:
    """The one query behind ``dossier list``, the Hồ sơ page and the search box."""
    query = select(*LIST_COLUMNS).where(Dossier.deleted.is_(False))
    if flt.status:
        if flt.status not in Status._value2member_map_:
            raise UserError(
                f"Trạng thái '{flt.status}' không hợp lệ; dùng một trong: {', '.join(s.value for s in Status)}.",
                field="status",
            )
        query = query.where(Dossier.status == flt.status)
    elif not flt.include_refused:
        query = query.where(Dossier.status != Status.REFUSED)
    folded = validation.search_text(flt.search)  # capped, with a message naming the field
    if folded:
        needle = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Dossier.search_text.like(f"%{needle}%", escape="\\"))
        if flt.indexed and len(folded) >= TRIGRAM:  # the index finds the candidates, the LIKE stays exact
            phrase = '"' + folded.replace('"', '""') + '"'
            candidates = select(literal_column("rowid")).select_from(table("dossier_fts")).where(
                text("dossier_fts MATCH :phrase").bindparams(phrase=phrase))
            query = query.where(literal_column("dossier.rowid").in_(candidates))
    if flt.field_name:
        query = query.where(Dossier.field_name == flt.field_name)
    if flt.channel:
        query = query.where(Dossier.channel == flt.channel)
    if flt.received_from:
        query = query.where(Dossier.received_at >= clock.at(flt.received_from, datetime.min.time()))
    if flt.received_to:
        query = query.where(Dossier.received_at < clock.at(flt.received_to, datetime.min.time()) + _one_day())
    if flt.overdue_at is not None:
        query = query.where(Dossier.status.in_(_clock_running()), Dossier.due_at < flt.overdue_at)
    if flt.due_before is not None:
        query = query.where(Dossier.status.in_(_clock_running()), Dossier.due_at <= flt.due_before)
    if flt.scope == "forwarded_in":  # Hồ sơ chuyển đến (issue #15)
        query = query.where(Dossier.resolver_code == flt.unit_code, Dossier.receiving_unit.is_not(None),
                            Dossier.receiving_unit != flt.unit_code)
    elif flt.scope == "on_behalf":
        query = query.where(resolvers.received_for_others(flt.unit_code))
    return query


def _one_day():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(days=1)


TRIGRAM = 3  # the shortest text the trigram index can look up; shorter searches read the table


def search_index_ready(session: Session) -> bool:
    """Whether this desk's database has the FTS5 search index (migration 0011; not on an SQLite without it)."""
    return sqlite_has(session, "table", "dossier_fts")


def list_dossiers(session: Session, flt: DossierFilter, *, limit: int | None = 500, offset: int = 0,
                  newest_first: bool = True) -> list[DossierRow]:
    flt.indexed = search_index_ready(session)
    query = filtered(flt).order_by(Dossier.received_at.desc() if newest_first else Dossier.received_at)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [DossierRow(*row) for row in session.execute(query)]


def dossier_ids(session: Session, flt: DossierFilter, *, newest_first: bool = True) -> list[str]:
    """Ids only, in display order (``dossier_keys`` is what the Hồ sơ list holds)."""
    return list(session.scalars(_in_order(session, flt, Dossier.id, newest_first)))


ROWID = literal_column("dossier.rowid")


def dossier_keys(session: Session, flt: DossierFilter, *, newest_first: bool = True) -> array[int]:
    """The SQLite row numbers of ``dossier_ids``' dossiers, in the same order, as one packed array: the Hồ sơ
    list keeps 200k of them in 1.6 MB where 200k id strings took ~19 MB (the search index uses the same keys)."""
    return array("q", session.scalars(_in_order(session, flt, ROWID, newest_first)))


def _in_order(session: Session, flt: DossierFilter, column: Any, newest_first: bool) -> Select[Any]:
    flt.indexed = search_index_ready(session)
    query = filtered(flt).with_only_columns(column)
    return query.order_by(Dossier.received_at.desc() if newest_first else Dossier.received_at)


def rows_by_keys(session: Session, keys: Sequence[int]) -> dict[int, DossierRow]:
    """The list rows of some of ``dossier_keys``' keys, by key (a dossier deleted since is missing)."""
    return {row[0]: DossierRow(*row[1:]) for row in session.execute(
        select(ROWID, *LIST_COLUMNS).where(ROWID.in_(list(keys))))}


@dataclass
class DossierDetail:
    """Everything about one dossier, for ``dossier show`` and the detail pane."""

    data: dict[str, Any]
    components: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    supplements: list[dict[str, Any]] = field(default_factory=list)
    apologies: list[dict[str, Any]] = field(default_factory=list)
    allowed_actions: list[str] = field(default_factory=list)
    officer_names: dict[str, str] = field(default_factory=dict)  # username -> full name, for display

    def to_json(self) -> dict[str, Any]:
        out = dict(self.data)
        out.update(components=self.components, events=self.events, supplements=self.supplements,
                   apologies=self.apologies, allowed_actions=self.allowed_actions, officer_names=self.officer_names)
        return out

    def officer(self, username: str | None) -> str:
        """The officer's full name where the desk knows it (an imported or another unit's name stays)."""
        return self.officer_names.get(username or "", username or "")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


DOSSIER_FIELDS = (
    "id", "code", "procedure_code", "procedure_name", "field_name", "time_value", "time_unit", "same_day_cutoff",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
    "organisation", "sets_count", "channel", "return_by_post", "payment_method", "received_at", "counting_start", "due_at",
    "original_due_at", "status", "received_by", "handler", "result", "result_reason", "result_at", "returned_at",
    "withdrawn_at", "refusal_reason", "notes", "result_digitised", "result_code", "owner_unit", "version",
    "transferred_at", "transfer_via", "result_back_at",
)


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    data = {name: _jsonable(getattr(dossier, name)) for name in DOSSIER_FIELDS}
    # the names of the CLI flags (--procedure, --applicant, --id-number), for scripts that use them
    data["procedure"] = dossier.procedure_code
    data["applicant"] = dossier.applicant_name
    data["id_number"] = dossier.applicant_id_number
    value = classify(dossier.result_at or dossier.withdrawn_at, dossier.due_at)
    data["classification"] = value.value if value else None
    here = resolvers.local_code(object_session(dossier))
    data["receiving_unit"] = dossier.receiving_unit or dossier.owner_unit
    data["resolving_body"] = resolvers.of_dossier(dossier, here, object_session(dossier)).to_json()
    data["received_here"] = bool(here) and data["receiving_unit"] == here
    return data


def dossier_detail(session: Session, code: str) -> DossierDetail:
    dossier = get_dossier(session, code)
    components = session.scalars(
        select(DossierComponent).where(DossierComponent.dossier_id == dossier.id).order_by(DossierComponent.position)
    )
    supplements = session.scalars(select(Supplement).where(Supplement.dossier_id == dossier.id)
                                  .order_by(Supplement.requested_at))
    apologies = session.scalars(select(Apology).where(Apology.dossier_id == dossier.id).order_by(Apology.issued_at))
    events = list(events_of(session, dossier))
    return DossierDetail(
        data=dossier_json(dossier),
        components=[
            {"position": c.position, "name": c.name, "submitted": c.submitted, "digitised": c.digitised,
             "component_code": c.component_code, "reused_from_id": c.reused_from_id,
             "national_portal": c.national_portal, "file_sha256": c.file_sha256}
            for c in components
        ],
        events=[
            {"kind": e.kind, "at": clock.iso(e.at), "officer": e.officer, "note": e.note, "data": e.data}
            for e in events
        ],
        supplements=[
            {"requested_at": clock.iso(s.requested_at), "items": s.items, "reason": s.reason,
             "received_at": clock.iso(s.received_at), "previous_due_at": clock.iso(s.previous_due_at),
             "new_due_at": clock.iso(s.new_due_at)}
            for s in supplements
        ],
        apologies=[
            {"id": a.id, "reason": a.reason, "new_appointment": a.new_appointment.isoformat(),
             "issued_at": clock.iso(a.issued_at),
             "issued_by": a.issued_by, "delivered_at": clock.iso(a.delivered_at)}
            for a in apologies
        ],
        allowed_actions=[a.value for a in resolvers.allowed_here(dossier, resolvers.local_code(session))],
        officer_names=_officer_names(session, {dossier.received_by, dossier.handler} | {e.officer for e in events}),
    )


def previous_applicant(session: Session, id_number: str) -> dict[str, Any] | None:
    """A returning citizen: the newest dossier with this ID number fills the reception form."""
    row = session.execute(
        select(Dossier.applicant_name, Dossier.applicant_phone, Dossier.applicant_email, Dossier.applicant_address,
               Dossier.organisation)
        .where(Dossier.applicant_id_number == id_number.strip(), Dossier.deleted.is_(False))
        .order_by(Dossier.received_at.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return dict(zip(("name", "phone", "email", "address", "organisation"), row, strict=True))


def _officer_names(session: Session, usernames: set[str | None]) -> dict[str, str]:
    from desktop.db.models import Officer

    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    return dict(session.execute(select(Officer.username, Officer.full_name).where(Officer.username.in_(wanted))).all())
