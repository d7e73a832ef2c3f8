"""What the Đồng bộ page and ``sync status`` show: pending, exported where and when, confirmed, rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.models_sync import SyncAck, SyncBatch, SyncChangeState, SyncReceipt, SyncRejection
from desktop.services.desk import read_settings
from desktop.sync.export import pending_rows


def sync_status(session: Session, *, recent: int = 10) -> dict[str, Any]:
    pending = pending_rows(session)
    exported_seqs = set(session.scalars(select(SyncChangeState.seq).where(SyncChangeState.state == "exported")))
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
        "pending_changes": len(pending),
        "pending_seq_from": pending[0].seq if pending else None,
        "pending_seq_to": pending[-1].seq if pending else None,
        "enrolment": enrolment,
        "enrolment_request": request,
        "device_revoked": revoked,
        "hub_url": get(settings.HUB_URL),
        "last_push": get(settings.LAST_PUSH),
        "package_version": get(settings.PACKAGE_VERSION),
        "min_app_version": get(settings.MIN_APP_VERSION),
        "pending_records": len({(r.table_name, r.record_id) for r in pending}),
        "ready_changes": sum(1 for r in pending if r.seq not in exported_seqs),
        "exported_unconfirmed": sum(1 for r in pending if r.seq in exported_seqs),
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
    latest: dict[tuple[str, str], Any] = {}
    for row in pending_rows(session):
        latest[(row.table_name, row.record_id)] = row
    out = []
    for (table, record_id), row in sorted(latest.items(), key=lambda kv: -kv[1].seq)[:limit]:
        state = states.get(row.seq)
        out.append({"table": table, "record_id": record_id, "version": row.version, "seq": row.seq,
                    "changed_at": clock.iso(row.at), "state": "exported" if state else "ready",
                    "batch_id": state.batch_id if state else None, "medium": state.medium if state else None,
                    "exported_at": clock.iso(state.exported_at) if state else None})
    return out
