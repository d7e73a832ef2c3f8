"""Shared benchmark helpers: a cached demo database of N dossiers, a demo desk enrolled at a hub, and a
best-of timer."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def enrolled_demo_desk(hub: Any, work: Path, dossiers: int) -> Any:
    """A demo desk of ``dossiers`` over a year (≈7 changes each), in ``work``, enrolled at ``hub`` — which
    gets fresh province keys — so its batches import as a real desk's do."""
    from desktop import demo
    from desktop.db.session import open_database
    from desktop.sync import keys
    from province.devices import enrol
    from province.keys import init_keys

    db = open_database(work / "desk.sqlite3")
    with db.transaction(officer="bench") as session:
        demo.start_demo_desk(session)
        demo.generate(session, dossiers=dossiers, months=12, seed=3)
    init_keys(hub, name="UBND tỉnh Bench", keys_out=work / "pub")
    with db.transaction() as session:
        keys.install_bundle(session, work / "pub" / "province.pub")
        keys.write_enrolment(session, work / "enrol.json")
    enrol(hub, work / "enrol.json")
    return db


def touch_every_record(session: Any) -> int:
    """Update every synced record of the desk once (its change log then holds one update per record)."""
    from sqlalchemy import select

    from desktop.db.models import Base, Synced
    from desktop.platform import clock

    count = 0
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, Synced):
            for record in session.scalars(select(mapper.class_)):
                record.updated_at = clock.now()
                count += 1
    return count


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Smallest wall time of ``repeat`` runs (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def server_cpu(engine: Any) -> dict[int, int] | None:
    """Clock ticks of CPU used so far by each process of the PostgreSQL server behind ``engine`` (its
    database's backends and the background writers), read from ``/proc``: None unless it is PostgreSQL
    on this machine. Other sessions of the same database count too: measure on a quiet server.
    Two readings give the CPU a step cost the server, which wall time hides when work overlaps."""
    if engine.dialect.name != "postgresql" or not Path("/proc/self/stat").exists():
        return None
    from sqlalchemy import text

    with engine.connect() as conn:
        pids = conn.scalars(text("SELECT pid FROM pg_stat_activity "
                                 "WHERE datname = current_database() OR datname IS NULL")).all()
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine, or a process that just ended
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks or None


def server_cpu_between(before: dict[int, int] | None, after: dict[int, int] | None) -> float | None:
    """Seconds of server CPU between two :func:`server_cpu` readings (a backend started in between counts whole)."""
    if before is None or after is None:
        return None
    import os

    return sum(t - before.get(pid, 0) for pid, t in after.items()) / os.sysconf("SC_CLK_TCK")
