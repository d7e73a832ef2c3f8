"""``dossier list --search`` on 200k dossiers vs one hand-written indexed SQL query on the same file.

Run: PYTHONPATH=. .venv/bin/python bench/bench_search.py [--dossiers 200000]
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
    args = parser.parse_args()
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

    # the CLI path end to end (process start included), for the officer's experience
    import subprocess
    import time

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop", "--db", str(path), "dossier", "list", "--search", args.query,
                    "--json"], check=True, capture_output=True)
    print(f"`dossier list --search` as a command (incl. Python start-up): {(time.perf_counter() - start) * 1000:.0f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
