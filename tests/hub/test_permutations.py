"""Any permutation and any duplication of one desk's batches leaves the hub in the same state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.db.session import Database
from desktop.services import dossiers
from province.db import Hub
from province.devices import enrol
from province.importer import import_file
from tests.sync_support import connect_desk, data_state, deliver, export, receive


@st.composite
def arrival_orders(draw: st.DrawFn, count: int) -> list[int]:
    everything = list(range(count))
    again = draw(st.lists(st.sampled_from(everything), max_size=3))
    return draw(st.permutations(everything + again))


def _batches(db: Database, hub: Hub, tmp_path: Path) -> list[Path]:
    """Four batches: three confirmed by receipts (disjoint ranges), one cumulative without a receipt;
    later ones edit records of earlier ones, so order matters unless versions decide."""
    connect_desk(db, hub, tmp_path / "desk")
    codes = receive(db, 3)
    first = export(db, tmp_path / "b1")
    deliver(hub, db, first, tmp_path / "b1")
    with db.transaction(officer="canbo") as session:
        for code in codes:
            dossiers.start(session, code)
    codes += receive(db, 2, name="Vũ Thị Lan")
    second = export(db, tmp_path / "b2")
    deliver(hub, db, second, tmp_path / "b2")
    with db.transaction(officer="canbo") as session:
        dossiers.record_result(session, codes[0])
    third = export(db, tmp_path / "b3")
    with db.transaction(officer="canbo") as session:
        dossiers.return_result(session, codes[0])
        dossiers.record_result(session, codes[1], rejected=True, reason="Hồ sơ không đủ điều kiện")
    fourth = export(db, tmp_path / "b4")  # no receipt for b3: b4 carries b3's changes again
    import_file(hub, third.file)  # type: ignore[arg-type]
    import_file(hub, fourth.file)  # type: ignore[arg-type]
    return [r.file for r in (first, second, third, fourth)]  # type: ignore[misc]


def test_any_order_any_duplicates_same_state(db: Database, hub_factory: Callable[..., Hub], tmp_path: Path) -> None:
    reference = hub_factory()
    files = _batches(db, reference, tmp_path)
    expected = data_state(reference)
    assert sum(len(rows) for rows in expected.values()) > 10

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(order=arrival_orders(len(files)))
    def check(order: list[int]) -> None:
        hub = hub_factory(keys_from=reference)
        enrol(hub, tmp_path / "desk" / "enrol.json")
        for index in order:
            assert import_file(hub, files[index]).status in ("applied", "duplicate")
        assert data_state(hub) == expected
        hub.dispose()

    check()
