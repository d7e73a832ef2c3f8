"""Review 11 (session 11): one batch mixing what the additive upkeep must get right — a new dossier with its
supplement, a new forwarded dossier with its event (refolded), a new dossier deleted, a new dossier whose
code clashes with a stored one, a stored dossier moving to another year's partition and a stale copy — then
the aggregates equal the raw rows (``check``), on SQLite and PostgreSQL, direct COPY on and off. And two
imports at once (PostgreSQL, threads): new dossiers added to one slice; a move racing another device's newer
version, which must leave ONE row, the newer one, and aggregates equal to the raw rows (the origin-row locks,
docs/decisions.md "A record written by two imports at once")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.platform import clock
from province import forwarded, report_counts, report_upkeep, staging
from province.apply import apply_changes
from province.db import Hub
from province.schema import DATA_TABLES
from tests.hub.test_report_upkeep import one_after_the_other

UNIT, OTHER = "10375", "10376"


def _dossier(i: str, received: str, **more: Any) -> dict[str, Any]:
    return {"id": i, "owner_unit": UNIT, "code": f"C-{i}", "procedure_id": "p", "procedure_code": "1.0",
            "procedure_name": "Thử", "field_name": "Hộ tịch", "time_value": 3.0, "time_unit": "working_days",
            "applicant_name": "Thử", "search_text": "thu", "sets_count": 1, "channel": "direct",
            "return_by_post": False, "received_at": received, "due_at": "2026-10-25T17:00:00+07:00",
            "status": "in_progress", "result_digitised": False, "deleted": False} | more


def _change(table: str, row: dict[str, Any], version: int, seq: int, op: str = "upsert") -> dict[str, Any]:
    return {"table": table, "record_id": row["id"], "row": row, "version": version, "op": op, "epoch": "e1",
            "seq": seq}


def _applied(session: Any, changes: list[dict[str, Any]], device: str) -> Any:
    """What ``importer.apply_locked`` does between the checks and the receipt, in ``session``."""
    for n, change in enumerate(changes, start=1):
        change["seq"] = change.get("seq") or n
    touched = report_upkeep.touched_dossiers(changes)
    report_upkeep.lock_dossiers(session, touched)
    before = report_upkeep.report_values(session, touched)
    outcome = apply_changes(session, changes, device_id=device, unit_code=UNIT, batch_id=f"b-{device}",
                            covered={}, now=clock.now())
    inserted = report_upkeep.as_stored(session, outcome.inserted.get("dossier", []))
    report_upkeep.after_apply(session, touched, before, inserted, forwarded.refold(session, touched, inserted))
    return outcome


def _import(hub: Hub, changes: list[dict[str, Any]], device: str = "dev-a") -> Any:
    with hub.transaction() as session:
        return _applied(session, changes, device)


@pytest.mark.parametrize("direct", [True, False])
def test_one_mixed_batch_keeps_the_aggregates_equal_to_the_raw_rows(hub: Hub, direct: bool,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "DIRECT_NEW", direct)
    first = [_change("dossier", _dossier("old", "2026-10-20T09:00:00+07:00"), 1, 1),
             _change("dossier", _dossier("mover", "2025-12-31T20:00:00+07:00"), 1, 2),
             _change("dossier", _dossier("held", "2026-10-02T08:00:00+07:00", code="CLASH"), 1, 3)]
    _import(hub, first)
    forwarded_row = _dossier("fwd", "2026-10-21T09:00:00+07:00", resolver_kind="unit", resolver_code=OTHER,
                             receiving_unit=UNIT, status="transferred")
    second = [
        _change("dossier", _dossier("new", "2026-10-21T10:00:00+07:00"), 1, 10),
        _change("supplement", {"id": "s1", "owner_unit": UNIT, "dossier_id": "new", "deleted": False,
                               "requested_at": "2026-10-22T10:00:00+07:00", "items": ["CCCD"]}, 1, 11),
        _change("dossier", forwarded_row, 1, 12),
        _change("dossier_event", {"id": "e1", "owner_unit": UNIT, "dossier_id": "fwd", "kind": "resolved",
                                  "at": "2026-10-30T10:00:00+07:00", "data": {}, "deleted": False}, 1, 13),
        _change("dossier", _dossier("gone", "2026-11-03T10:00:00+07:00"), 1, 14),
        _change("dossier", _dossier("gone", "2026-11-03T10:00:00+07:00", deleted=True), 2, 15, op="delete"),
        _change("dossier", _dossier("clash", "2026-11-20T10:00:00+07:00", code="CLASH"), 1, 16),
        _change("dossier", _dossier("mover", "2026-01-02T08:00:00+07:00", result_at="2026-01-03T08:00:00+07:00",
                                    status="resolved"), 2, 17),
        _change("dossier", _dossier("old", "2026-10-20T09:00:00+07:00"), 1, 18),  # a stale copy
        _change("dossier", _dossier("late", "2026-11-16T09:00:00+07:00"), 1, 19),
    ]
    outcome = _import(hub, second, device="dev-b")
    assert [p["record_id"] for p in outcome.problems] == ["clash"]
    direct_copy = direct and hub.engine.dialect.name == "postgresql"
    assert sorted(r["id"] for r in outcome.inserted.get("dossier", [])) == (["fwd", "gone", "late", "new"]
                                                                          if direct_copy else [])
    with hub.reading() as session:
        assert report_counts.check(session) == []
        dossier = DATA_TABLES["dossier"]
        assert session.scalar(select(func.count()).select_from(dossier).where(dossier.c.id == "mover")) == 1
        assert session.scalar(select(dossier.c.status).where(dossier.c.id == "fwd")) == "resolved"
        counts, _watch = report_counts._stored(session)  # noqa: SLF001
    assert sum(counts.values()) == 6  # old, mover, held, new, fwd, late


def _open_import(hub: Hub, changes: list[dict[str, Any]], device: str) -> Any:
    """``_import`` in a session left open (its row locks held) for the caller to commit."""
    session = hub.sessions()
    _applied(session, changes, device)
    return session


@pytest.mark.postgres
@pytest.mark.parametrize("theirs", ["2026-10-20T09:00:00+07:00", "2026-12-20T09:00:00+07:00"])
def test_a_move_and_a_newer_version_at_once_leave_the_newer_row(tmp_path: Any, theirs: str) -> None:
    """Device A moves a dossier to another received_at (the move: delete, insert anew) while device B's newer
    version (at the old received_at, or moving it elsewhere) waits on the deleted row: once A commits, the id
    must be ONE row, B's (version 3)."""
    from tests.sync_support import drop_pg_schema, fresh_hub, pg_schema_url, pg_url_or_skip

    base = pg_url_or_skip()
    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    try:
        _import(hub, [_change("dossier", _dossier("r", "2026-10-20T09:00:00+07:00"), 1, 1)])
        moved = [_change("dossier", _dossier("r", "2026-11-20T09:00:00+07:00"), 2, 1)]
        later = [_change("dossier", _dossier("r", theirs, status="resolved"), 3, 1)]
        # B waits for A's row lock
        one_after_the_other(lambda: _open_import(hub, moved, "dev-a"), lambda: _open_import(hub, later, "dev-b"))
        dossier = DATA_TABLES["dossier"]
        with hub.reading() as session:
            rows = session.execute(select(dossier.c.received_at, dossier.c.version).where(dossier.c.id == "r")).all()
            from province.models import HubConflict
            kept = session.execute(select(HubConflict.kind, HubConflict.incoming_version,
                                          HubConflict.stored_version)).all()
            drift = [d.message for d in report_counts.check(session)]
        assert drift == []
        assert [version for _at, version in rows] == [3], (rows, kept)
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)


