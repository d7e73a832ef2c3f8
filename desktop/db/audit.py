"""The audit trail: every change to a synced row, who made it, before and after, in a hash chain.

Written by flush hooks on the desk's session class in the same transaction as the change, so no
service can forget it and a rolled-back change leaves no trace. Before/after images are read from the
database itself (not from Python objects), so :func:`verify_chain` can compare each row as it is now
with the last image the app wrote: an edit made with raw SQL behind the app's back shows as a
mismatch, and an edited or deleted audit row breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, event, func, inspect, select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.db.changelog import DeskSession
from desktop.db.models import Base, Synced
from desktop.db.models_audit import GENESIS_HASH, AuditEntry

_PENDING = "_audit_pending"
SECRET_COLUMNS = {"officer": {"password_hash"}}  # stored as a digest: changes detectable, hash not copied


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_image(table_name: str, row: Any) -> str:
    """Canonical JSON of a row as read from the database (secret columns replaced by their digest)."""
    secret = SECRET_COLUMNS.get(table_name, set())
    image = {}
    for key, value in row._mapping.items():
        if key in secret and value is not None:
            value = "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()
        image[key] = _plain(value)
    return canonical(image)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, table_name: str, record_id: str, op: str,
               before: str | None, after: str | None) -> str:
    payload = canonical([seq, at, actor, table_name, record_id, op, before, after])
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def synced_tables() -> dict[str, Table]:
    return {m.class_.__tablename__: m.local_table for m in Base.registry.mappers  # type: ignore[attr-defined]
            if issubclass(m.class_, Synced) and isinstance(m.local_table, Table)}


def _images(session: Session, table: Table, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        rows = session.connection().execute(select(table).where(table.c.id.in_(ids[start:start + 500])))
        out.update({row.id: row_image(table.name, row) for row in rows})
    return out


@event.listens_for(DeskSession, "before_flush")
def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    """Remember what this flush changes, with the before-image of updated rows (still in the DB now)."""
    pending: list[tuple[Any, str, str | None]] = []
    dirty_by_table: dict[str, list[Any]] = defaultdict(list)
    for obj in session.new:
        if isinstance(obj, Synced):
            pending.append((obj, "insert", None))
    for obj in session.dirty:
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            dirty_by_table[obj.__tablename__].append(obj)  # type: ignore[attr-defined]
    if dirty_by_table:
        with session.no_autoflush:
            for table_name, objs in dirty_by_table.items():
                table = inspect(objs[0]).mapper.local_table
                before = _images(session, table, [o.id for o in objs])
                for obj in objs:
                    pending.append((obj, "delete" if obj.deleted else "update", before.get(obj.id)))
    session.info[_PENDING] = pending


@event.listens_for(DeskSession, "after_flush")
def _write(session: Session, flush_context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_table: dict[str, list[Any]] = defaultdict(list)
    for obj, _, _ in pending:
        by_table[obj.__tablename__].append(obj)
    after: dict[tuple[str, str], str] = {}
    for table_name, objs in by_table.items():
        table = inspect(objs[0]).mapper.local_table
        for record_id, image in _images(session, table, [o.id for o in objs]).items():
            after[(table_name, record_id)] = image
    append(session, [(obj.__tablename__, obj.id, op, before, after.get((obj.__tablename__, obj.id)))
                     for obj, op, before in pending])


def append(session: Session, changes: list[tuple[str, str, str, str | None, str | None]]) -> None:
    """Append entries (table, record id, op, before, after) to the chain, in this transaction.

    Also for writers that bypass the ORM flush (bulk Core inserts): pass the images they wrote.
    """
    if not changes:
        return
    conn = session.connection()
    last = conn.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    at = clock.iso(clock.now()) or ""
    actor = str(session.info.get("officer") or "system")
    rows = []
    for table_name, record_id, op, before, after in changes:
        seq += 1
        digest = entry_hash(prev, seq, at, actor, table_name, record_id, op, before, after)
        rows.append(dict(seq=seq, at=at, actor=actor, table_name=table_name, record_id=record_id, op=op,
                         before=before, after=after, prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(AuditEntry.__table__.insert(), rows)


@dataclass
class AuditVerification:
    """What ``audit verify`` found. ``ok`` needs an unbroken chain and every row matching its last image."""

    entries: int = 0
    broken_at: int | None = None
    problems: list[str] = field(default_factory=list)
    mismatched: list[dict[str, str]] = field(default_factory=list)
    unaudited: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.mismatched

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "broken_at": self.broken_at, "problems": self.problems,
                "mismatched": self.mismatched, "unaudited": self.unaudited}


def _check_links(session: Session, result: AuditVerification) -> None:
    prev, expected = GENESIS_HASH, 1
    query = select(AuditEntry.__table__).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    for row in session.connection().execute(query):
        result.entries += 1
        if row.seq != expected:
            result.problems.append(f"Thiếu dòng nhật ký số {expected}" + (
                f"–{row.seq - 1}" if row.seq - 1 > expected else "") + " (đã bị xóa).")
        elif row.prev_hash != prev:
            result.problems.append(f"Dòng nhật ký số {row.seq} không nối tiếp dòng trước (chuỗi băm bị sửa).")
        elif entry_hash(prev, row.seq, row.at, row.actor, row.table_name, row.record_id, row.op, row.before,
                        row.after) != row.hash:
            result.problems.append(f"Dòng nhật ký số {row.seq} đã bị sửa sau khi ghi.")
        if result.problems and result.broken_at is None:
            result.broken_at = min(expected, row.seq)
            return
        prev, expected = row.hash, row.seq + 1


def _check_rows(session: Session, result: AuditVerification) -> None:
    """Every row as it is now must equal the after-image of its newest audit entry."""
    conn = session.connection()
    audit = AuditEntry.__table__
    for table_name, table in sorted(synced_tables().items()):
        newest = (select(func.max(audit.c.seq)).where(audit.c.table_name == table_name)
                  .group_by(audit.c.record_id).scalar_subquery())
        latest = select(audit.c.record_id, audit.c.after).where(audit.c.table_name == table_name,
                                                                 audit.c.seq.in_(newest))
        last_images = {r[0]: r[1] for r in conn.execute(latest)}
        unaudited = 0
        for row in conn.execute(select(table).execution_options(yield_per=2000)):
            image = last_images.get(row.id)
            if image is None:
                unaudited += 1
            elif image != row_image(table_name, row):
                result.mismatched.append({"table": table_name, "record_id": row.id})
        if unaudited:
            result.unaudited[table_name] = unaudited
    for item in result.mismatched[:20]:
        result.problems.append(f"Bản ghi {item['table']} {item['record_id']} đã bị sửa ngoài phần mềm "
                               "(khác với lần ghi cuối trong nhật ký).")


def verify_chain(session: Session) -> AuditVerification:
    """Check the chain link by link, then compare current rows with their last audited images."""
    result = AuditVerification()
    _check_links(session, result)
    _check_rows(session, result)
    return result


def list_entries(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first, for the leader's view and ``audit list``."""
    rows = session.connection().execute(
        select(AuditEntry.__table__).order_by(AuditEntry.seq.desc()).limit(limit if limit > 0 else None))
    return [{"seq": r.seq, "at": r.at, "actor": r.actor, "table": r.table_name, "record_id": r.record_id,
             "op": r.op, "before": json.loads(r.before) if r.before else None,
             "after": json.loads(r.after) if r.after else None, "hash": r.hash} for r in rows]
