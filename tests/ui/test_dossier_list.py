"""Hồ sơ: the lazy model passes qtmodeltester; filters and unaccented search find dossiers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from desktop.platform import clock
from desktop.db.session import Database
from desktop.demo import generate
from desktop.services.dossiers import Applicant, Reception, receive, start
from desktop.services.queries import DossierFilter
from desktop.ui.context import UiContext
from desktop.ui.models.dossier_table import BLOCK, URGENCY_ROLE, DossierTableModel
from desktop.ui.pages.dossiers import DossiersPage

pytestmark = pytest.mark.gui


def _receive(db: Database, name: str, at: datetime, *, code: str = "1.001193", started: bool = False,
             id_number: str | None = None) -> str:
    with db.transaction(officer="system") as session:
        dossier = receive(session, Reception(code, Applicant(name, id_number=id_number), at=at))
        if started:
            start(session, dossier.code, at=at)
        return dossier.code


@pytest.fixture
def seeded(db: Database) -> dict[str, str]:
    """Three known dossiers: one long overdue, one due soon, one far from due."""
    friday = clock.now()
    return {
        "overdue": _receive(db, "Nguyễn Thị Ánh Tuyết", friday - timedelta(days=40), started=True),
        "soon": _receive(db, "Trần Văn Bình", friday - timedelta(hours=2), id_number="001090001234"),
        "fresh": _receive(db, "Hoàng Đức Lợi", friday - timedelta(minutes=30), code=_long_procedure(db)),
    }


def _long_procedure(db: Database) -> str:
    from desktop.services.catalog import list_procedures

    with db.reading() as session:
        return max(list_procedures(session, active_only=True), key=lambda p: (p.time_unit == "working_days",
                                                                               p.time_value)).code


def test_model_passes_qtmodeltester(db: Database, ctx: UiContext, qtmodeltester: Any) -> None:
    with db.transaction(officer="demo") as session:
        generate(session, dossiers=BLOCK + 50, months=2, seed=3)
    model = DossierTableModel(ctx.read)
    model.load(DossierFilter())
    assert model.rowCount() == BLOCK + 50
    qtmodeltester.check(model, force_py=True)
    model.load(DossierFilter(status="returned"))
    qtmodeltester.check(model, force_py=True)


def test_model_reads_only_the_blocks_asked_for(db: Database, ctx: UiContext) -> None:
    with db.transaction(officer="demo") as session:
        generate(session, dossiers=BLOCK * 3, months=2, seed=5)
    model = DossierTableModel(ctx.read)
    model.load(DossierFilter())
    assert model.fetches == 0
    assert model.data(model.index(BLOCK * 2 + 5, 0))
    assert model.fetches == 1
    model.data(model.index(BLOCK * 2 + 6, 1))
    assert model.fetches == 1


def _read(db: Database, work: Any) -> Any:
    with db.reading() as session:
        return work(session)


def test_blocks_read_off_the_gui_thread_arrive_later_and_stale_ones_are_dropped(db: Database) -> None:
    """With a real (deferred) runner a row is blank first, then dataChanged brings it; a block read for
    an id list that has since been replaced is thrown away rather than shown against the new list."""
    with db.transaction(officer="demo") as session:
        generate(session, dossiers=BLOCK + 10, months=2, seed=7)
    pending: list[tuple[Any, Any]] = []
    model = DossierTableModel(lambda work, done: pending.append((work, done)))

    def run_pending() -> None:
        while pending:
            work, done = pending.pop(0)
            with ThreadPoolExecutor(1) as worker:  # the work on a worker thread, the answer on this one
                done(worker.submit(lambda: _read(db, work)).result())

    model.load(DossierFilter())
    run_pending()
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))
    assert model.data(model.index(BLOCK + 3, 0)) is None  # asked, not read yet
    assert model.data(model.index(BLOCK + 4, 0)) is None and len(pending) == 1  # asked once
    run_pending()
    assert changed == [(BLOCK, BLOCK + 9)]
    assert model.data(model.index(BLOCK + 3, 0)) and model.fetches == 1
    assert model.data(model.index(0, 0)) is None  # block 0 now in flight
    model.set_ids(model.ids[:5])  # the filter changed meanwhile
    run_pending()
    assert model.fetches == 1 and changed == [(BLOCK, BLOCK + 9)]  # the stale block was dropped
    assert model.data(model.index(0, 0)) is None
    run_pending()
    assert model.data(model.index(0, 0)) and model.fetches == 2


def test_urgency_marked_by_text_and_colour(db: Database, ctx: UiContext, seeded: dict[str, str]) -> None:
    model = DossierTableModel(ctx.read)
    model.load(DossierFilter())
    rows = {model.code_at(r): r for r in range(model.rowCount())}
    overdue = model.index(rows[seeded["overdue"]], 6)
    assert model.data(overdue, URGENCY_ROLE) == "overdue"
    assert model.data(overdue).startswith("Quá hạn")
    assert model.data(overdue, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(overdue, Qt.ItemDataRole.DecorationRole) is not None
    soon = model.index(rows[seeded["soon"]], 6)
    assert model.data(soon, URGENCY_ROLE) == "due_soon" and model.data(soon).startswith("Sắp đến hạn")
    fresh = model.index(rows[seeded["fresh"]], 6)
    assert model.data(fresh, URGENCY_ROLE) is None
    assert model.data(fresh, Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(rows[seeded["overdue"]], 5)) == "Đang giải quyết"
    name_cell = model.index(rows[seeded["fresh"]], 1)  # an elided long name is readable in full on hover
    assert model.data(name_cell, Qt.ItemDataRole.ToolTipRole) == model.data(name_cell)


@pytest.fixture
def page(ctx: UiContext, qtbot: Any, seeded: dict[str, str]) -> DossiersPage:
    widget = DossiersPage(ctx)
    qtbot.addWidget(widget)
    return widget


def _codes(page: DossiersPage) -> set[str]:
    return {page.model.code_at(r) or "" for r in range(page.model.rowCount())}


def test_unaccented_search_finds_by_name_and_id(page: DossiersPage, seeded: dict[str, str], qtbot: Any) -> None:
    assert _codes(page) >= set(seeded.values())
    page.search.setText("anh tuyet")
    page.search.textEdited.emit("anh tuyet")
    qtbot.waitUntil(lambda: _codes(page) == {seeded["overdue"]}, timeout=2000)  # after the debounce
    page.search.setText("001090001234")
    page.reload()
    assert _codes(page) == {seeded["soon"]}


def test_a_pasted_50001_character_search_is_cut_to_the_cap(page: DossiersPage, seeded: dict[str, str]) -> None:
    page.search.setText("a" * 50_001)  # issue #13: the service refuses > 200; the box never sends it
    assert len(page.search.text()) == 200
    page.reload()
    assert _codes(page) == set()


def test_filters(page: DossiersPage, seeded: dict[str, str]) -> None:
    page.overdue.setChecked(True)
    assert _codes(page) == {seeded["overdue"]}
    page.overdue.setChecked(False)
    page.due_soon.setChecked(True)
    assert seeded["soon"] in _codes(page) and seeded["fresh"] not in _codes(page)
    page.due_soon.setChecked(False)
    page.status.setCurrentIndex(page.status.findData("in_progress"))
    assert _codes(page) == {seeded["overdue"]}
    page.status.setCurrentIndex(0)
    page.use_from.setChecked(True)  # from today (the pinned Friday)
    assert _codes(page) == {seeded["soon"], seeded["fresh"]}
    page.use_from.setChecked(False)
    page.date_to.setDate(page.date_to.date().addDays(-1))  # up to yesterday: only the 40-day-old one
    assert page.use_to.isChecked()  # changing the date turned its filter on
    assert _codes(page) == {seeded["overdue"]}
    page.use_to.setChecked(False)
    page.channel.setCurrentIndex(page.channel.findData("online"))
    assert _codes(page) == set()
    page.channel.setCurrentIndex(0)
    page.field.setCurrentIndex(page.field.findData("Hộ tịch"))  # 1.001193 Đăng ký khai sinh is Hộ tịch
    assert {seeded["overdue"], seeded["soon"]} <= _codes(page)
    assert all(page.model.row_at(r).field_name == "Hộ tịch" for r in range(page.model.rowCount()))
    page.field.setCurrentIndex(page.field.findData("Chứng thực"))
    assert not {seeded["overdue"], seeded["soon"]} & _codes(page)


def test_scanned_code_then_enter_opens_the_dossier(page: DossiersPage, seeded: dict[str, str]) -> None:
    page.search.setText(seeded["fresh"])
    page.search_entered()
    assert len(page.opened) == 1
    dialog = page.opened[0]
    assert dialog.detail is not None and dialog.detail.data["code"] == seeded["fresh"]
    dialog.close()


def test_keys_list_the_same_dossiers_in_the_same_order_as_ids(db: Database) -> None:
    """The model's packed keys stand for exactly ``dossier_ids``' dossiers; a deleted one reads as missing."""
    from desktop.services import queries

    with db.transaction(officer="demo") as session:
        generate(session, dossiers=60, months=2, seed=7)
    with db.reading() as session:
        for flt in (DossierFilter(), DossierFilter(status="returned"), DossierFilter(search="nguyen")):
            ids, keys = queries.dossier_ids(session, flt), queries.dossier_keys(session, flt)
            rows = queries.rows_by_keys(session, keys)
            assert [rows[k].id for k in keys] == ids and len(ids) > 0
            assert keys.itemsize == 8  # one packed array, not a list of objects
    first = keys[0]
    with db.transaction(officer="demo") as session:
        session.execute(text("UPDATE dossier SET deleted = 1 WHERE rowid = :k"), {"k": first})
    with db.reading() as session:
        assert first not in queries.dossier_keys(session, DossierFilter(search="nguyen"))
        assert first in queries.rows_by_keys(session, keys)  # rows are read by key; the list decides
