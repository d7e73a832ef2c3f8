"""Tổng quan read in two steps (session 9): the period's figures, then the trend and the year's outlook.

The two reads together must give exactly what the one ``indicators`` read gives, and the predicates
rewritten so SQLite reads index ranges must select the same dossiers as the ones they replaced (kept
here as the oracle), on generated databases whose dossiers have every kind of resolving body.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, or_, select

from desktop import demo
from desktop.db.models import Dossier
from desktop.db.session import Database, open_database
from desktop.platform import clock
from desktop.reports.periodic import on_behalf
from desktop.reports.periods import parse_period
from desktop.services import resolvers
from tests.conftest import NOW


def resolved_by_before(unit_code: str) -> Any:
    """``resolvers.resolved_by`` before session 9 (an OR SQLite ran as three lookups of every row)."""
    return or_(Dossier.resolver_code.is_(None), Dossier.resolver_code == "", Dossier.resolver_code == unit_code)


def received_for_others_before(unit_code: str) -> Any:
    receiver = or_(Dossier.receiving_unit == unit_code,
                   and_(Dossier.receiving_unit.is_(None), Dossier.owner_unit == unit_code))
    return and_(receiver, Dossier.resolver_code.is_not(None), Dossier.resolver_code != "",
                Dossier.resolver_code != unit_code)


@pytest.fixture(scope="module")
def mixed_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A generated year of dossiers; a third of them given another resolving body, an empty or this unit's
    code, or another receiving unit, so every branch of the predicates has rows."""
    clock.set_now(NOW)
    path = tmp_path_factory.mktemp("two-reads") / "desk.sqlite3"
    shutil.copyfile(template_db, path)
    database = open_database(path)
    rng = random.Random(9)
    with database.transaction(officer="demo") as s:
        demo.generate(s, dossiers=900, months=14, seed=9)
        local = resolvers.local_code(s)
        for dossier in s.scalars(select(Dossier)):
            draw = rng.random()
            if draw < 0.1:
                dossier.resolver_code = ""
            elif draw < 0.2:
                dossier.resolver_code = local
            elif draw < 0.3:
                dossier.resolver_code = rng.choice(["10400", "H01", "S-TP"])
            if rng.random() < 0.1:
                dossier.receiving_unit = rng.choice([local, "10401"])
    yield database
    database.dispose()


def _ids(session: Any, condition: Any) -> set[str]:
    return set(session.scalars(select(Dossier.id).where(condition)))


def test_rewritten_predicates_select_the_same_dossiers(mixed_db: Database) -> None:
    with mixed_db.reading() as s:
        for code in (resolvers.local_code(s), "10400", "H01", "99999"):
            assert _ids(s, resolvers.resolved_by(code)) == _ids(s, resolved_by_before(code)), code
            assert _ids(s, resolvers.received_for_others(code)) == _ids(s, received_for_others_before(code)), code
        local = resolvers.local_code(s)
        assert len(_ids(s, resolvers.received_for_others(local))) > 20  # the branches have rows
        assert 0 < len(_ids(s, resolvers.resolved_by(local))) < len(_ids(s, Dossier.id.is_not(None)))


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(data, default=str, sort_keys=True))
    out.pop("generated_at")
    return out


@pytest.mark.parametrize("label,calendar", [("2026-11", False), ("2026-10", True), ("2026-Q3", False),
                                            ("2026-H1", True), ("2025-12", False)])
def test_figures_then_outlook_equal_the_one_read(mixed_db: Database, label: str, calendar: bool) -> None:
    from desktop.reports.indicators import indicator_outlook, indicators, with_outlook

    period = parse_period(label, calendar=calendar)
    with mixed_db.reading() as s:
        whole = indicators(s, period)
        figures = indicators(s, period, outlook=False)
        outlook = indicator_outlook(s, period)
        # the section now taken from the period's Biểu 06 is the count the section read itself
        assert whole["sections"]["on_behalf"] == on_behalf(s, period, resolvers.local_code(s))
    assert figures["trend"] == [] and "trend" not in figures["sections"]
    assert all("previous" not in e and "forecast" not in e for e in figures["indicators"])
    assert _plain(with_outlook(figures, outlook)) == _plain(whole)
    assert len(whole["trend"]) == 12 and sum(m["received"] for m in whole["trend"]) > 100
    assert any(e["previous"] is not None for e in whole["indicators"])
    assert whole["sections"]["on_behalf"]["received"] > 0
