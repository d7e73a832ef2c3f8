"""Shared benchmark helpers: a cached demo database of N dossiers and a best-of timer."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def demo_database(dossiers: int, *, seed: int = 11, months: int = 24) -> Path:
    """Build once under bench/out/ and reuse: generating 200k dossiers takes about two minutes."""
    from desktop.db.session import open_database
    from desktop.demo import generate
    from desktop.demo import start_demo_desk

    OUT.mkdir(exist_ok=True)
    path = OUT / f"demo-{dossiers}-{seed}.sqlite3"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    if tmp.exists():
        tmp.unlink()
    db = open_database(tmp)
    with db.transaction(officer="bench") as session:
        start_demo_desk(session)
    with db.transaction(officer="bench") as session:
        generate(session, dossiers=dossiers, months=months, seed=seed,
                 progress=lambda d, t: print(f"\r  generating {d}/{t}", end="", flush=True))
    print()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    shutil.move(tmp, path)
    return path


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Smallest wall time of ``repeat`` runs (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
