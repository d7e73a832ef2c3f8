"""What the hub shows about each unit: last batch, last receipt, sequence gaps, app version, conflicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from desktop.platform import clock
from desktop.rules.validation import CONTROL_CHARACTERS
from desktop.sync import canonical
from province import watermarks
from province.db import Hub
from province.models import HubBatch, HubConflict, HubDevice, HubReceipt, HubWatermark


def _units(session: Any) -> list[str]:
    codes = set(session.scalars(select(HubDevice.unit_code))) | set(session.scalars(select(HubBatch.unit_code)))
    return sorted(codes)


def unit_status(hub: Hub, code: str) -> dict[str, Any] | None:
    if CONTROL_CHARACTERS.search(code):  # no unit has such a code; PostgreSQL refused the query (a 500)
        return None
    with hub.reading() as session:
        return _unit_status(session, code)


def all_units(hub: Hub) -> list[dict[str, Any]]:
    with hub.reading() as session:
        return [s for s in (_unit_status(session, code) for code in _units(session)) if s is not None]


def _unit_status(session: Any, code: str) -> dict[str, Any] | None:
    devices = session.scalars(select(HubDevice).where(HubDevice.unit_code == code)
                              .order_by(HubDevice.enrolled_at)).all()
    last = session.scalars(select(HubBatch).where(HubBatch.unit_code == code)
                           .order_by(HubBatch.imported_at.desc(), HubBatch.seq_to.desc()).limit(1)).first()
    if not devices and last is None:
        return None
    receipt = None
    if last is not None:
        stored = session.get(HubReceipt, last.batch_id)
        if stored is not None:
            body = canonical.loads(stored.content)["receipt"]
            receipt = {"receipt_id": stored.receipt_id, "batch_id": stored.batch_id,
                       "created_at": clock.iso(stored.created_at), "counts": body.get("counts", {}),
                       "accepted_through": body.get("accepted_through", {})}
    ids = [d.device_id for d in devices]
    gaps: list[dict[str, Any]] = []
    for mark in session.scalars(select(HubWatermark).where(HubWatermark.device_id.in_(ids))):
        gaps.extend({"device_id": mark.device_id, "epoch": mark.epoch, "seq_from": lo, "seq_to": hi}
                    for lo, hi in watermarks.gaps(mark.epoch_start, [list(r) for r in mark.ranges]))
    conflicts = session.scalar(select(func.count()).select_from(HubConflict).where(
        HubConflict.device_id.in_(ids), HubConflict.resolved_at.is_(None))) or 0
    batches = session.scalar(select(func.count()).select_from(HubBatch).where(HubBatch.unit_code == code)) or 0
    return {
        "unit_code": code,
        "unit_name": next((d.unit_name for d in devices if d.unit_name), ""),
        "devices": [{"device_id": d.device_id, "app_version": d.app_version,
                     "revoked": d.revoked_at is not None} for d in devices],
        "app_versions": sorted({d.app_version for d in devices if d.app_version}),
        "batches": batches,
        "last_batch": None if last is None else {
            "batch_id": last.batch_id, "device_id": last.device_id, "epoch": last.epoch, "seq_from": last.seq_from,
            "seq_to": last.seq_to, "changes": last.changes, "applied": last.applied, "created_at": last.created_at,
            "imported_at": clock.iso(last.imported_at)},
        "last_receipt": receipt,
        "gaps": gaps,
        "pending_conflicts": conflicts,
    }
