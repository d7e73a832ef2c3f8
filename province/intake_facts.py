"""What a push acknowledgement reads before it verifies anything (issue 14), in one round trip.

Whether the batch id is known (applied or stored), how many of the device's batches wait (the per-device
cap's early look), the province's facts the receipt names, and the device row itself (it lands in the
session's identity map, where ``importer.device_key`` finds it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, or_, select

from province.models import HubBatch, HubDevice, HubIntake, HubMeta

QUEUED = "queued"  # the state of a stored batch waiting to be applied (``province.intake`` uses this one)
_FACT_NAMES = ("package_version", "name", "signing_kid")


def _facts_query() -> Any:
    """The facts SELECT, built once with bound parameters (a push pays no statement building)."""
    batch_id, device_id = bindparam("batch_id"), bindparam("device_id")
    seen = or_(select(HubBatch.batch_id).where(HubBatch.batch_id == batch_id).exists(),
               select(HubIntake.batch_id).where(HubIntake.batch_id == batch_id).exists())
    queued = (select(func.count()).select_from(HubIntake)
              .where(HubIntake.state == QUEUED, HubIntake.device_id == device_id).scalar_subquery())
    meta = [select(HubMeta.value).where(HubMeta.key == name).scalar_subquery().label(name) for name in _FACT_NAMES]
    return select(HubDevice, seen.label("seen"), queued.label("queued"), *meta).where(HubDevice.device_id == device_id)


_FACTS = _facts_query()


def facts(session: Any, header: dict[str, Any]) -> dict[str, Any] | None:
    """What the acknowledgement reads, in one round trip (the device row lands in the session's identity
    map, where ``importer.device_key`` finds it): whether the batch id is known, how many of the device's
    batches wait, the province's facts. None when the device is not enrolled."""
    row = session.execute(_FACTS, {"batch_id": header["batch_id"], "device_id": header["device_id"]}).first()
    if row is None:
        return None
    # the row is kept: the session's identity map holds it weakly, and ``device_key`` must find it there
    return {"device": row[0], "seen": bool(row.seen), "queued": int(row.queued or 0)} | {
        name: row._mapping[name] for name in _FACT_NAMES}