@pytest.mark.postgres
def test_two_devices_add_new_dossiers_to_one_slice_at_once(tmp_path: Any) -> None:
    """Two imports at once, each adding a new dossier with the same count key: the second waits for the
    unit's lock, reads the first's committed row and adds to it (n = 2, one row)."""
    from tests.sync_support import drop_pg_schema, fresh_hub, pg_schema_url, pg_url_or_skip

    base = pg_url_or_skip()
    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    try:
        ours = [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00"), 1, 1)]
        theirs = [_change("dossier", _dossier("b", "2026-10-21T09:00:00+07:00"), 1, 1)]
        one_after_the_other(lambda: _open_import(hub, ours, "dev-a"), lambda: _open_import(hub, theirs, "dev-b"))
        with hub.reading() as session:
            assert report_counts.check(session) == []
            counts, _watch = report_counts._stored(session)  # noqa: SLF001
        assert list(counts.values()) == [2]
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)


def _supplement(received: str | None = None, **more: Any) -> dict[str, Any]:
    return {"id": "s-a", "owner_unit": UNIT, "dossier_id": "a", "deleted": False, "items": ["CCCD"],
            "requested_at": "2026-10-22T10:00:00+07:00", "received_at": received,
            "previous_due_at": "2026-10-24T17:00:00+07:00"} | more


