"""Crash safety: writers killed with SIGKILL at random moments, 100 times, on one database.

After every kill the database passes ``integrity_check`` and holds exactly the dossiers whose commit
was reported, plus at most the one that was in flight (its commit may have finished before the kill
but after the report could be written) — nothing else, nothing lost.
"""

from __future__ import annotations

import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.db.audit import verify_chain
from desktop.db.session import open_database

KILLS = 100
WORKER = Path(__file__).with_name("kill9_worker.py")
LINE = re.compile(r"^(READY|PID \d+|DONE \S+|TRY run\d+-\d+|OK run\d+-\d+ \S+)$")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="fork/SIGKILL are POSIX (CI runs Linux)")]


class Lines:
    """Line reader over a pipe with a deadline, so a hung worker fails the test instead of hanging it."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.fd = stream.fileno()
        self.buffer = b""

    def next(self, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not ready:
                raise AssertionError("kill-9 worker did not answer in time")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise AssertionError("kill-9 worker exited")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        text = line.decode()
        assert LINE.match(text), f"garbled line from the worker: {text!r}"
        return text


def _present(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return dict(con.execute("SELECT applicant_name, code FROM dossier WHERE applicant_name LIKE 'run%'"))
    finally:
        con.close()


def test_sigkill_never_loses_or_invents_a_dossier(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = db.path
    db.dispose()
    rng = random.Random(20261120)
    shutil.copytree(Path(os.environ["MOTCUA_DATA_DIR"]) / "keys", tmp_path / "worker-data" / "keys")  # same desk
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]),
               MOTCUA_NOW="2026-11-16T09:00:00+07:00", MOTCUA_DATA_DIR=str(tmp_path / "worker-data"))
    worker = subprocess.Popen([sys.executable, str(WORKER), str(path), "1.004873"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=env)
    lines = Lines(worker.stdout)
    reported: dict[str, str] = {}
    in_flight_kept = 0
    child = None
    try:
        assert lines.next(60) == "READY"
        for run in range(KILLS):
            worker.stdin.write(f"{run}\n".encode())  # type: ignore[union-attr]
            worker.stdin.flush()  # type: ignore[union-attr]
            tries_before_kill = rng.randint(0, 4)  # 0: killed while starting up / opening the database
            last_try, seen_tries, killed = None, 0, False
            while True:
                line = lines.next()
                if line.startswith("PID "):
                    child = int(line.split()[1])
                elif line.startswith("TRY "):
                    last_try, seen_tries = line.split()[1], seen_tries + 1
                elif line.startswith("OK "):
                    _, tag, code = line.split()
                    reported[tag] = code
                elif line.startswith("DONE"):
                    break
                if not killed and child is not None and seen_tries >= tries_before_kill:
                    time.sleep(rng.uniform(0, 0.012))  # inside the transaction, the commit, or just after
                    os.kill(child, signal.SIGKILL)
                    killed = True
            child = None

            present = _present(path)
            missing = {tag for tag in reported if present.get(tag) != reported[tag]}
            assert not missing, f"run {run}: committed dossiers lost after SIGKILL: {sorted(missing)}"
            extra = set(present) - set(reported)
            allowed = {last_try} if last_try else set()
            assert extra <= allowed, f"run {run}: dossiers nobody committed: {sorted(extra - allowed)}"
            if extra:  # committed, killed before it could say so: count it as reported from now on
                reported[last_try] = present[last_try]  # type: ignore[index]
                in_flight_kept += 1
    finally:
        if child is not None:
            os.kill(child, signal.SIGKILL)
        worker.stdin.close()  # type: ignore[union-attr]
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()  # type: ignore[union-attr]
    print(f"kill-9: {KILLS} kills, {len(reported)} dossiers committed, {in_flight_kept} committed-but-unreported")
    assert len(reported) >= KILLS  # the loop really wrote (about two dossiers per run)
    reopened = open_database(path)  # the app opens it, the audit chain survived every kill
    with reopened.reading() as session:
        assert verify_chain(session).ok
    reopened.dispose()
