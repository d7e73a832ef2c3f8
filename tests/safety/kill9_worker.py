"""Crash-test worker for test_kill9: receives dossiers in a loop and reports each committed one.

Started once per test as ``python kill9_worker.py DB``; it imports the app once, then for every line
on stdin forks a writer process (so a hundred SIGKILLs do not cost a hundred interpreter start-ups).
The writer prints ``TRY <tag>`` before a transaction and ``OK <tag> <code>`` only after the commit
has returned. Lines are written with one ``os.write`` each (atomic on a pipe), never buffered.
"""

from __future__ import annotations

import os
import sys
import time

MAX_PER_RUN = 40


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def _receive(db, tag: str, procedure: str) -> str:  # type: ignore[no-untyped-def]
    from desktop.services import dossiers

    with db.transaction() as session:
        return dossiers.receive(session, dossiers.Reception(
            procedure_code=procedure, applicant=dossiers.Applicant(name=tag, phone="0912345678"))).code


def warm_up(db_path: str, procedure: str):  # type: ignore[no-untyped-def]
    """Configure mappers and fill the statement cache once (a rolled-back receive), then close every
    connection so forked writers open their own."""
    from desktop.db.session import open_database

    db = open_database(db_path, migrate=False)
    try:
        with db.transaction() as session:
            from desktop.services import dossiers

            dossiers.receive(session, dossiers.Reception(procedure_code=procedure,
                                                         applicant=dossiers.Applicant(name="warm-up")))
            raise LookupError("roll back")
    except LookupError:
        pass
    db.engine.dispose()
    return db


def writer(db, run: str, procedure: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(MAX_PER_RUN):
        tag = f"run{run}-{i}"
        say(f"TRY {tag}")
        code = _receive(db, tag, procedure)
        say(f"OK {tag} {code}")
    while True:  # wait to be killed
        time.sleep(1)


def main(db_path: str, procedure: str) -> int:
    db = warm_up(db_path, procedure)
    say("READY")
    for line in sys.stdin:
        run = line.strip()
        pid = os.fork()
        if pid == 0:
            try:
                writer(db, run, procedure)
            finally:
                os._exit(0)
        say(f"PID {pid}")
        os.waitpid(pid, 0)
        say(f"DONE {run}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
