"""Review 12 (session 12): slices are recomputed only for dossiers whose report values changed — so random
batches through the import path (dossiers created, updated, moved to another half-month or year, deleted,
forwarded and refolded by events; supplements added with or before their dossier, changed, deleted, a
part sent on another dossier; stale copies from a second device) must leave the aggregates equal to the
raw rows after every batch, on SQLite and PostgreSQL, direct COPY on and off."""

from __future__ import annotations

import random
from typing import Any

import pytest

from province import report_counts, staging
from province.db import Hub
from tests.hub.test_report_upkeep_batches import OTHER, UNIT, _change, _dossier, _import

MOMENTS = ("2026-10-01T00:00:00+07:00", "2026-10-14T23:59:59+07:00", "2026-10-15T00:00:00+07:00",
           "2026-10-20T09:00:00+07:00", "2026-11-02T08:00:00+07:00", "2025-12-31T20:00:00+07:00")
DOSSIERS = [f"d{i}" for i in range(6)]


def _random_dossier(rng: random.Random, i: str) -> dict[str, Any]:
    more: dict[str, Any] = {"due_at": rng.choice((None, *MOMENTS)), "channel": rng.choice(("direct", "online")),
                            "deleted": rng.random() < 0.15, "field_name": rng.choice(("Hộ tịch", "Đất đai"))}
    if rng.random() < 0.4:
        more |= {"status": "resolved", "result_at": rng.choice(MOMENTS[2:])}
    elif rng.random() < 0.3:
        more |= {"status": "awaiting_supplement"}
    if rng.random() < 0.25:
        more |= {"resolver_kind": "unit", "resolver_code": OTHER, "receiving_unit": UNIT, "status": "transferred"}
    return _dossier(i, rng.choice(MOMENTS), **more)


def _random_supplement(rng: random.Random, i: str, dossier_id: str) -> dict[str, Any]:
    return {"id": i, "owner_unit": UNIT, "dossier_id": dossier_id, "deleted": rng.random() < 0.2, "items": ["CCCD"],
            "requested_at": rng.choice(MOMENTS), "received_at": rng.choice((None, *MOMENTS)),
            "previous_due_at": rng.choice((None, *MOMENTS))}


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_random_batches_keep_the_aggregates_equal_to_the_raw_rows(hub: Hub, seed: int, direct: bool,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "DIRECT_NEW", direct)
    rng = random.Random(seed)
    versions: dict[str, int] = {}
    parent: dict[str, str] = {}
    seq = 0
    for _batch in range(14):
        changes = []
        for _n in range(rng.randint(1, 6)):
            seq += 1
            kind = rng.random()
            if kind < 0.45:
                record, table = rng.choice(DOSSIERS), "dossier"
                row = _random_dossier(rng, record)
            elif kind < 0.8:
                record, table = f"s{rng.randint(0, 5)}", "supplement"
                home = parent.setdefault(record, rng.choice(DOSSIERS))  # maybe before its dossier
                row = _random_supplement(rng, record, rng.choice(DOSSIERS) if rng.random() < 0.1 else home)
            else:
                record, table = f"e{rng.randint(0, 3)}", "dossier_event"
                home = parent.setdefault(record, rng.choice(DOSSIERS))
                row = {"id": record, "owner_unit": UNIT, "dossier_id": home, "deleted": False, "data": {},
                       "kind": rng.choice(("resolved", "returned", "note")), "at": rng.choice(MOMENTS)}
            stale = record in versions and rng.random() < 0.15
            versions[record] = versions.get(record, 0) + (0 if stale else 1)
            changes.append(_change(table, row, versions[record], seq, op="delete" if row["deleted"] else "upsert"))
        _import(hub, changes, device=rng.choice(("dev-a", "dev-b")))
        with hub.reading() as session:
            assert [d.message for d in report_counts.check(session)] == [], (seed, _batch, changes)
