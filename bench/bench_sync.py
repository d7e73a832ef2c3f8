"""Sync benchmark: desk export time for ~10k changes, and hub import throughput against a plain bulk
insert of the same rows in the same run (PostgreSQL if ``MOTCUA_PG_URL`` is set or can be started,
else SQLite). Two imports: the first of a desk's records (all new to the hub: copied straight in), then a
batch updating every one of them (staging + guarded upsert), each against a COPY of its own rows, with
the CPU both cost here and in a local PostgreSQL server, and the wall time no overlap could beat.

    PYTHONPATH=. .venv/bin/python bench/bench_sync.py [--dossiers 1300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The province key is always encrypted; benchmarks use a throw-away passphrase of their own.
os.environ.setdefault("MOTCUA_HUB_KEY_PASSPHRASE", "bench-only-passphrase")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1400, help="demo dossiers (≈7 changes each → ~10k)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the export and the import")
    args = parser.parse_args()
    import cProfile
    import pstats

    profiler = cProfile.Profile() if args.profile else None
    server_spent: dict[str, float | None] = {}
    from bench.common import server_cpu, server_cpu_between

    def timed(what: str, step: Any, engine: Any = None) -> tuple[Any, float, float]:
        """``step()``'s result, wall and CPU seconds; profiled (and the profile printed) with --profile.
        With ``engine`` (PostgreSQL here), the CPU its server spent on the step is kept in ``server_spent``."""
        server_before = server_cpu(engine) if engine is not None else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = step()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        server_spent[what] = server_cpu_between(server_before, server_cpu(engine) if engine is not None else None)
        if profiler:
            profiler.disable()
            print(f"--- profile: {what}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            profiler.clear()
        return result, wall, cpu

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["MOTCUA_DATA_DIR"] = str(work / "desk")

    from sqlalchemy import func, select

    from desktop.db.models import ChangeLog
    from desktop.db.session import make_engine
    from desktop.sync.export import export_batch
    from province import partitions
    from province.db import create_schema, open_hub
    from province.importer import import_file
    from province.schema import DATA_TABLES
    from bench.common import enrolled_demo_desk, touch_every_record
    from tests.sync_support import drop_pg_schema, pg_schema_url

    pg_url = os.environ.get("MOTCUA_PG_URL")
    if not pg_url:
        try:
            import bootstrap

            pg_url = bootstrap.start_postgres()
        except Exception as exc:  # noqa: BLE001  the bench still runs on SQLite
            print(f"PostgreSQL unavailable ({exc}); measuring on SQLite")
    hub_url = bulk_pg_url = None
    schemas: list[str] = []
    if pg_url:  # two private schemas: the hub's, and the bulk COPY it is compared with
        (hub_url, hub_schema), (bulk_pg_url, bulk_schema) = pg_schema_url(pg_url), pg_schema_url(pg_url)
        schemas = [hub_schema, bulk_schema]

    hub = open_hub(hub_url, data_dir=work / "hub")
    db = enrolled_demo_desk(hub, work, args.dossiers)
    with db.reading() as session:
        logged = session.scalar(select(func.count()).select_from(ChangeLog))

    result, export_s, _cpu = timed("desk export", lambda: export_batch(db, work / "usb"))
    assert result.file is not None
    print(f"export: {result.changes} records from {logged} change-log rows in {export_s:.2f} s "
          f"({result.changes / export_s:,.0f} records/s), file {result.size / 1024:.0f} KiB")

    outcome, import_s, import_cpu = timed("hub import", lambda: import_file(hub, result.file), hub.engine)
    assert outcome.status == "applied", outcome.as_json()
    dialect = hub.engine.dialect.name
    print(f"hub import ({dialect}): {outcome.applied} changes in {import_s:.2f} s "
          f"= {outcome.applied / import_s:,.0f} changes/s (decrypt, verify, guarded upsert, receipt); "
          f"{import_cpu:.2f} s of it CPU in this process (the rest: PostgreSQL, waiting for a core)")

    # the floor: the same rows, plain INSERTs into empty tables, no checks
    by_table, changes = _typed_rows(hub, result.file)
    bulk_url = bulk_pg_url or f"sqlite:///{work / 'bulk.sqlite3'}"
    bulk_engine = make_engine(bulk_url)
    # the hub's own tables, built as the hub builds them (PostgreSQL: dossiers and events partitioned by
    # year, with the years of these rows made as the import makes them): the floor writes into the same shape
    create_schema(bulk_engine)
    partitions.ensure_for_changes(bulk_engine, changes)
    started = time.perf_counter()
    with bulk_engine.begin() as conn:
        for name, rows in by_table.items():
            conn.execute(DATA_TABLES[name].insert(), rows)
    bulk_s = time.perf_counter() - started
    print(f"plain bulk insert ({dialect}): {len(changes)} rows in {bulk_s:.2f} s = {len(changes) / bulk_s:,.0f} rows/s")
    print(f"ratio: hub import takes {import_s / bulk_s:.1f}× the plain bulk insert of the same rows")
    _against_copy(bulk_engine, by_table, "first import (records new to the hub)", outcome.applied, import_s,
                  (import_cpu, server_spent["hub import"]))

    # a subsequent import: every record of the desk updated once and exported again — no record is new,
    # so each change goes through staging and the guarded upsert (the direct COPY does not apply)
    with db.transaction(officer="bench") as session:
        updated = touch_every_record(session)
    second = export_batch(db, work / "usb2")
    assert second.file is not None
    again, again_s, again_cpu = timed("hub import of updates", lambda: import_file(hub, second.file),
                                     hub.engine)
    assert again.status == "applied" and again.applied == updated, again.as_json()
    print(f"hub import of updates ({dialect}): {again.applied} changes to stored records in {again_s:.2f} s "
          f"= {again.applied / again_s:,.0f} changes/s; {again_cpu:.2f} s of it CPU in this process")
    by_table, _ = _typed_rows(hub, second.file)
    _against_copy(bulk_engine, by_table, "subsequent import (updates of stored records)", again.applied, again_s,
                  (again_cpu, server_spent["hub import of updates"]))
    print(f"desk export of {result.changes} changes: {export_s:.2f} s (goal ≤ 1 s)")
    bulk_engine.dispose()
    hub.dispose()
    db.dispose()
    for schema in schemas:
        drop_pg_schema(pg_url, schema)
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


def _typed_rows(hub: Any, path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """A batch's rows as the hub's checks type them, per table (what the floors write)."""
    import json

    from desktop.sync import batch, tables
    from province.keys import encryption_keys
    from province.schema import DATA_TABLES

    files = batch.decrypt(batch.read_header(path.read_bytes()), encryption_keys(hub))
    changes = batch.read_changes(files, json.loads(files["manifest.json"]))
    by_table: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        by_table.setdefault(change["table"], []).append(tables.row_values(DATA_TABLES[change["table"]], change["row"]))
    return by_table, changes


def _against_copy(engine: Any, by_table: dict[str, list[dict[str, Any]]], what: str, applied: int,
                  import_s: float, import_cpu: tuple[float, float | None]) -> None:
    """The floor the issue asks for (PostgreSQL): a COPY of the same rows into the emptied hub tables;
    then the CPU both took, here and in the server (see :func:`_cpu_bound`)."""
    if engine.dialect.name != "postgresql":
        return
    from bench.common import server_cpu, server_cpu_between
    from province.schema import DATA_TABLES
    from province.staging import copy_rows

    with engine.begin() as conn:
        for name in DATA_TABLES:
            conn.execute(DATA_TABLES[name].delete())
    count = sum(len(rows) for rows in by_table.values())
    server_before = server_cpu(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        for name, rows in by_table.items():
            copy_rows(conn, DATA_TABLES[name], rows)
    copy_s, copy_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    copy_server = server_cpu_between(server_before, server_cpu(engine))
    print(f"COPY (postgresql): {count} rows in {copy_s:.2f} s = {count / copy_s:,.0f} rows/s")
    print(f"ratio, {what}: hub import takes {import_s / copy_s:.2f}× a COPY of the same rows (goal ≤ 1.5×); "
          f"hub import {applied / import_s:,.0f} changes/s (goal ≥ 20,000)")
    if import_cpu[1] is not None and copy_server is not None:
        _cpu_bound(what, (import_cpu[0], import_cpu[1]), (copy_cpu, copy_server), copy_s)


def _cpu_bound(what: str, spent: tuple[float, float], floor: tuple[float, float], copy_s: float) -> None:
    """The wall time no overlap can beat: the import's CPU (this process + PostgreSQL) spread over every
    core. When it is above 1.5× the COPY's wall time, the goal needs less work, not more parallelism."""
    cores = os.cpu_count() or 1
    total = sum(spent)
    print(f"CPU, {what}: hub import {spent[0]:.2f} s in this process + {spent[1]:.2f} s in PostgreSQL = "
          f"{total:.2f} s; COPY {floor[0]:.2f} + {floor[1]:.2f} = {sum(floor):.2f} s. On {cores} cores the "
          f"import cannot take less than {total / cores:.2f} s = {total / cores / copy_s:.2f}× the COPY "
          f"however its work overlaps; ≤ 1.5× needs ≤ {1.5 * copy_s * cores:.2f} s of CPU in all")


if __name__ == "__main__":
    raise SystemExit(main())
