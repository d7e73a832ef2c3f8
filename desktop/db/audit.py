"""The audit trail: every change to a synced row, who made it, before and after, in a hash chain.

Written by flush hooks on the desk's session class in the same transaction as the change, so no
service can forget it and a rolled-back change leaves no trace. Before/after images are read from the
database itself (not from Python objects), so :func:`verify_chain` can compare each row as it is now
with the last image the app wrote: an edit made with raw SQL behind the app's back shows as a
mismatch, and an edited or deleted audit row breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, event, func, inspect, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db import audit_key
from desktop.db.changelog import DeskSession
from desktop.db.models import Base, Setting, Synced
from desktop.db.models_audit import GENESIS_HASH, AuditEntry

log = logging.getLogger("desktop.audit")

_PENDING = "_audit_pending"
SECRET_COLUMNS = {"officer": {"password_hash"}}  # stored as a digest: changes detectable, hash not copied


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_AS_IS = frozenset({str, int, float, bool, type(None)})  # JSON as they are: the common case, no checks


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
    secret = SECRET_COLUMNS.get(table_name, ())
    image = {}
    for key, value in row._mapping.items():
        if key in secret and value is not None:
            value = "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()
        image[key] = value if type(value) in _AS_IS else _plain(value)
    return canonical(image)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, table_name: str, record_id: str, op: str,
               before: str | None, after: str | None, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 with the audit key (``audit_key.py``); plain SHA-256 for rows written before keying."""
    payload = (prev_hash + canonical([seq, at, actor, table_name, record_id, op, before, after])).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _device(session: Session, *, create: bool) -> str | None:
    """The device id the audit key is filed under (made here, as sync would, if the database has none)."""
    table = Setting.__table__
    conn = session.connection()
    value = conn.execute(select(table.c.value).where(table.c.key == settings.DEVICE_ID.key)).scalar()
    if value or not create:
        return str(value) if value else None
    value = str(uuid.uuid4())
    conn.execute(table.insert().values(key=settings.DEVICE_ID.key, value=value))
    return value


