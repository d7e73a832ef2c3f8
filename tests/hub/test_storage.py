"""Issue 14, session 11: on PostgreSQL the tables batches keep rewriting leave room in their pages for
in-place (HOT) updates (``province/storage.py``): a new hub has the fill factor on those tables and on each
year's partition (also one made by a later import) and the default one, not on the append-only events; an
existing hub without it gets it when it opens, and opening it again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from desktop.platform import clock
from province import partitions, storage
from province.db import open_hub
from tests.sync_support import fresh_hub

pytestmark = pytest.mark.postgres


def fill_factors(engine: Engine) -> dict[str, str | None]:
    """Every plain table (partitions included) of the hub's schema → its fillfactor setting, if any."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT relname, (SELECT o FROM unnest(reloptions) o WHERE o LIKE 'fillfactor=%') FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace")).all()
    return dict(rows)


def test_a_new_hub_leaves_room_in_the_rewritten_tables_only(pg_url: str, tmp_path: Path) -> None:
    hub = fresh_hub(pg_url, tmp_path / "hub")
    partitions.ensure_years(hub.engine, {"dossier": {2024}})  # a year an import asks for later
    found = fill_factors(hub.engine)
    hub.dispose()
    year = clock.now().year
    for name in ("hub_record_origin", "dossier_component", "supplement", "apology", "dossier_default",
                 f"dossier_y{year}", "dossier_y2024"):
        assert found[name] == "fillfactor=50", name
    for name in ("dossier_event_default", f"dossier_event_y{year}", "unit", "procedure", "hub_batch"):
        assert found[name] is None, name
    assert set(storage.FILLFACTOR) <= set(found) | set(partitions.PARTITION_KEYS)


def test_an_existing_hub_gets_it_when_it_opens_and_only_once(pg_url: str, tmp_path: Path) -> None:
    hub = fresh_hub(pg_url, tmp_path / "hub")
    with hub.engine.begin() as conn:  # as a hub made before session 11 left them
        for name, setting in fill_factors(hub.engine).items():
            if setting:
                conn.execute(text(f'ALTER TABLE "{name}" RESET (fillfactor)'))
    assert not any(fill_factors(hub.engine).values())
    hub.dispose()
    again = open_hub(pg_url, data_dir=tmp_path / "hub")
    try:
        found = fill_factors(again.engine)
        assert found["hub_record_origin"] == found["dossier_default"] == "fillfactor=50"
        assert found["dossier_event_default"] is None
        assert storage.ensure(again.engine) == []
    finally:
        again.dispose()
