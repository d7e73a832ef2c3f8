"""Issue 14, session 11: an import ADDS the report contribution of the dossiers new to the hub (from their
rows as written) and recomputes only the slices of the others. Whatever the order the batches arrive in —
new dossiers, updates that resolve or move them, supplements (some arriving before their dossier),
deletions, another unit's batch — the aggregates equal the raw rows after every import (``check``), the
all-units report equals the raw pass, and a full rebuild changes nothing. On SQLite and PostgreSQL (where
the new dossiers come by the direct COPY, so the additive path is the one taken)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from desktop.db.models import Dossier, Supplement
from desktop.db.session import Database
from desktop.platform import clock
from desktop.services import dossiers
from province import report_counts, report_upkeep
from province.db import Hub
from province.devices import enrol
from province.importer import import_file
from province.schema import DATA_TABLES
from tests.hub.test_report_counts import _same_as_raw, at
from tests.sync_support import connect_desk, data_state, deliver, export, neighbour_desk, receive

ORDERS = ([0, 1, 2, 3, 4], [2, 0, 4, 3, 1], [4, 3, 2, 1, 0], [1, 3, 0, 2, 4, 2, 0])


@pytest.fixture
def desk_b(tmp_path: Path) -> Iterator[Database]:
    other = neighbour_desk(tmp_path / "b.sqlite3")
    yield other
    other.dispose()


def _mark_deleted(db: Database, model: Any, **where: Any) -> None:
    with db.transaction(officer="canbo") as session:
        for row in session.scalars(select(model).filter_by(**where)):
            row.deleted = True


def _batches(db: Database, desk_b: Database, hub: Hub, tmp_path: Path) -> list[Path]:
    """Five batches, each confirmed by a receipt (so each holds only its own changes): A's first work, B's,
    A's updates mixed with new dossiers in the same half-months, A's withdrawal, deletions and new dossiers in
    a half-month already counted (their counts added to the stored ones), and B's
    supplement on one of its dossiers together with a new one."""
    connect_desk(db, hub, tmp_path / "a")
    connect_desk(desk_b, hub, tmp_path / "b")
    files = []

    def ship(desk: Database, name: str) -> None:
        result = export(desk, tmp_path / name)
        deliver(hub, desk, result, tmp_path / name)
        files.append(result.file)

    codes = receive(db, 5, name="Lê Văn Chín", start=at(9, 3)) + receive(db, 4, name="Ngô Thị Mười", start=at(10, 14, 15))
    with db.transaction(officer="canbo") as session:
        for code in codes:
            dossiers.start(session, code, at=dossiers.get_dossier(session, code).received_at)
        dossiers.record_result(session, codes[0], at=at(10, 2))  # late, across the month end
        dossiers.request_supplement(session, codes[1], items="Bản sao CCCD", at=at(9, 28))
    ship(db, "a1")
    b_codes = receive(desk_b, 3, name="Tạ Thị Nga", start=at(10, 15, 8))
    ship(desk_b, "b1")
    more = receive(db, 3, name="Phạm Văn Mới", start=at(10, 20)) + receive(db, 2, name="Vũ Thị Mới", start=at(11, 3))
    with db.transaction(officer="canbo") as session:
        dossiers.receive_supplement(session, codes[1], at=at(10, 3))  # the clock stopped, then ran again
        dossiers.record_result(session, codes[2], at=at(9, 10))  # early
        dossiers.record_result(session, codes[5], at=at(11, 10))
        dossiers.start(session, more[0], at=at(10, 20, 10))
        dossiers.request_supplement(session, more[0], items="Sổ hộ khẩu", at=at(10, 22))  # new dossier + its supplement
        dossiers.record_result(session, more[3], at=at(11, 3, 15))
    _mark_deleted(db, Dossier, code=codes[3])
    ship(db, "a2")
    with db.transaction(officer="canbo") as session:
        dossiers.withdraw(session, codes[6], at=at(11, 16), reason="Công dân xin rút")
        dossiers.request_supplement(session, codes[7], items="Giấy ủy quyền", at=at(10, 16))
    _mark_deleted(db, Supplement, dossier_id=_id(db, codes[1]))
    receive(db, 1, name="Hà Văn Cuối", start=at(11, 20))
    receive(db, 2, name="Đỗ Văn Sau", start=at(9, 4))  # new, in a slice already counted and not recomputed
    ship(db, "a3")
    with desk_b.transaction(officer="canbo") as session:
        dossiers.start(session, b_codes[0], at=at(10, 15, 9))
        dossiers.request_supplement(session, b_codes[0], items="Bản sao sổ đỏ", at=at(10, 30))
    receive(desk_b, 2, name="Tạ Văn Mới", start=at(10, 31))
    ship(desk_b, "b2")
    return files  # type: ignore[return-value]


def _id(db: Database, code: str) -> str:
    with db.reading() as session:
        return str(dossiers.get_dossier(session, code).id)


def _aggregates(hub: Hub) -> tuple[Counter[Any], Counter[Any]]:
    with hub.reading() as session:
        counts, watch = report_counts._stored(session)  # noqa: SLF001
    return counts, Counter(watch)


def _same_as_a_rebuild(hub: Hub) -> None:
    before = _aggregates(hub)
    with hub.transaction() as session:
        report_counts.rebuild(session)
    assert _aggregates(hub) == before


def test_any_order_the_aggregates_equal_the_raw_rows(db: Database, desk_b: Database, hub_factory: Callable[..., Hub],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = hub_factory()
    files = _batches(db, desk_b, reference, tmp_path)
    expected = data_state(reference)
    assert _same_as_raw(reference) == 21
    added: list[int] = []
    real_add = report_upkeep._add  # noqa: SLF001

    def counting_add(session: Any, rows: list[dict[str, Any]]) -> None:
        added.append(len(rows))
        real_add(session, rows)

    monkeypatch.setattr(report_upkeep, "_add", counting_add)
    for order in ORDERS:
        hub = hub_factory(keys_from=reference)
        enrol(hub, tmp_path / "a" / "enrol.json")
        enrol(hub, tmp_path / "b" / "enrol.json")
        for index in order:
            assert import_file(hub, files[index]).status in ("applied", "duplicate")
            with hub.reading() as session:
                assert report_counts.check(session) == [], (order, index)
        assert data_state(hub) == expected
        assert _same_as_raw(hub) == 21
        _same_as_a_rebuild(hub)
        hub.dispose()
    if reference.engine.dialect.name == "postgresql":  # the direct COPY wrote new dossiers: they were added
        assert sum(added) >= 21, added
    else:
        assert added == []


MOMENTS = [datetime(2026, 12, 31, 20, tzinfo=timezone.utc), datetime(2026, 1, 1, 6, 59, tzinfo=timezone(timedelta(hours=7))),
           datetime(2026, 3, 14, 23, 30, 0, 1, tzinfo=timezone(timedelta(hours=-5))), datetime(2026, 3, 15, 0, 0)]


def test_new_rows_as_stored_are_what_a_read_gives_back(hub: Hub) -> None:
    """``as_stored`` (the aggregates' view of a new dossier) = the row read back, whatever the offsets of
    its moments, with the defaults of the columns the batch left out (here ``channel``)."""
    table = DATA_TABLES["dossier"]
    rows = []
    for i, moment in enumerate(MOMENTS):
        rows.append({"id": f"d{i}", "owner_unit": "10375", "version": 1, "deleted": i == 3, "code": f"C-{i}",
                     "procedure_id": "p", "procedure_code": "1.0", "procedure_name": "Thử", "field_name": "Hộ tịch",
                     "time_value": 3.0, "time_unit": "working_days", "applicant_name": "Thử", "received_at": moment,
                     "due_at": MOMENTS[-1 - i], "result_at": None if i % 2 else moment + timedelta(days=1),
                     "status": "resolved", "resolver_code": "10376" if i == 1 else None, "resolver_kind": "unit"})
    with hub.transaction() as session:
        session.execute(insert(table), rows)
        read = {r["id"]: dict(r) for r in session.execute(
            select(*(table.c[n] for n in report_upkeep.STORED_COLUMNS))).mappings()}
        mine = report_upkeep.as_stored(session, rows)
        session.rollback()
    assert [_exact(read[r["id"]]) for r in mine] == [_exact(r) for r in mine]
    assert {r["channel"] for r in mine} == {"direct"}
    assert [report_counts.bucket(r["received_at"]) for r in mine] == [report_counts.bucket(read[r["id"]]["received_at"])
                                                                        for r in mine]
    assert [str(r["received_at"].utcoffset()) for r in mine] == ["7:00:00"] * 4


def _exact(row: dict[str, Any]) -> dict[str, Any]:
    """Moments compared with their offsets too (equal instants at other offsets have other dates)."""
    return {k: (v, v.utcoffset()) if isinstance(v, datetime) else v for k, v in row.items()}


MOMENT = st.one_of(st.none(), st.sampled_from(MOMENTS[:3]), st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from((clock.VN_TZ, timezone.utc))))


@settings(max_examples=500, deadline=None)
@given(status=st.sampled_from(("in_progress", "awaiting_supplement", "resolved", "returned")), due=MOMENT, res=MOMENT,
       same=st.booleans())
def test_spans_without_supplements_as_the_walk_finds(status: str, due: datetime | None, res: datetime | None,
                                                     same: bool) -> None:
    """The short cut for a dossier with no supplement rows (most of them) = the general walk's answer."""
    row = {"status": status, "due_at": due}
    res = due if same else res  # resolved exactly at the due moment: not overdue
    assert report_counts.spans_without_supplements(row, res) == report_counts._walk(row, [], res)  # noqa: SLF001


def _dossier(dossier_id: str, received: datetime, result_at: datetime | None = None) -> dict[str, Any]:
    return {"id": dossier_id, "owner_unit": "10375", "version": 1, "deleted": False, "code": f"C-{dossier_id}",
            "procedure_id": "p", "procedure_code": "1.0", "procedure_name": "Thử", "field_name": "Hộ tịch",
            "time_value": 3.0, "time_unit": "working_days", "applicant_name": "Thử", "channel": "direct",
            "received_at": received, "due_at": received + timedelta(days=5), "status": "in_progress",
            "result_at": result_at}


def _add_new(hub: Hub, row: dict[str, Any]) -> Any:
    """An import's writes and upkeep for one new dossier; the transaction is left open (its locks held)."""
    session = hub.sessions()
    session.execute(insert(DATA_TABLES["dossier"]), [row])
    report_upkeep.after_apply(session, {row["id"]}, {}, report_upkeep.as_stored(session, [row]), set())
    return session


def _resolve_stored(hub: Hub, dossier_id: str, at_moment: datetime) -> Any:
    """An import's writes and upkeep for one stored dossier (its slice recomputed); left open too."""
    table = DATA_TABLES["dossier"]
    session = hub.sessions()
    before = report_upkeep.report_values(session, {dossier_id})
    session.execute(table.update().where(table.c.id == dossier_id).values(result_at=at_moment, status="resolved"))
    report_upkeep.after_apply(session, {dossier_id}, before, [], set())
    return session


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["addition", "recompute"])
def test_an_addition_and_a_recompute_of_one_slice_at_once(tmp_path: Path, first: str) -> None:
    """Two imports at once on one unit's half-month (PostgreSQL): one adds a new dossier, the other
    recomputes the slice for an updated one. Whichever holds the unit's lock first, the other waits for
    its commit, and the aggregates end equal to the raw rows with both dossiers counted once."""
    from tests.sync_support import drop_pg_schema, fresh_hub, pg_schema_url, pg_url_or_skip

    base = pg_url_or_skip()
    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    try:
        with hub.transaction() as session:
            session.execute(insert(DATA_TABLES["dossier"]), [_dossier("old", at(10, 20))])
            report_counts.rebuild(session)
        steps = {"addition": lambda: _add_new(hub, _dossier("new", at(10, 21))),
                 "recompute": lambda: _resolve_stored(hub, "old", at(10, 22))}
        one_after_the_other(steps[first], steps["recompute" if first == "addition" else "addition"])
        with hub.reading() as session:
            assert report_counts.check(session) == []
            counts, _watch = report_counts._stored(session)  # noqa: SLF001
        assert sum(counts.values()) == 2
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)


def one_after_the_other(first: Callable[[], Any], second: Callable[[], Any]) -> None:
    """``first()`` opens a transaction holding its locks; ``second()``, in a thread, must wait for them
    until the first commits; then the second commits too."""
    holder = first()
    done: list[Any] = []
    other = threading.Thread(target=lambda: done.append(second()))
    other.start()
    other.join(1.5)
    assert other.is_alive()  # waiting for the first one's lock
    holder.commit()
    holder.close()
    other.join(30)
    done[0].commit()
    done[0].close()