def _recounted(hub: Hub, changes: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Import ``changes``; the slices the upkeep recomputed, and the aggregates after (``check`` clean)."""
    seen: list[set[tuple[str, int]]] = []
    real = report_upkeep.refresh
    monkeypatch.setattr(report_upkeep, "refresh", lambda session, slices, **kw: (seen.append(set(slices)),
                                                                                  real(session, slices, **kw))[1])
    _import(hub, changes)
    monkeypatch.undo()
    with hub.reading() as session:
        assert report_counts.check(session) == []
        return set().union(*seen), report_counts._stored(session)  # noqa: SLF001


@pytest.mark.parametrize("direct", [True, False])
def test_an_update_of_report_values_only_is_recounted(hub: Hub, direct: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Session 12: slices are recomputed only for dossiers whose report values changed — so an update that
    changes ONLY one of them (the status and result moment, the due moment, a supplement's dates, the
    reception moment into another half-month) must be recounted, and the aggregates follow it."""
    monkeypatch.setattr(staging, "DIRECT_NEW", direct)
    _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00"), 1, 1),
                  _change("dossier", _dossier("b", "2026-10-20T10:00:00+07:00"), 1, 2),
                  _change("supplement", _supplement(dossier_id="b"), 1, 3)])
    here = (UNIT, report_counts.bucket(datetime.fromisoformat("2026-10-20T09:00:00+07:00")))
    _slices, (counts, watch) = _recounted(hub, [], monkeypatch)
    resolved = {"status": "resolved", "result_at": "2026-10-30T10:00:00+07:00"}
    late = _change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00", **resolved), 2, 4)
    slices, (counts_after, watch_after) = _recounted(hub, [late], monkeypatch)
    assert slices == {here} and counts_after != counts  # resolved late: another count key
    later = _dossier("a", "2026-10-20T09:00:00+07:00", due_at="2026-10-27T17:00:00+07:00", **resolved)
    slices, (_counts, watch_due) = _recounted(hub, [_change("dossier", later, 3, 5)], monkeypatch)
    assert slices == {here} and watch_due != watch_after  # overdue from another moment
    answered = _supplement("2026-10-29T10:00:00+07:00", dossier_id="b")
    slices, (_counts, watch_answered) = _recounted(hub, [_change("supplement", answered, 2, 6)], monkeypatch)
    assert slices == {here} and watch_answered != watch_due  # b no longer waits on the citizen
    withdrawn = _change("supplement", answered | {"deleted": True}, 3, 7, op="delete")
    slices, (_counts, watch_withdrawn) = _recounted(hub, [withdrawn], monkeypatch)
    assert slices == {here} and watch_withdrawn != watch_answered  # overdue from its own due moment
    moved = _dossier("b", "2026-11-20T10:00:00+07:00")
    slices, (counts_moved, _watch) = _recounted(hub, [_change("dossier", moved, 2, 8)], monkeypatch)
    assert slices == {here, (UNIT, here[1] + 2)} and counts_moved != counts_after


@pytest.mark.parametrize("direct", [True, False])
def test_an_update_of_other_values_recounts_nothing(hub: Hub, direct: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update of every record that changes no report value (version, notes, an event, a component) —
    the bench's load, a desk re-sending its records — recomputes no slice; the aggregates stay equal to the
    raw rows. A new supplement on a stored dossier, in the same kind of batch, is recounted."""
    monkeypatch.setattr(staging, "DIRECT_NEW", direct)
    _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00"), 1, 1),
                  _change("supplement", _supplement(), 1, 2),
                  _change("dossier_event", {"id": "e-a", "owner_unit": UNIT, "dossier_id": "a", "kind": "received",
                                            "at": "2026-10-20T09:00:00+07:00", "data": {}, "deleted": False}, 1, 3)])
    _slices, before = _recounted(hub, [], monkeypatch)
    same = [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00", applicant_name="Thử lại",
                                        updated_at="2026-10-21T09:00:00+07:00"), 2, 4),
            _change("supplement", _supplement(items=["CCCD", "Sổ hộ khẩu"]), 2, 5),
            _change("dossier_event", {"id": "e-a", "owner_unit": UNIT, "dossier_id": "a", "kind": "received",
                                      "at": "2026-10-20T09:00:00+07:00", "data": {"note": "x"}, "deleted": False},
                    2, 6)]
    slices, after = _recounted(hub, same, monkeypatch)
    assert slices == set() and after == before
    another = _change("supplement", _supplement(id="s-b", requested_at="2026-10-26T10:00:00+07:00"), 1, 7)
    slices, _after = _recounted(hub, [another], monkeypatch)
    assert slices == {(UNIT, report_counts.bucket(datetime.fromisoformat("2026-10-20T09:00:00+07:00")))}
