"""``report periodic`` over 1M dossiers vs one hand-written SQL aggregate on the same SQLite file.

Run: PYTHONPATH=. .venv/bin/python bench/bench_periodic.py [--dossiers 1000000] [--period 2026-10]
The floor is a single GROUP BY written by hand against sqlite3 with the same counting rules for the
Biểu 06 columns (received by channel / carried over, resolved early/on time/late, in progress with the
current due date); ours is the full report (aggregate with the historical due date and supplement
state, late list, field order, identity checks). Prints both times and the ratio (goal ≤ 2×).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bulk_dossiers import FMT, bulk_database
from bench.common import best_of

FLOOR_SQL = """
SELECT field_name,
  COUNT(*),
  SUM(CASE WHEN received_at >= :s AND channel = 'online' THEN 1 ELSE 0 END),
  SUM(CASE WHEN received_at >= :s AND channel <> 'online' THEN 1 ELSE 0 END),
  SUM(CASE WHEN received_at < :s THEN 1 ELSE 0 END),
  SUM(CASE WHEN r < :e THEN 1 ELSE 0 END),
  SUM(CASE WHEN r < :e AND r > due_at THEN 1 ELSE 0 END),
  SUM(CASE WHEN r < :e AND r <= due_at AND date(r) < date(due_at) THEN 1 ELSE 0 END),
  SUM(CASE WHEN r IS NULL OR r >= :e THEN 1 ELSE 0 END),
  SUM(CASE WHEN (r IS NULL OR r >= :e) AND due_at < :e THEN 1 ELSE 0 END)
FROM (SELECT field_name, channel, received_at, due_at, COALESCE(result_at, withdrawn_at, returned_at) AS r
      FROM dossier WHERE deleted = 0 AND status <> 'refused_at_reception' AND received_at < :e)
WHERE r IS NULL OR r >= :s
GROUP BY field_name
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--calendar", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = bulk_database(args.dossiers)

    from datetime import datetime

    from desktop.platform import clock
    from desktop.db.session import open_database
    from desktop.reports.periodic import periodic_report
    from desktop.reports.periods import parse_period

    clock.set_now(datetime(2026, 11, 20, 16, 0, tzinfo=clock.VN_TZ))  # the moment the bulk data ends
    period = parse_period(args.period, calendar=args.calendar)
    db = open_database(path)

    def ours() -> dict:
        with db.reading() as session:
            return periodic_report(session, period)

    start, end = period.bounds()
    params = {"s": start.replace(tzinfo=None).strftime(FMT), "e": end.replace(tzinfo=None).strftime(FMT)}
    raw = sqlite3.connect(path)

    def floor() -> list:
        return raw.execute(FLOOR_SQL, params).fetchall()

    report = ours()
    rows = {r[0]: r for r in floor()}
    total_received = sum(r[1] for r in rows.values())
    assert total_received == report["total"]["received"]["total"], "both must count the same dossiers"
    assert sum(r[5] for r in rows.values()) == report["total"]["resolved"]["total"]
    t_ours = best_of(ours, args.repeat)
    t_floor = best_of(floor, args.repeat)
    count = raw.execute("SELECT COUNT(*) FROM dossier").fetchone()[0]
    print(f"dossiers={count} period={period.label} ({period.start}→{period.end}) in report={total_received} "
          f"late list={len(report['late_dossiers'])}")
    print(f"periodic_report: {t_ours * 1000:.0f} ms   hand-written SQL aggregate: {t_floor * 1000:.0f} ms   "
          f"ratio: {t_ours / t_floor:.2f}x (goal ≤ 2x)")
    db.dispose()


if __name__ == "__main__":
    main()
