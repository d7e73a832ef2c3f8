"""The leader's view of the audit trail: who changed what and when, filtered, and the chain check.

``desktop.db.audit`` writes and verifies the chain; this module is what front ends call, so the role
check (AUDIT_VIEW: leader or admin) is here, not only in the UI. Rows come back as plain dataclasses
with Vietnamese labels and the changed fields worked out (version/updated_at bumps left out).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.texts import OP_LABELS, TABLE_LABELS
from desktop.db.audit import AuditVerification, verify_chain
from desktop.db.models import Officer
from desktop.db.models_audit import AuditEntry
from desktop.errors import UserError
from desktop.services.permissions import SYSTEM_ACTORS, Permission, require
from desktop.texts import LABELS

BOOKKEEPING = frozenset({"version", "updated_at"})  # bumped by every write: not "what changed"
_SUBJECT_KEYS = ("code", "dossier_code", "username", "name", "number", "day", "kind")
MAX_ROWS = 5000


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    table: str | None = None
    limit: int = 1000


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    actor: str
    actor_name: str
    table: str
    record_id: str
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def op_label(self) -> str:
        return OP_LABELS.get(self.op, self.op)

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    @property
    def subject(self) -> str:
        """What a person recognises the row by: a dossier code, a username…; else the short id."""
        for image in (self.after, self.before):
            for key in _SUBJECT_KEYS:
                if image and image.get(key):
                    return str(image[key])
        return self.record_id[:8]

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) of every field this entry changed; all fields for an insert."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys
                if k not in BOOKKEEPING and before.get(k) != after.get(k)]


@dataclass(frozen=True)
class AuditCheck:
    """verify_chain's result plus the audit rows to point at: the first broken link, and the newest
    entry of each record whose current data no longer matches what the app wrote."""

    result: AuditVerification
    flagged: list[int] = field(default_factory=list)
    flagged_rows: list[AuditRow] = field(default_factory=list)  # the entries behind ``flagged``, if any left


def _bounds(flt: AuditFilter) -> tuple[str | None, str | None]:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise UserError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", field="date_from")
    low = flt.date_from.isoformat() if flt.date_from else None  # `at` is ISO text in VN time: sorts as text
    high = (flt.date_to + timedelta(days=1)).isoformat() if flt.date_to else None
    return low, high


def _names(session: Session) -> dict[str, str]:
    """username -> full name; the system actors (CLI without --officer, demo, sync…) read «Hệ thống»."""
    names = {a: LABELS["system"] for a in SYSTEM_ACTORS}
    names.update({r[0]: r[1] for r in session.execute(select(Officer.username, Officer.full_name))})
    return names


def _rows(session: Session, query: Any) -> list[AuditRow]:
    names = _names(session)
    return [AuditRow(r.seq, datetime.fromisoformat(r.at), r.actor, names.get(r.actor, r.actor), r.table_name,
                     r.record_id, r.op, json.loads(r.before) if r.before else None,
                     json.loads(r.after) if r.after else None)
            for r in session.connection().execute(query)]


def list_audit(session: Session, flt: AuditFilter | None = None) -> list[AuditRow]:
    """Newest first, at most ``flt.limit`` (capped at MAX_ROWS) rows."""
    require(session, Permission.AUDIT_VIEW)
    flt = flt or AuditFilter()
    table = AuditEntry.__table__
    query = select(table).order_by(table.c.seq.desc()).limit(max(1, min(flt.limit, MAX_ROWS)))
    if flt.actor:
        query = query.where(table.c.actor == flt.actor)
    if flt.table:
        query = query.where(table.c.table_name == flt.table)
    low, high = _bounds(flt)
    if low:
        query = query.where(table.c.at >= low)
    if high:
        query = query.where(table.c.at < high)
    return _rows(session, query)


def audit_actors(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of everyone who appears in the trail, for the filter list."""
    require(session, Permission.AUDIT_VIEW)
    actors = session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)).all()
    names = _names(session)
    return [(a, names.get(a, a)) for a in actors]


def check_audit(session: Session) -> AuditCheck:
    """The full chain check (``audit verify``), for leaders and admins."""
    require(session, Permission.AUDIT_VIEW)
    result = verify_chain(session)
    flagged: list[int] = [result.broken_at] if result.broken_at is not None else []
    table = AuditEntry.__table__
    for item in result.mismatched[:200]:
        seq = session.scalar(select(func.max(table.c.seq)).where(
            table.c.table_name == item["table"], table.c.record_id == item["record_id"]))
        if seq is not None:
            flagged.append(int(seq))
    rows = _rows(session, select(table).where(table.c.seq.in_(flagged)).order_by(table.c.seq)) if flagged else []
    return AuditCheck(result, flagged, rows)
