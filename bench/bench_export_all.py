"""``export all`` at 200k dossiers: time and peak memory, against a floor measured in the same run.

Run: PYTHONPATH=. .venv/bin/python bench/bench_export_all.py [--dossiers 200000] [--format xlsx|csv|both]
Each export runs in its own process (``python -m desktop export all``) so its peak RSS is its own; the goal
is ≤ 250 MB (the export streams: openpyxl write-only, rows fetched in chunks). The floor is a plain
``SELECT *`` of the same tables written with the csv module straight from sqlite3, so the ratio measures
what the typed cells, the Vietnamese headers and the xlsx/zip container cost on top of reading the rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bulk_dossiers import bulk_database  # noqa: E402

TABLES = ("dossier", "dossier_event", "dossier_component", "supplement", "apology", "survey_answer", "queue_ticket")


def floor(db: Path, folder: Path) -> float:
    """The same rows read with sqlite3 and written with the csv module: no types, no styling, no container."""
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    try:
        for table in TABLES:
            with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                cursor = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 — fixed table names
                out.writerow([c[0] for c in cursor.description])
                while chunk := cursor.fetchmany(5000):
                    out.writerows(chunk)
    finally:
        conn.close()
    return time.perf_counter() - started


def ours(db: Path, out: Path, data_dir: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``python -m desktop export all`` in a child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MOTCUA_DATA_DIR=str(data_dir), PYTHONUTF8="1")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "desktop", "--db", str(db), "--officer", "bench", "export", "all",
                              "--out", str(out), "--json"], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child so far
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"export all failed ({child.returncode})")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    args = parser.parse_args()
    source = bulk_database(args.dossiers)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        db = folder / "desk.sqlite3"
        shutil.copyfile(source, db)
        base = floor(db, folder)
        print(f"floor (sqlite3 SELECT * → csv, {len(TABLES)} tables): {base:.2f} s")
        formats = ("xlsx", "csv") if args.format == "both" else (args.format,)
        for fmt in formats:
            out = folder / f"tat-ca.{'xlsx' if fmt == 'xlsx' else 'zip'}"
            elapsed, peak = ours(db, out, folder / "data")
            verdict = "OK" if peak <= 250 else "OVER the 250 MB goal"
            print(f"export all ({fmt}) of {args.dossiers:,} dossiers: {elapsed:.2f} s = {elapsed / base:.1f} × floor; "
                  f"file {out.stat().st_size / 2**20:.1f} MB; peak RSS {peak:.0f} MB ({verdict})")


if __name__ == "__main__":
    main()
