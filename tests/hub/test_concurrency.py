"""PostgreSQL hubs may run several importers at once: the same batch twice in parallel is applied once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.db.session import Database
from province.importer import ImportResult, import_file
from province.models import HubReportCount
from tests.sync_support import (
    connect_desk,
    data_state,
    drop_pg_schema,
    export,
    fresh_hub,
    pg_schema_url,
    pg_url_or_skip,
    receive,
)


@pytest.fixture
def base() -> str:
    """The PostgreSQL URL (these tests are about PostgreSQL's row locks)."""
    return pg_url_or_skip()


@pytest.mark.postgres
def test_parallel_imports_of_one_batch(db: Database, tmp_path: Path, base: str) -> None:
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
        _aggregates_equal_raw(hub)
    finally:
        hub.dispose()
        drop_pg_schema(base, schema)


@pytest.mark.postgres
def test_devices_do_not_wait_on_each_other_but_one_device_is_serialised(db: Database, tmp_path: Path, base: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: device A's import holds its device lock (paused inside the apply); device B's import
    completes meanwhile, while A's next batch waits for A's first to commit."""
    from province import importer
    from tests.sync_support import neighbour_desk

    url, schema = pg_schema_url(base)
    hub = fresh_hub(url, tmp_path / "hub")
    other = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        receive(db, 2)
        a1 = export(db, tmp_path / "a1")
        receive(db, 1, name="Lý Thị Sau")
        a2 = export(db, tmp_path / "a2")
        receive(other, 3, name="Trần Văn Hai")
        b1 = export(other, tmp_path / "b1")
        inside, release = threading.Event(), threading.Event()
        real = importer.apply_changes
        order: list[str] = []

        def paused(session, changes, **kw):  # type: ignore[no-untyped-def]
            if kw["batch_id"] == a1.batch_id:
                inside.set()
                assert release.wait(30)
            out = real(session, changes, **kw)
            order.append(kw["batch_id"])
            return out

        monkeypatch.setattr(importer, "apply_changes", paused)
        results: dict[str, ImportResult] = {}
        first = threading.Thread(target=lambda: results.setdefault("a1", import_file(hub, a1.file)))  # type: ignore[arg-type]
        first.start()
        assert inside.wait(30)
        second = threading.Thread(target=lambda: results.setdefault("a2", import_file(hub, a2.file)))  # type: ignore[arg-type]
        second.start()
        results["b1"] = import_file(hub, b1.file)  # type: ignore[arg-type]  another device: not blocked
        assert results["b1"].status == "applied" and "a1" not in results
        second.join(1.0)
        assert second.is_alive()  # A's second batch waits on A's device lock
        release.set()
        first.join(30)
        second.join(30)
        assert order == [b1.batch_id, a1.batch_id, a2.batch_id]
        assert {k: r.status for k, r in results.items()} == {"a1": "applied", "a2": "applied", "b1": "applied"}
        assert len(data_state(hub)["dossier"]) == 6
        _aggregates_equal_raw(hub)
    finally:
        other.dispose()
        hub.dispose()
        drop_pg_schema(base, schema)


def _aggregates_equal_raw(hub: object) -> None:
    """Issue 14: imports running at once leave the report aggregates equal to the raw rows."""
    from province import report_counts

    with hub.reading() as session:  # type: ignore[attr-defined]
        assert report_counts.check(session) == []
        assert session.scalar(select(func.sum(HubReportCount.n))) == len(data_state(hub)["dossier"])  # type: ignore[arg-type]
