"""Sync benchmark: desk export time for ~10k changes, and hub import throughput against a plain bulk
insert of the same rows in the same run (PostgreSQL if ``MOTCUA_PG_URL`` is set or can be started,
else SQLite).

    PYTHONPATH=. .venv/bin/python bench/bench_sync.py [--dossiers 1300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

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

    def report(what: str) -> None:
        if profiler is not None:
            print(f"--- profile: {what}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            profiler.clear()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["MOTCUA_DATA_DIR"] = str(work / "desk")

    from sqlalchemy import func, select

    from desktop import demo
    from desktop.db.models import ChangeLog
    from desktop.db.session import make_engine, open_database
    from desktop.sync import batch, keys, tables
    from desktop.sync.export import export_batch
    from province import partitions
    from province.db import create_schema, open_hub
    from province.devices import enrol
    from province.importer import import_file
    from province.keys import encryption_keys, init_keys
    from province.schema import DATA_TABLES
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

    db = open_database(work / "desk.sqlite3")
    with db.transaction(officer="bench") as session:
        demo.start_demo_desk(session)
        demo.generate(session, dossiers=args.dossiers, months=12, seed=3)
    with db.reading() as session:
        logged = session.scalar(select(func.count()).select_from(ChangeLog))
    hub = open_hub(hub_url, data_dir=work / "hub")
    init_keys(hub, name="UBND tỉnh Bench", keys_out=work / "pub")
    with db.transaction() as session:
        keys.install_bundle(session, work / "pub" / "province.pub")
        keys.write_enrolment(session, work / "enrol.json")
    enrol(hub, work / "enrol.json")

    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = export_batch(db, work / "usb")
    export_s = time.perf_counter() - started
    if profiler:
        profiler.disable()
        report("desk export")
    assert result.file is not None
    print(f"export: {result.changes} records from {logged} change-log rows in {export_s:.2f} s "
          f"({result.changes / export_s:,.0f} records/s), file {result.size / 1024:.0f} KiB")

    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    outcome = import_file(hub, result.file)
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if profiler:
        profiler.disable()
        report("hub import")
    assert outcome.status == "applied", outcome.as_json()
    dialect = hub.engine.dialect.name
    print(f"hub import ({dialect}): {outcome.applied} changes in {import_s:.2f} s "
          f"= {outcome.applied / import_s:,.0f} changes/s (decrypt, verify, guarded upsert, receipt); "
          f"{import_cpu:.2f} s of it CPU in this process (the rest: PostgreSQL, waiting for a core)")

    # the floor: the same rows, plain INSERTs into empty tables, no checks
    sealed = batch.read_header(result.file.read_bytes())
    files = batch.decrypt(sealed, encryption_keys(hub))
    import json

    changes = batch.read_changes(files, json.loads(files["manifest.json"]))
    bulk_url = bulk_pg_url or f"sqlite:///{work / 'bulk.sqlite3'}"
    bulk_engine = make_engine(bulk_url)
    # the hub's own tables, built as the hub builds them (PostgreSQL: dossiers and events partitioned by
    # year, with the years of these rows made as the import makes them): the floor writes into the same shape
    create_schema(bulk_engine)
    partitions.ensure_for_changes(bulk_engine, changes)
    by_table: dict[str, list[dict]] = {}
    for change in changes:
        by_table.setdefault(change["table"], []).append(tables.row_values(DATA_TABLES[change["table"]], change["row"]))
    started = time.perf_counter()
    with bulk_engine.begin() as conn:
        for name, rows in by_table.items():
            conn.execute(DATA_TABLES[name].insert(), rows)
    bulk_s = time.perf_counter() - started
    print(f"plain bulk insert ({dialect}): {len(changes)} rows in {bulk_s:.2f} s = {len(changes) / bulk_s:,.0f} rows/s")
    print(f"ratio: hub import takes {import_s / bulk_s:.1f}× the plain bulk insert of the same rows")
    if dialect == "postgresql":  # the floor the issue asks for: COPY of the same rows into empty tables
        from province.staging import copy_rows

        with bulk_engine.begin() as conn:
            for name in by_table:
                conn.execute(DATA_TABLES[name].delete())
        started = time.perf_counter()
        with bulk_engine.begin() as conn:
            for name, rows in by_table.items():
                copy_rows(conn, DATA_TABLES[name], rows)
        copy_s = time.perf_counter() - started
        print(f"COPY ({dialect}): {len(changes)} rows in {copy_s:.2f} s = {len(changes) / copy_s:,.0f} rows/s")
        print(f"ratio: hub import takes {import_s / copy_s:.2f}× a COPY of the same rows (goal ≤ 1.5×); "
              f"hub import {outcome.applied / import_s:,.0f} changes/s (goal ≥ 20,000)")
    print(f"desk export of {result.changes} changes: {export_s:.2f} s (goal ≤ 1 s)")
    bulk_engine.dispose()
    hub.dispose()
    db.dispose()
    for schema in schemas:
        drop_pg_schema(pg_url, schema)
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
