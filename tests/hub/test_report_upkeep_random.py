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


def _sup(i: str, **more: Any) -> dict[str, Any]:
    return {"id": i, "owner_unit": UNIT, "dossier_id": "a", "deleted": False, "items": ["CCCD"],
            "requested_at": "2026-10-22T10:00:00+07:00", "received_at": None,
            "previous_due_at": "2026-10-25T17:00:00+07:00"} | more


SAME = _dossier("a", "2026-10-20T09:00:00+07:00", applicant_name="Thử lại")  # no report value changed
PAIRS = {
    "notes then a new supplement": ([_change("dossier", SAME, 2, 1)], [_change("supplement", _sup("s9"), 1, 1)]),
    "a supplement answered then notes": ([_change("supplement", _sup("s1", received_at="2026-10-29T10:00:00+07:00"),
                                                  2, 1)], [_change("dossier", SAME, 2, 1)]),
    "a move then a new supplement": ([_change("dossier", _dossier("a", "2026-11-20T09:00:00+07:00"), 2, 1)],
                                     [_change("supplement", _sup("s9"), 1, 1)]),
    "resolved late then notes": ([_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00", status="resolved",
                                                              result_at="2026-10-30T10:00:00+07:00"), 2, 1)],
                                 [_change("dossier", SAME, 3, 1)]),
}


@pytest.mark.postgres
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_two_imports_of_one_dossier_at_once_read_its_values_in_turn(tmp_path: Any, pair: str) -> None:
    """Two devices' imports touching one stored dossier at once, one changing a report value and the other
    not (or both): the second waits on the dossier's origin row before reading its values, so it compares
    what the first committed with what it wrote itself — the aggregates equal the raw rows after both."""
    from tests.hub.test_report_upkeep import one_after_the_other
    from tests.hub.test_report_upkeep_batches import _open_import
    from tests.sync_support import drop_pg_schema, fresh_hub, pg_schema_url, pg_url_or_skip

    base = pg_url_or_skip()
    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    try:
        _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00"), 1, 1),
                      _change("supplement", _sup("s1"), 1, 2)])
        first, second = PAIRS[pair]
        one_after_the_other(lambda: _open_import(hub, first, "dev-a"), lambda: _open_import(hub, second, "dev-b"))
        with hub.reading() as session:
            assert [d.message for d in report_counts.check(session)] == []
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)
