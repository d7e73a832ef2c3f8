"""PostgreSQL hubs may run several importers at once: the same batch twice in parallel is applied once."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from desktop.db.session import Database
from province.importer import ImportResult, import_file
from tests.sync_support import (
    connect_desk,
    data_state,
    drop_pg_schema,
    export,
    fresh_hub,
    pg_schema_url,
    receive,
)


@pytest.mark.postgres
def test_parallel_imports_of_one_batch(db: Database, tmp_path: Path) -> None:
    base = os.environ.get("MOTCUA_PG_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI is set but MOTCUA_PG_URL is not")
        pytest.skip("MOTCUA_PG_URL not set")
    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    try:
        connect_desk(db, hub, tmp_path / "desk")
        receive(db, 20)
        result = export(db, tmp_path / "usb")
        assert result.file is not None
        outcomes: list[ImportResult] = []
        barrier = threading.Barrier(3)

        def run() -> None:
            barrier.wait()
            outcomes.append(import_file(hub, result.file))  # type: ignore[arg-type]

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(o.status for o in outcomes) == ["applied", "duplicate", "duplicate"]
        assert sum(o.applied for o in outcomes) == result.changes
        assert len(data_state(hub)["dossier"]) == 20
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)
