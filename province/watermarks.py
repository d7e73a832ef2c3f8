"""Per device and epoch: which sequence numbers the hub has, and where the holes are.

A hole does not block an import (snapshots are order-independent); the receipt reports it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.models import HubWatermark


def merge(ranges: list[list[int]], new: list[int]) -> list[list[int]]:
    spans = sorted([list(r) for r in ranges] + [list(new)])
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return merged


def gaps(epoch_start: int, ranges: list[list[int]]) -> list[list[int]]:
    holes, expected = [], epoch_start
    for lo, hi in ranges:
        if lo > expected:
            holes.append([expected, lo - 1])
        expected = max(expected, hi + 1)
    return holes


def covered(session: Session, device_id: str, epochs: list[str]) -> dict[str, list[list[int]]]:
    rows = session.scalars(select(HubWatermark).where(HubWatermark.device_id == device_id,
                                                      HubWatermark.epoch.in_(epochs)))
    return {row.epoch: [list(r) for r in row.ranges] for row in rows}


def record(session: Session, device_id: str, ranges: dict[str, list[int]], *, epoch: str, epoch_start: int,
           now: datetime) -> list[dict[str, Any]]:
    """Merge this batch's ranges; returns the holes of every epoch it touched."""
    holes: list[dict[str, Any]] = []
    for ep, span in sorted(ranges.items()):
        row = session.get(HubWatermark, (device_id, ep))
        if row is None:
            start = epoch_start if ep == epoch else span[0]
            row = HubWatermark(device_id=device_id, epoch=ep, epoch_start=start, ranges=[], through=start - 1,
                               first_seen=now, last_seen=now)
            session.add(row)
        row.ranges = merge(row.ranges or [], span)
        row.last_seen = now
        first = row.ranges[0]
        row.through = first[1] if first[0] <= row.epoch_start else row.epoch_start - 1
        holes.extend({"epoch": ep, "seq_from": lo, "seq_to": hi} for lo, hi in gaps(row.epoch_start, row.ranges))
    return holes
