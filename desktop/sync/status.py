"""What the Đồng bộ page and ``sync status`` show: pending, exported where and when, confirmed, rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.models import ChangeLog
from desktop.db.models_sync import SyncAck, SyncBatch, SyncChangeState, SyncReceipt, SyncRejection
from desktop.services.desk import read_settings
from desktop.sync import identity


def pending_counts(session: Session) -> dict[str, Any]:
    """The pending change-log entries counted by SQLite: a desk that never synced has millions of them at
    200,000 dossiers, and reading them as rows cost a minute and 150 MB each time the Đồng bộ page showed."""
    pending = select(ChangeLog.seq, ChangeLog.table_name, ChangeLog.record_id).where(
        identity.pending_condition()).subquery()
    exported = select(SyncChangeState.seq).where(SyncChangeState.state == "exported")
    count, first, last, unconfirmed = session.execute(select(
        func.count(), func.min(pending.c.seq), func.max(pending.c.seq),
        func.coalesce(func.sum(case((pending.c.seq.in_(exported), 1), else_=0)), 0))).one()
    records = session.scalar(select(func.count()).select_from(
        select(pending.c.table_name, pending.c.record_id).distinct().subquery()))
    return {"pending_changes": count, "pending_seq_from": first, "pending_seq_to": last,
            "pending_records": records or 0, "ready_changes": count - unconfirmed,
            "exported_unconfirmed": unconfirmed}


def sync_status(session: Session, *, recent: int = 10) -> dict[str, Any]:
    pending = pending_counts(session)
    values = read_settings(session, settings.PROVINCE_KEYS, settings.DEVICE_ID, settings.REVOKED_DEVICES,
                           settings.ENROLMENT_REQUEST, settings.LAST_PUSH, settings.LAST_SYNC, settings.UNIT_CODE,
                           settings.EPOCH, settings.EPOCH_START, settings.HUB_URL, settings.PACKAGE_VERSION,
                           settings.MIN_APP_VERSION)  # one query

    def get(setting: settings.Setting) -> Any:
        return values[setting.key]

    bundle = get(settings.PROVINCE_KEYS)
    batches = session.scalars(select(SyncBatch).order_by(SyncBatch.exported_at.desc()).limit(recent)).all()
    receipts = session.scalars(select(SyncReceipt).order_by(SyncReceipt.imported_at.desc()).limit(recent)).all()
    rejections = session.scalars(select(SyncRejection).order_by(SyncRejection.id.desc()).limit(100)).all()
    acked = {a.epoch: a.acked_seq for a in session.scalars(select(SyncAck))}
    device = get(settings.DEVICE_ID)
    revoked = bool(device) and device in (get(settings.REVOKED_DEVICES) or [])
    any_receipt = session.scalar(select(func.count()).select_from(SyncReceipt)) or 0
    request = get(settings.ENROLMENT_REQUEST)
    # The hub's own word on the newest push counts too, unless a receipt arrived after it.
    push = get(settings.LAST_PUSH) or {}
    last_at = get(settings.LAST_SYNC)
    hub_says = push.get("code") if isinstance(push, dict) and (not last_at or str(push.get("at") or "") > str(last_at)) \
        else None
    revoked = revoked or hub_says == "revoked_device"
    enrolment = "revoked" if revoked else "unknown" if hub_says == "unknown_device" else \
        "confirmed" if any_receipt else "requested" if request else "none"
    return {
        "device_id": get(settings.DEVICE_ID),
        "unit_code": get(settings.UNIT_CODE),
        "epoch": get(settings.EPOCH),
        "epoch_start": get(settings.EPOCH_START),
        "province_keys_installed": bool(bundle),
        "province": (bundle or {}).get("province"),
        "last_sync_at": get(settings.LAST_SYNC),
        **{key: pending[key] for key in ("pending_changes", "pending_seq_from", "pending_seq_to")},
        "enrolment": enrolment,
        "enrolment_request": request,
        "device_revoked": revoked,
        "hub_url": get(settings.HUB_URL),
        "last_push": get(settings.LAST_PUSH),
        "package_version": get(settings.PACKAGE_VERSION),
        "min_app_version": get(settings.MIN_APP_VERSION),
        **{key: pending[key] for key in ("pending_records", "ready_changes", "exported_unconfirmed")},
        "synced_changes": session.scalar(select(func.count()).where(SyncChangeState.state == "synced")) or 0,
        "rejected_changes": session.scalar(select(func.count()).where(SyncChangeState.state == "rejected")) or 0,
        "batches": [{"batch_id": b.batch_id, "file": b.file_name, "destination": b.destination, "medium": b.medium,
                     "changes": b.changes, "seq_from": b.seq_from, "seq_to": b.seq_to, "epoch": b.epoch,
                     "size": b.size, "exported_by": b.exported_by,
                     "exported_at": clock.iso(b.exported_at), "acknowledged_at": clock.iso(b.acknowledged_at),
                     # never confirmed itself, but a later batch's receipt covered all it carried (lost stick)
                     "superseded": b.acknowledged_at is None and b.seq_to <= acked.get(b.epoch, 0)}
                    for b in batches],
        "receipts": [{"receipt_id": r.receipt_id, "batch_id": r.batch_id, "status": r.status, "hub_time": r.hub_time,
                      "imported_at": clock.iso(r.imported_at), "counts": r.body.get("counts", {}),
                      "gaps": r.body.get("gaps", []), "problems": len(r.body.get("problems") or [])}
                     for r in receipts],
        "rejections": [{"batch_id": x.batch_id, "table": x.table_name, "record_id": x.record_id,
                        "version": x.version, "code": x.code, "message": x.message,
                        "received_at": clock.iso(x.received_at)} for x in rejections],
    }


def last_sync(session: Session) -> dict[str, Any]:
    """For the status bar: when the province last confirmed something, and whether the newest push
    attempt after that failed (then the officer should look at the Đồng bộ page)."""
    values = read_settings(session, settings.LAST_SYNC, settings.LAST_PUSH)
    at, push = values[settings.LAST_SYNC.key], values[settings.LAST_PUSH.key] or {}
    failed = isinstance(push, dict) and push.get("status") in ("refused", "failed") and \
        (not at or str(push.get("at") or "") > str(at))
    return {"at": at, "push_failed": bool(failed), "push_message": push.get("message") if failed else None}


def pending_list(session: Session, *, limit: int = 200) -> list[dict[str, Any]]:
    """Records not yet confirmed, newest change first: READY (never exported) or EXPORTED (where, when)."""
    states = {s.seq: s for s in session.scalars(select(SyncChangeState).where(SyncChangeState.state == "exported"))}
    newest = (select(func.max(ChangeLog.seq).label("seq")).where(identity.pending_condition())
              .group_by(ChangeLog.table_name, ChangeLog.record_id).order_by(func.max(ChangeLog.seq).desc())
              .limit(limit).subquery())  # each record's newest pending change, counted by SQLite
    rows = session.execute(select(*ChangeLog.__table__.columns).join(newest, ChangeLog.seq == newest.c.seq)
                           .order_by(ChangeLog.seq.desc()))
    out = []
    for row in rows:
        state = states.get(row.seq)
        out.append({"table": row.table_name, "record_id": row.record_id, "version": row.version, "seq": row.seq,
                    "changed_at": clock.iso(row.at), "state": "exported" if state else "ready",
                    "batch_id": state.batch_id if state else None, "medium": state.medium if state else None,
                    "exported_at": clock.iso(state.exported_at) if state else None})
    return out
