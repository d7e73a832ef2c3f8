"""Province-sized hub on PostgreSQL (issue 14, docs/scale.md): load a 1/20 national sample, measure the
province report over all units and the database size.

    PYTHONPATH=. .venv/bin/python bench/bench_scale.py [--dossiers 1700000] [--units 165] [--period 2026-10]

The sample (``bench/bulk_dossiers.py``: dossiers and supplements of ``--units`` communes over two years,
the starter catalogue) is built once as a SQLite file under bench/out/, then copied into a fresh
PostgreSQL schema with ``COPY`` (the set-based floor of the hub's ingest; batch ingest through the
importer is measured by ``bench_sync.py``). Prints rows/s of the load, the time to build the report
aggregates from the raw rows (what an existing hub does once on upgrade), the province report time
(``province.reports.periodic(unit="all")`` — from the aggregates — best of ``--repeat``), one unit's
report time, the database size, and the all-units report from the aggregates against the raw pass
(time and equality) for a month (calendar and official) and the year. Then (unless ``--no-ingest``) the
ingest rate at province scale: a demo desk of ``--desk-dossiers`` (≈7 changes each) enrolled at the
loaded hub, its first batch imported through the importer, then a batch updating every record of it,
and the aggregates checked against the raw rows after both. Needs ``MOTCUA_PG_URL``. The schema is
dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

# The province key is always encrypted; benchmarks use a throw-away passphrase of their own.
os.environ.setdefault("MOTCUA_HUB_KEY_PASSPHRASE", "bench-only-passphrase")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=1_700_000, help="1/20 of the nation: ~850k a year × 2 years")
    ap.add_argument("--units", type=int, default=165, help="communes (1/20 of ~3,300)")
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (prints its URL)")
    ap.add_argument("--from-plain", action="store_true",
                    help="load into the unpartitioned tables of the release before, then time the upgrade in place")
    ap.add_argument("--no-ingest", action="store_true", help="skip the batch imports into the loaded hub")
    ap.add_argument("--desk-dossiers", type=int, default=1400, help="the importing demo desk's dossiers")
    args = ap.parse_args()
    pg = os.environ.get("MOTCUA_PG_URL")
    if not pg:
        raise SystemExit("MOTCUA_PG_URL is required (a PostgreSQL database for the hub)")

    from sqlalchemy import select, text

    from bench.bulk_dossiers import bulk_database
    from desktop.platform import clock
    from desktop.db.session import open_database
    from desktop.reports.periodic import periodic_report
    from desktop.reports.periods import parse_period
    from province import partitions, report_counts
    from province.db import hub_engine, open_hub
    from province.reports import periodic
    from province.schema import DATA_TABLES, HUB_METADATA
    from province.staging import copy_rows
    from tests.sync_support import drop_pg_schema, pg_schema_url

    started = time.perf_counter()
    source = bulk_database(args.dossiers, units=args.units)
    print(f"sample: {source.name} ready in {time.perf_counter() - started:.0f} s")
    desk = open_database(source)  # typed rows (the desk's own types) for COPY
    url, schema = pg_schema_url(pg)
    with desk.engine.connect() as src:  # the years' partitions, as the import makes them before its data
        years = {int(y) for y in src.execute(text("SELECT DISTINCT substr(received_at, 1, 4) FROM dossier")).scalars()}

    def load(engine: object) -> int:
        total = 0
        started = time.perf_counter()
        with desk.engine.connect() as src, engine.begin() as dst:  # type: ignore[attr-defined]
            for table in DATA_TABLES.values():
                source_table = table.to_metadata(type(table.metadata)())
                result = src.execution_options(yield_per=50_000).execute(select(source_table))
                for chunk in result.mappings().partitions():
                    copy_rows(dst, table, [dict(r) for r in chunk])
                    total += len(chunk)
        load_s = time.perf_counter() - started
        print(f"load: {total:,} rows by COPY in {load_s:.1f} s = {total / load_s:,.0f} rows/s")
        return total

    hub = None
    try:
        if args.from_plain:  # the release before partitioning made plain tables; the new one converts them
            plain = hub_engine(url)
            HUB_METADATA.create_all(plain)
            total_rows = load(plain)
            started = time.perf_counter()
            converted = partitions.ensure_schema(plain, DATA_TABLES)
            print(f"upgrade in place: {', '.join(converted)} partitioned (their rows copied) in "
                  f"{time.perf_counter() - started:.1f} s")
            plain.dispose()
            started = time.perf_counter()
            hub = open_hub(url, data_dir=Path(tempfile.mkdtemp(prefix="bench-scale-")))
            print(f"first start after it (indexes on the partitions, aggregates): {time.perf_counter() - started:.1f} s")
        else:
            hub = open_hub(url, data_dir=Path(tempfile.mkdtemp(prefix="bench-scale-")))
            made = partitions.ensure_years(hub.engine, {"dossier": years, "dossier_event": years})
            print(f"partitions: {', '.join(made)}")
            total_rows = load(hub.engine)
        with hub.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            _spread_units(conn, args.units)
            size = conn.scalar(text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = :s AND c.relkind = 'r'"), {"s": schema})
            dossiers = conn.scalar(text("SELECT count(*) FROM dossier"))
        print(f"database: {dossiers:,} dossiers, {size / 1024 ** 2:,.0f} MiB (tables + indexes)")
        started = time.perf_counter()  # what an existing hub does once when it upgrades (report_counts.ensure)
        with hub.transaction() as session:
            count_rows, watch_rows = report_counts.rebuild(session)
        rebuild_s = time.perf_counter() - started
        with hub.engine.begin() as conn:
            conn.execute(text("ANALYZE hub_report_count; ANALYZE hub_report_watch"))
            agg_size = conn.scalar(text("SELECT pg_total_relation_size('hub_report_count') "
                                        "+ pg_total_relation_size('hub_report_watch')"))
        print(f"aggregates: rebuilt from {dossiers:,} dossiers in {rebuild_s:.1f} s = {dossiers / rebuild_s:,.0f} "
              f"dossiers/s; {count_rows:,} count rows + {watch_rows:,} late/overdue rows, {agg_size / 1024 ** 2:,.1f} MiB")
        clock.set_now(datetime(2026, 11, 20, 16, 0, tzinfo=clock.VN_TZ))  # where the sample ends
        for unit in ("all", "10375"):
            best = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                report = periodic(hub, unit=unit, period=args.period, calendar=True)
                best = min(best, time.perf_counter() - t)
            source = "from the aggregates" if unit == "all" else "raw, one unit"
            print(f"report {unit} {args.period}: {best:.2f} s (best of {args.repeat}, {source}), "
                  f"received {report['total']['received']['total']:,}")
        for label, calendar in ((args.period, True), (args.period, False), (args.period[:4], True)):
            t = time.perf_counter()
            fast = periodic(hub, unit="all", period=label, calendar=calendar)
            fast_s = time.perf_counter() - t
            t = time.perf_counter()
            with hub.reading() as session:
                raw = periodic_report(session, parse_period(label, calendar=calendar), unit_codes=None,
                                      unit=(fast["unit"]["code"], fast["unit"]["name"]))
            raw_s = time.perf_counter() - t
            fast.pop("generated_at")
            raw.pop("generated_at")
            same = "equal, number for number" if fast == raw else "DIFFERENT"
            print(f"all units {label} ({'calendar' if calendar else 'official'}): aggregates {fast_s:.2f} s, "
                  f"raw pass {raw_s:.2f} s — {same} ({raw['total']['received']['total']:,} dossiers, "
                  f"{len(raw['late_dossiers']):,} in the late list)")
        with hub.engine.connect() as conn:
            plan = conn.execute(text(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT field_name, count(*) FROM dossier WHERE deleted = false "
                "AND received_at < :e AND (COALESCE(result_at, withdrawn_at, returned_at) IS NULL "
                "OR COALESCE(result_at, withdrawn_at, returned_at) >= :s) GROUP BY field_name"),
                {"s": datetime(2026, 10, 1), "e": datetime(2026, 11, 1)}).scalars().all()
        print("EXPLAIN ANALYZE of the report's main scan:")
        print("\n".join("  " + line for line in plan))
        with hub.engine.connect() as conn:  # issue 14: a year's query reads that year's partition only
            plan = conn.execute(text(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT owner_unit, count(*) FROM dossier WHERE received_at >= :s "
                "AND received_at < :e GROUP BY owner_unit"), {"s": datetime(2026, 1, 1), "e": datetime(2027, 1, 1)}
            ).scalars().all()
            placed = conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM dossier GROUP BY 1 ORDER BY 1"))
            print("dossiers per partition: " + ", ".join(f"{p} {n:,}" for p, n in placed))
        print("EXPLAIN ANALYZE of one year's count (partition pruning):")
        print("\n".join("  " + line for line in plan))
        if not args.no_ingest:
            _ingest(hub, args.desk_dossiers)
    finally:
        if hub is not None:
            hub.dispose()
        desk.dispose()
        if args.keep:
            print(f"kept: {url}")
        else:
            drop_pg_schema(pg, schema)
    return 0


def _ingest(hub: object, dossiers: int) -> None:
    """Issue 14: the ingest rate where it matters — a desk's batches imported into the province-sized hub
    (``bench_sync.py`` measures the same into an empty one) — and the aggregates still equal to the raw
    rows after them."""
    from bench.common import enrolled_demo_desk, touch_every_record
    from desktop.platform import clock
    from desktop.sync.export import export_batch
    from province import report_counts
    from province.importer import import_file

    clock.set_now(None)  # the desk's own time: its update must change ``updated_at``
    work = Path(tempfile.mkdtemp(prefix="bench-scale-desk-"))
    os.environ["MOTCUA_DATA_DIR"] = str(work / "desk")  # the desk's keys stay in the bench's folder
    db = enrolled_demo_desk(hub, work, dossiers)
    try:
        for what in ("first import", "import of updates"):
            if what == "import of updates":
                with db.transaction(officer="bench") as session:
                    touch_every_record(session)
            batch = export_batch(db, work / what.replace(" ", "-"))
            assert batch.file is not None
            started = time.perf_counter()
            outcome = import_file(hub, batch.file)  # type: ignore[arg-type]
            took = time.perf_counter() - started
            assert outcome.status == "applied", outcome.as_json()
            print(f"ingest into the loaded hub, {what}: {outcome.applied:,} changes in {took:.2f} s = "
                  f"{outcome.applied / took:,.0f} changes/s ({outcome.conflicts} conflicts, "
                  f"{outcome.rejected} refused — the catalogue of a second desk of unit 10375; goal ≥ 20,000)")
        started = time.perf_counter()
        with hub.reading() as session:  # type: ignore[attr-defined]
            drift = report_counts.check(session)
        state = "equal" if not drift else f"DIFFERENT in {len(drift)} slices"
        print(f"aggregates after the imports: {state} to the raw rows (check of the whole hub: "
              f"{time.perf_counter() - started:.1f} s)")
    finally:
        db.dispose()


def _spread_units(conn: object, units: int) -> None:
    """The sample's dossiers name ``units`` owner codes; give each a unit row so by-unit reports resolve."""
    from sqlalchemy import text

    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO unit (id, owner_unit, version, deleted, code, agency_id, name, level, morning_start, "
        "morning_end, afternoon_start, afternoon_end, calendar_windows) "
        "SELECT 'u-' || o, o, 1, false, o, '000.00.00.H49', 'UBND xã ' || o, 'xa', '07:30', '11:30', '13:30', "
        "'17:00', false FROM (SELECT DISTINCT owner_unit AS o FROM dossier) d "
        "WHERE NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = d.o)"))


if __name__ == "__main__":
    raise SystemExit(main())
