"""Shared benchmark helpers: a cached demo database of N dossiers and a best-of timer."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def cached_database(name: str, build: Callable[[Path], None]) -> Path:
    """``bench/out/<name>``, built once by ``build`` into a temporary file (renamed when complete, so an
    interrupted build is never reused) and reused by every later run."""
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    if not path.exists():
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        build(tmp)
        shutil.move(tmp, path)
    return path


def demo_database(dossiers: int, *, seed: int = 11, months: int = 24) -> Path:
    """Build once under bench/out/ and reuse: generating 200k dossiers takes about two minutes."""
    return cached_database(f"demo-{dossiers}-{seed}.sqlite3", lambda tmp: _build_demo(tmp, dossiers, seed, months))


def _build_demo(tmp: Path, dossiers: int, seed: int, months: int) -> None:
    from desktop.db.session import open_database
    from desktop.demo import generate, start_demo_desk

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


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Smallest wall time of ``repeat`` runs (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
