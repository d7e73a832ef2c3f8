"""``dossier list --search`` on 200k dossiers vs one hand-written SQL query on the same file, and the
search box's p95 over many names vs one FTS5 query (issue #18: p95 ≤ 20 ms at 200k, ≤ 50 ms at 1M).

Run: PYTHONPATH=. .venv/bin/python bench/bench_search.py [--dossiers 200000] [--bulk]

``--bulk`` uses ``bench/bulk_dossiers.py``'s file with demo-drawn names instead of a full demo desk: the
search reads only ``dossier`` and its FTS5 index, and a 1M demo desk takes about 45 minutes to build.
Prints both times and the ratio (ours / floor). The floor is the same folded-name match written by hand
against sqlite3 directly, so the ratio measures what our service layer costs on top of SQLite.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_of, demo_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--query", default="nguyen van hung")
    parser.add_argument("--bulk", action="store_true",
                        help="dossier rows only, names drawn as the demo does (a 1M file in minutes, not an hour)")
    args = parser.parse_args()
    if args.bulk:
        from bench.bulk_dossiers import bulk_database

        path = bulk_database(args.dossiers, names=True)
    else:
        path = demo_database(args.dossiers)

    from desktop.db.session import open_database
    from desktop.services.queries import DossierFilter, list_dossiers
    from desktop.rules.text import fold

    db = open_database(path)

    def ours() -> int:
        with db.reading() as session:
            return len(list_dossiers(session, DossierFilter(search=args.query), limit=None))

    raw = sqlite3.connect(path)
    needle = f"%{fold(args.query)}%"

    def floor() -> int:
        rows = raw.execute(
            "SELECT id, code, applicant_name, applicant_id_number, procedure_code, procedure_name, field_name, "
            "channel, received_at, due_at, status, result_at, withdrawn_at FROM dossier "
            "WHERE deleted = 0 AND search_text LIKE ? ORDER BY received_at DESC", (needle,)).fetchall()
        return len(rows)

    found = ours()
    assert found == floor(), "both queries must return the same rows"
    t_ours = best_of(ours)
    t_floor = best_of(floor)
    print(f"dossiers={args.dossiers} query={args.query!r} matches={found}")
    print(f"service search: {t_ours * 1000:.1f} ms   hand-written SQL: {t_floor * 1000:.1f} ms   "
          f"ratio: {t_ours / t_floor:.2f}x")

    # the search box: the keys of every match (what the Hồ sơ page loads) for 30 real names without diacritics,
    # p95 against one FTS5 lookup of the same names
    import statistics
    import time

    from desktop.services.queries import dossier_keys

    names = [fold(row[0]).split(" ", 1)[1] for row in raw.execute(
        "SELECT applicant_name FROM dossier WHERE applicant_name LIKE '% %' ORDER BY random() LIMIT 30")]

    def timings(run) -> list[float]:  # type: ignore[no-untyped-def]
        spent = []
        for name in names:
            start = time.perf_counter()
            run(name)
            spent.append((time.perf_counter() - start) * 1000)
        return sorted(spent)

    with db.reading() as session:
        timings(lambda n: dossier_keys(session, DossierFilter(search=n)))  # warm
        box = timings(lambda n: dossier_keys(session, DossierFilter(search=n)))
    fts = timings(lambda n: raw.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?",
                                        (f'"{n}"',)).fetchall())
    p95 = lambda values: values[max(0, int(len(values) * 0.95) - 1)]  # noqa: E731
    print(f"search box over {len(names)} names: p95 {p95(box):.1f} ms (median {statistics.median(box):.1f})   "
          f"one FTS5 query: p95 {p95(fts):.1f} ms   ratio: {p95(box) / max(p95(fts), 0.01):.1f}x")

    # the CLI path end to end (process start included), for the officer's experience
    import subprocess

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop", "--db", str(path), "dossier", "list", "--search", args.query,
                    "--json"], check=True, capture_output=True)
    print(f"`dossier list --search` as a command (incl. Python start-up): {(time.perf_counter() - start) * 1000:.0f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
