"""Export: everything in the change log the province has not confirmed, as one batch file.

Since the last RECEIPT, not the last export: a lost or half-written stick costs nothing, the next
export carries the same changes again. Each record travels once per batch, as its latest full row.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal, null, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desktop import settings
from desktop import __version__

from desktop.platform import clock
from desktop.db.models import ChangeLog, Dossier, Procedure
from desktop.db.types import VNDateTime
from desktop.db.models_sync import SyncBatch, SyncChangeState, SyncReceipt
from desktop.db.session import Database, current_revisions
from desktop.errors import UserError
from desktop.services.desk import get_setting
from desktop.sync import anchor, batch, canonical, identity, keys, tables
from desktop.sync.errors import SyncError
from desktop.platform.atomic import unused_name, write_atomic
from desktop.platform.gc_pause import paused_gc

log = logging.getLogger("desktop.sync")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportResult:
    file: Path | None
    batch_id: str | None
    changes: int
    seq_from: int | None
    seq_to: int | None
    epoch: str
    sha256: str | None = None
    size: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.file) if self.file else None, "batch_id": self.batch_id, "changes": self.changes,
                "seq_from": self.seq_from, "seq_to": self.seq_to, "epoch": self.epoch, "sha256": self.sha256,
                "size": self.size}


def pending_rows(session: Session) -> list[Any]:
    """Change-log rows above the acknowledged sequence of their epoch, in sequence order. Plain rows with
    the ChangeLog column names as attributes (not ORM objects: 10k of those cost a quarter of an export)."""
    query = select(*ChangeLog.__table__.columns).where(identity.pending_condition()).order_by(ChangeLog.seq)
    return list(session.execute(query))


def _snapshots(session: Session, latest: dict[tuple[str, str], Any]) -> list[dict[str, Any]]:
    """The rows behind the pending change-log entries. A row another unit owns (a forwarded dossier this
    desk resolves, issue #15) stays out: its owner sends it; this desk's part travels as its own events."""
    unit = identity.unit_code(session)
    by_table: dict[str, list[str]] = {}
    for table_name, record_id in latest:
        by_table.setdefault(table_name, []).append(record_id)
    known = tables.synced_tables()
    changes: list[dict[str, Any]] = []
    for table_name, ids in by_table.items():
        table = known.get(table_name)
        if table is None:
            log.warning("nhật ký thay đổi có bảng lạ %s; bỏ qua %d bản ghi", table_name, len(ids))
            continue
        for row in tables.read_snapshots(session, table, ids):
            if unit and row["owner_unit"] not in ("", unit):
                continue
            _sendable(session, table, row)
            entry = latest[(table_name, row["id"])]
            changes.append({
                "change_id": f"{entry.epoch}:{entry.seq}", "seq": entry.seq, "epoch": entry.epoch,
                "table": table_name, "record_id": row["id"], "op": "delete" if row["deleted"] else "upsert",
                "version": row["version"], "row": row,
                "officer": entry.officer, "device_time": clock.iso(entry.at),
            })
    order = list(known)
    changes.sort(key=lambda c: (order.index(c["table"]), c["seq"]))
    return changes


def _sendable(session: Session, table: Any, row: dict[str, Any]) -> None:
    """The province's own check of every value (``tables.row_values``), run before sealing. A value it
    refuses (an appointment past 2100 from an old ledger, say) would have the province refuse this batch
    and, the record being re-sent until confirmed, every later one: the officer learns here which record
    to correct, and nothing is written or marked sent."""
    try:
        tables.row_values(table, canonical.row_as_sent(row))
    except SyncError as exc:
        raise SyncError("unsendable_value", f"{_record_label(session, table.name, row)} — {exc.detail}") from None


def _record_label(session: Session, table_name: str, row: dict[str, Any]) -> str:
    """How an officer finds the record: its dossier's code when it has one."""
    dossier_id = row["id"] if table_name == "dossier" else row.get("dossier_id")
    code = session.scalar(select(Dossier.code).where(Dossier.id == dossier_id)) if isinstance(dossier_id, str) else None
    if code:
        return f"hồ sơ {code}" if table_name == "dossier" else f"hồ sơ {code}, bảng {table_name}"
    return f"bản ghi {row['id']} (bảng {table_name})"


@paused_gc()  # ~10k change dicts stay alive until the batch is written: no full-heap walks meanwhile
def export_batch(db: Database, out_dir: Path, *, medium: str = "usb", officer: str | None = None,
                 progress: Progress | None = None) -> ExportResult:
    """Write one batch into ``out_dir`` (atomically, re-read and hash-checked) and record it."""
    epoch = identity.ensure_epoch(db)
    with db.reading() as session:
        device = identity.device_id(session)
        unit = identity.unit_code(session)
        bundle = keys.installed_bundle(session)
        rows = pending_rows(session)
        if not rows:
            return ExportResult(None, None, 0, None, None, epoch)
        latest: dict[tuple[str, str], Any] = {}
        ranges: dict[str, list[int]] = {}
        for row in rows:
            latest[(row.table_name, row.record_id)] = row
            span = ranges.setdefault(row.epoch, [row.seq, row.seq])
            span[1] = row.seq
        changes = _snapshots(session, latest)
        previous = session.scalars(select(SyncBatch).order_by(SyncBatch.exported_at.desc(),
                                                              SyncBatch.seq_to.desc()).limit(1)).first()
        last_receipt = session.scalars(select(SyncReceipt).order_by(SyncReceipt.imported_at.desc()).limit(1)).first()
        catalog_version = session.scalar(select(func.max(Procedure.catalog_version)))
        epoch_start = int(get_setting(session, settings.EPOCH_START.key, 1) or 1)
        package_version = get_setting(session, settings.PROVINCE_PACKAGE_VERSION.key)
        audit_head = anchor.current_head(session)
    created = clock.now()
    spec = batch.BatchSpec(
        batch_id=str(uuid.uuid4()), device_id=device, unit_code=unit, epoch=epoch,
        seq_from=rows[0].seq, seq_to=rows[-1].seq, created_at=created, app_version=__version__,
        schema_version="+".join(sorted(current_revisions(db.engine))),
        previous_batch={"batch_id": previous.batch_id, "sha256": previous.sha256} if previous else None,
        reference_versions={"catalog": catalog_version or "", "province_package": package_version},
        last_receipt={"receipt_id": last_receipt.receipt_id, "batch_id": last_receipt.batch_id,
                      "sha256": last_receipt.sha256} if last_receipt else None,
        ranges=ranges, epoch_start=epoch_start, audit_head=audit_head,
    )
    key = identity.signing_key(device)
    data, _header = batch.build(spec, changes, signing_key=key, device_cert=identity.certificate(device, unit, key),
                                recipients=keys.recipients(bundle), progress=progress)
    target = unused_name(out_dir / batch.file_name(unit_code=unit, device_id=device, epoch=epoch,
                                                   seq_to=spec.seq_to, created_at=created))
    digest = canonical.sha256(data)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written = target.read_bytes()
    except OSError as exc:  # full stick, write-protected, pulled out
        raise UserError(f"Không ghi được gói dữ liệu vào {out_dir}: {exc.strerror or exc}. "
                        "Kiểm tra USB còn chỗ trống, không bị khóa ghi, rồi xuất lại.", field="out") from None
    if canonical.sha256(written) != digest:  # the stick lied (failing flash, unplugged mid-write)
        target.unlink(missing_ok=True)
        raise SyncError("bad_hash", f"kiểm tra lại tệp vừa ghi {target.name}")
    _record(db, spec, target, digest, len(data), len(changes), medium, officer, created)
    identity.note_exported(db, epoch, spec.seq_to)
    return ExportResult(target, spec.batch_id, len(changes), spec.seq_from, spec.seq_to, epoch, digest, len(data))


def _record(db: Database, spec: batch.BatchSpec, target: Path, digest: str, size: int, count: int,
            medium: str, officer: str | None, when: Any) -> None:
    """Only after the file is safely on the medium do the changes become EXPORTED."""
    with db.transaction(officer=officer) as session:
        session.add(SyncBatch(batch_id=spec.batch_id, file_name=target.name, destination=str(target.parent),
                              medium=medium, sha256=digest, size=size, epoch=spec.epoch, seq_from=spec.seq_from,
                              seq_to=spec.seq_to, changes=count, exported_at=when, exported_by=officer))
        # One INSERT … SELECT of the rows just exported (still pending, up to the batch's last sequence),
        # not 10k bound parameter sets (issue 14).
        table = SyncChangeState.__table__
        exported = select(ChangeLog.seq, ChangeLog.epoch, literal("exported"), literal(spec.batch_id),
                          literal(medium), literal(when, VNDateTime()), null()).where(
            ChangeLog.seq.between(spec.seq_from, spec.seq_to), identity.pending_condition())
        stmt = sqlite_insert(table).from_select(
            ["seq", "epoch", "state", "batch_id", "medium", "exported_at", "acknowledged_at"], exported)
        session.execute(stmt.on_conflict_do_update(index_elements=[table.c.seq], set_={
            k: stmt.excluded[k] for k in ("epoch", "state", "batch_id", "medium", "exported_at")}))
