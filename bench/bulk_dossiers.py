"""A fast bulk generator of dossier rows only (what the periodic report reads), for 1M-row benchmarks.

``desktop.demo.generate`` writes components, events and the change log too (~0.5 ms a dossier); the
report needs only ``dossier`` and ``supplement``, so this writes those with sqlite3 ``executemany``
in SQLAlchemy's stored formats. Due dates use Monday–Friday working days (holidays ignored: the
benchmark measures query time, not deadline rules).
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import cached_database
from desktop.demo.generator import person_name
from desktop.rules.text import fold

FMT = "%Y-%m-%d %H:%M:%S.%f"


def _add_working_days(moment: datetime, days: int) -> datetime:
    day = moment
    if day.weekday() >= 5 or day.hour >= 17:
        day = day + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        day = day.replace(hour=7, minute=30)
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day.replace(hour=17, minute=0, second=0, microsecond=0)


def bulk_database(dossiers: int, *, seed: int = 5, units: int = 1, names: bool = False) -> Path:
    """Build once under bench/out/ and reuse (1M rows take about a minute).

    ``names`` draws each applicant's name as the demo does (for the search benchmark; the reports do not
    read names), from a random stream of its own so the other columns stay those of the plain file."""
    suffix = "-names" if names else ""
    return cached_database(f"bulk-{dossiers}-{seed}-{units}{suffix}.sqlite3",
                           lambda tmp: _build_bulk(tmp, dossiers, seed, units, names))


def _build_bulk(tmp: Path, dossiers: int, seed: int, units: int, names: bool = False) -> None:
    from desktop.db.session import open_database
    from desktop.demo import start_demo_desk

    db = open_database(tmp)
    with db.transaction(officer="bench") as session:
        start_demo_desk(session)
    db.dispose()

    rng = random.Random(seed)
    name_rng = random.Random(seed + 1)
    conn = sqlite3.connect(tmp)
    procs = conn.execute("SELECT p.id, p.code, p.name, f.name, p.time_value, p.time_unit FROM procedure p "
                         "JOIN field f ON f.id = p.field_id").fetchall()
    weights = [8 if p[3] == "Chứng thực" else 5 if p[3] == "Hộ tịch" else 1 for p in procs]
    now = datetime(2026, 11, 20, 16, 0)
    start = now - timedelta(days=730)
    span = (now - start).total_seconds()
    unit_codes = ["10375"] + [f"{10400 + i}" for i in range(1, units)]
    dossier_sql = (
        "INSERT INTO dossier (id, owner_unit, version, updated_at, deleted, code, procedure_id, procedure_code, "
        "procedure_name, field_name, time_value, time_unit, applicant_name, search_text, sets_count, channel, "
        "return_by_post, received_at, counting_start, due_at, original_due_at, status, result_at, returned_at, "
        "withdrawn_at, result_digitised) VALUES (?,?,1,?,0,?,?,?,?,?,?,?,?,?,1,?,0,?,?,?,?,?,?,?,?,0)")
    supplement_sql = (
        "INSERT INTO supplement (id, owner_unit, version, updated_at, deleted, dossier_id, requested_at, items, "
        "received_at, previous_due_at, new_due_at) VALUES (?,?,1,?,0,?,?,'[]',?,?,?)")
    batch: list[tuple] = []
    sups: list[tuple] = []
    stamp = now.strftime(FMT)
    for index in range(dossiers):
        received = start + timedelta(seconds=rng.random() * span)
        proc = rng.choices(procs, weights=weights)[0]
        days = int(proc[4]) if proc[5] == "working_days" else 0
        due = _add_working_days(received, days)
        original_due = due
        channel = rng.choices(["direct", "postal", "online"], weights=[62, 3, 35])[0]
        status, result_at, returned_at, withdrawn_at = "in_progress", None, None, None
        roll = rng.random()
        if roll < 0.04:
            status = "refused_at_reception"
        else:
            cursor = received
            if rng.random() < 0.06:
                asked = received + timedelta(hours=rng.randint(2, 40))
                back = asked + timedelta(days=rng.randint(1, 6))
                if asked < now:
                    if back < now:
                        new_due = _add_working_days(back, days)
                        sups.append((str(uuid.uuid4()), unit_codes[index % units], stamp, None, asked.strftime(FMT),
                                     back.strftime(FMT), due.strftime(FMT), new_due.strftime(FMT)))
                        due, cursor = new_due, back
                    else:
                        status = "awaiting_supplement"
                        sups.append((str(uuid.uuid4()), unit_codes[index % units], stamp, None, asked.strftime(FMT),
                                     None, due.strftime(FMT), None))
            if status == "in_progress":
                if rng.random() < 0.015:
                    moment = cursor + timedelta(hours=rng.randint(1, 48))
                    if moment < now:
                        status, withdrawn_at = "withdrawn", moment
                else:
                    late = rng.random() < 0.06
                    span_h = max((due - cursor).total_seconds() / 3600, 0.5)
                    moment = cursor + timedelta(hours=span_h * (1 + rng.random() * 0.8 if late else rng.uniform(0.2, 0.99)))
                    if moment < now:
                        status, result_at = "resolved", moment
                        back_home = moment + timedelta(hours=rng.randint(1, 72))
                        if back_home < now and rng.random() < 0.9:
                            status, returned_at = "returned", back_home
        dossier_id = str(uuid.uuid4())
        if sups and sups[-1][3] is None:
            sups[-1] = (*sups[-1][:3], dossier_id, *sups[-1][4:])
        fmt = (lambda m: m.strftime(FMT) if m else None)
        refused = status == "refused_at_reception"
        code = f"B{index:08d}"
        name = person_name(name_rng) if names else "Nguyễn Văn An"
        batch.append((
            dossier_id, unit_codes[index % units], stamp, code, proc[0], proc[1], proc[2], proc[3],
            proc[4], proc[5], name, fold(f"{code} {name} ") if names else "nguyen van an", channel, fmt(received),
            None if refused else fmt(received), None if refused else fmt(due),
            None if refused else fmt(original_due), status, fmt(result_at), fmt(returned_at), fmt(withdrawn_at),
        ))
        if len(batch) >= 20000:
            conn.executemany(dossier_sql, batch)
            conn.executemany(supplement_sql, sups)
            batch.clear()
            sups.clear()
            print(f"\r  bulk {index + 1}/{dossiers}", end="", flush=True)
    conn.executemany(dossier_sql, batch)
    conn.executemany(supplement_sql, sups)
    conn.commit()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print()