def _key_for_append(session: Session, seq: int, prev: str) -> bytes:
    """This desk's audit key, made at the first write; an older unkeyed chain is verified and re-anchored."""
    device = _device(session, create=True)
    assert device is not None
    found = audit_key.load(device)
    if found is not None:
        return found.key
    verified = True
    if seq:
        check = AuditVerification()
        _check_links(session, check, None)
        verified = check.broken_at is None
        log.warning("chuỗi nhật ký %d dòng được neo lại theo khóa mới (chuỗi cũ %s)", seq,
                    "đã kiểm tra, nguyên vẹn" if verified else "HỎNG: " + "; ".join(check.problems))
    return audit_key.create(device, keyed_from=seq + 1, legacy_head=prev, legacy_verified=verified,
                            reason="unkeyed_chain" if seq else "new").key


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
    key = _key_for_append(session, seq, prev)
    at = clock.iso(clock.now()) or ""
    actor = str(session.info.get("officer") or "system")
    rows = []
    for table_name, record_id, op, before, after in changes:
        seq += 1
        digest = entry_hash(prev, seq, at, actor, table_name, record_id, op, before, after, key=key)
        rows.append(dict(seq=seq, at=at, actor=actor, table_name=table_name, record_id=record_id, op=op,
                         before=before, after=after, prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(AuditEntry.__table__.insert(), rows)


def append_inserted(session: Session, table: Table, ids: list[str]) -> None:
    """Audit what a bulk Core insert just wrote (the demo's dossiers): same chain, images read back."""
    images = _images(session, table, ids)
    append(session, [(table.name, record_id, "insert", None, images.get(record_id)) for record_id in ids])


def update_audited(session: Session, table: Table, ids: list[str], **values: Any) -> None:
    """A bulk Core update of the rows ``ids`` that still leaves an audit entry (before and after) per row."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        before = _images(session, table, chunk)
        session.execute(table.update().where(table.c.id.in_(chunk)).values(**values))
        after = _images(session, table, chunk)
        append(session, [(table.name, i, "update", before.get(i), after.get(i)) for i in chunk])


@dataclass
class AuditVerification:
    """What ``audit verify`` found. ``ok`` needs an unbroken chain, the province's anchors met and every
    row matching its last image."""

    entries: int = 0
    broken_at: int | None = None
    problems: list[str] = field(default_factory=list)
    mismatched: list[dict[str, str]] = field(default_factory=list)
    unaudited: dict[str, int] = field(default_factory=dict)
    keyed_from: int | None = None  # first row hashed with the audit key; None: no key on this PC yet
    anchored: dict[str, Any] | None = None  # the longest head the province signed back
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.mismatched and not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "broken_at": self.broken_at, "problems": self.problems,
                "mismatched": self.mismatched, "unaudited": self.unaudited, "keyed_from": self.keyed_from,
                "anchored": self.anchored, "notes": self.notes}

    def broken(self, seq: int, problem: str) -> None:
        self.problems.append(problem)
        self.broken_at = seq if self.broken_at is None else min(self.broken_at, seq)


def _check_links(session: Session, result: AuditVerification, key: audit_key.AuditKey | None) -> None:
    """Row by row: numbering, link to the previous hash, own hash (keyed from ``key.keyed_from``)."""
    prev, expected = GENESIS_HASH, 1
    query = select(AuditEntry.__table__).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    for row in session.connection().execute(query):
        result.entries += 1
        secret = key.key if key is not None and row.seq >= key.keyed_from else None
        if row.seq != expected:
            result.problems.append(f"Thiếu dòng nhật ký số {expected}" + (
                f"–{row.seq - 1}" if row.seq - 1 > expected else "") + " (đã bị xóa).")
        elif row.prev_hash != prev:
            result.problems.append(f"Dòng nhật ký số {row.seq} không nối tiếp dòng trước (chuỗi băm bị sửa).")
        elif entry_hash(prev, row.seq, row.at, row.actor, row.table_name, row.record_id, row.op, row.before,
                        row.after, key=secret) != row.hash:
            result.problems.append(f"Dòng nhật ký số {row.seq} đã bị sửa sau khi ghi" + (
                " (không khớp khóa nhật ký của máy này)." if secret else "."))
        elif key is not None and row.seq == key.keyed_from - 1 and row.hash != key.legacy_head:
            result.problems.append(f"Phần nhật ký đến dòng số {row.seq} (có từ trước khi có khóa nhật ký) đã bị "
                                   "tính lại sau khi khóa được tạo.")
        if result.problems and result.broken_at is None:
            result.broken_at = min(expected, row.seq)
            return
        prev, expected = row.hash, row.seq + 1
    if key is not None and expected - 1 < key.keyed_from - 1:
        result.broken(expected, f"Nhật ký chỉ còn {expected - 1} dòng, ít hơn {key.keyed_from - 1} dòng đã có "
                                "khi tạo khóa nhật ký (các dòng cuối đã bị xóa).")


def _check_anchors(session: Session, result: AuditVerification) -> None:
    """The province signed back the head of every acknowledged batch: the chain must still reach it."""
    from desktop.sync import anchor

    anchors, problems = anchor.load(session)
    for problem in problems:
        result.broken(1, problem)
    conn = session.connection()
    last = conn.execute(select(func.max(AuditEntry.seq))).scalar() or 0
    for item in sorted(anchors, key=lambda a: a.count):
        where = f"gói {item.batch_id}, tỉnh xác nhận lúc {item.hub_time}"
        if last < item.count:
            result.broken(last + 1, f"Nhật ký chỉ còn {last} dòng nhưng tỉnh đã ký xác nhận {item.count} dòng "
                                    f"({where}): các dòng cuối đã bị xóa.")
            continue
        stored = conn.execute(select(AuditEntry.hash).where(AuditEntry.seq == item.count)).scalar() \
            if item.count else GENESIS_HASH
        if stored != item.hash:
            result.broken(max(item.count, 1), f"Dòng nhật ký số {item.count} khác với bản tỉnh đã ký xác nhận "
                                              f"({where}): chuỗi nhật ký đã bị tính lại.")
    if anchors:
        top = max(anchors, key=lambda a: a.count)
        result.anchored = {"count": top.count, "batch_id": top.batch_id, "hub_time": top.hub_time}


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
    """Check the chain link by link (with this PC's audit key), against the province's signed anchors,
    then compare current rows with their last audited images."""
    result = AuditVerification()
    device = _device(session, create=False)
    key = audit_key.load(device) if device else None
    result.keyed_from = key.keyed_from if key else None
    _check_links(session, result, key)
    if result.broken_at is not None and (key is None or (result.broken_at < key.keyed_from
                                                         and not key.legacy_verified)):
        where = audit_key.key_file(device) if device else "keys/audit-<máy>.key"
        result.notes.append(f"Nếu cơ sở dữ liệu này được chép từ máy khác: khóa nhật ký của máy cũ ({where}) "
                            "phải được chép theo; thiếu khóa thì các dòng đã khóa không kiểm tra được.")
    if key is None and result.entries:
        result.notes.append("Nhật ký chưa được khóa bằng khóa bí mật của máy này; khóa sẽ được tạo ở lần ghi "
                            "tiếp theo.")
    elif key is not None and key.keyed_from > 1:
        result.notes.append(f"Các dòng 1–{key.keyed_from - 1} có từ trước khi có khóa nhật ký; từ dòng "
                            f"{key.keyed_from} nhật ký được khóa bằng khóa bí mật của máy này.")
    _check_anchors(session, result)
    _check_rows(session, result)
    return result


def list_entries(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first, for the leader's view and ``audit list``."""
    rows = session.connection().execute(
        select(AuditEntry.__table__).order_by(AuditEntry.seq.desc()).limit(limit if limit > 0 else None))
    return [{"seq": r.seq, "at": r.at, "actor": r.actor, "table": r.table_name, "record_id": r.record_id,
             "op": r.op, "before": json.loads(r.before) if r.before else None,
             "after": json.loads(r.after) if r.after else None, "hash": r.hash} for r in rows]
