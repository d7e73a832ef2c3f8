"""Start-up of the desk app up to its log-in dialog, against a bare PySide6 window (issue #18: ≤ 1.5×).

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python bench/bench_start.py [--dossiers 200000]

Both are new processes of this same interpreter, started and timed in the same run, turn about:

* the floor: ``import PySide6``, a ``QWidget`` shown, the time taken at the first turn of the event loop;
* ours: ``python -m desktop --db FILE`` with ``MOTCUA_BENCH_QUIT_AT_LOGIN=1`` (see ``desktop/ui/main.py``),
  which writes the time at the first turn of the log-in dialog's event loop and closes it;

on a fresh demo database and on the cached demo database of ``--dossiers`` (bench/out/; 0 skips it).
Then, per database, the first page after the log-in: ``MOTCUA_AUTOLOGIN=canbo`` with
``MOTCUA_BENCH_QUIT_AT_FIRST_PAGE=1``, from the child's "logged in" line (the officer is in, the database
open) to its "window shown" line (the main window up and usable, the first page's reads on worker threads)
and its "first page" line (the Tổng quan figures shown; goal ≤ 1 s at 200k), then its "page complete" line
(the page's charts and the year's outlook, read after the figures).
Each time is from just before the process is spawned to the time it writes; the best of ``--runs``
counts. A first run of each is not counted (it checks the file's integrity, as a desk's first start of
the day does, warms the OS cache and writes the bytecode caches: the children keep them in a temporary
``PYTHONPYCACHEPREFIX`` even where ``PYTHONDONTWRITEBYTECODE`` is set, as an installed desk has its
bytecode; without them every start compiles the app's modules again, ~40 ms). Prints both times and the
ratio ours / floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import demo_database  # noqa: E402

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
window = QWidget()
window.resize(420, 300)
window.show()
def shown():
    sys.stderr.write(f"login shown at {time.time():.6f}\\n")
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def with_officers(path: Path, *, new: bool = False) -> Path:
    """The demo desk's officers (and the rest of the demo hooks) where there are none, so the app goes
    to its log-in dialog rather than to the set-up wizard; a ``new`` file is made the demo desk first."""
    from desktop.db.session import open_database
    from desktop.demo import DEMO_HOOKS, start_demo_desk
    from desktop.services import officers

    db = open_database(path)
    with db.transaction(officer="bench") as session:
        if new:
            start_demo_desk(session)
            session.flush()
        if not officers.has_officers(session):
            for hook in DEMO_HOOKS:
                hook(session)
    db.dispose()
    return path


def _moments(command: list[str], env: dict[str, str]) -> tuple[float, dict[str, float]]:
    """The spawn time and the child's "<what> at <epoch seconds>" lines."""
    started = time.time()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    found = {line.rsplit(" at ", 1)[0]: float(line.rsplit(" ", 1)[1])
             for line in done.stderr.splitlines() if " at " in line and line[-1].isdigit()}
    if not found:
        raise RuntimeError(f"{command[-1]}: no timing line (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return started, found


def timed(command: list[str], env: dict[str, str]) -> float:
    """Seconds from the spawn to the child's "login shown at" line."""
    started, found = _moments(command, env)
    return found["login shown"] - started


def first_page(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from the child's "logged in" line to its "window shown", "first page" (Tổng quan's figures)
    and "page complete" lines (its charts and the year's outlook, a second read)."""
    env = dict(env, MOTCUA_AUTOLOGIN="canbo", MOTCUA_BENCH_QUIT_AT_FIRST_PAGE="1")
    env.pop("MOTCUA_BENCH_QUIT_AT_LOGIN", None)
    _started, found = _moments(command, env)
    return tuple(found[line] - found["logged in"]  # type: ignore[return-value]
                 for line in ("window shown", "first page", "page complete"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000, help="0 = the fresh database only")
    parser.add_argument("--db", action="append", default=[], help="another database to start on (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-runs", type=int, default=3, help="runs of the first page after the log-in (0: none)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="motcua-bench-start-")
    folder = Path(tmp.name)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONUTF8="1",
               PYTHONPATH=str(ROOT), MOTCUA_DATA_DIR=str(folder / "data"), MOTCUA_NO_DIALOGS="1",
               MOTCUA_BENCH_QUIT_AT_LOGIN="1", PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # see the docstring: both start from cached bytecode
    env.pop("MOTCUA_AUTOLOGIN", None)
    commands = {"bare PySide6 window (floor)": [sys.executable, "-c", BARE],
                "desk, fresh demo database": [sys.executable, "-m", "desktop", "--db", str(with_officers(folder / "fresh.sqlite3", new=True))]}
    if args.dossiers:
        commands[f"desk, {args.dossiers:,} dossiers"] = [sys.executable, "-m", "desktop", "--db",
                                                         str(with_officers(demo_database(args.dossiers)))]
    for extra in args.db:
        commands[Path(extra).name] = [sys.executable, "-m", "desktop", "--db", str(with_officers(Path(extra)))]
    for command in commands.values():  # not counted: the day's integrity check, the OS cache
        timed(command, env)
    best = {name: float("inf") for name in commands}
    for _ in range(args.runs):  # turn about, so a busy minute falls on all of them
        for name, command in commands.items():
            best[name] = min(best[name], timed(command, env))
    floor = best.pop("bare PySide6 window (floor)")
    print(f"start-up to the log-in dialog ({datetime.now():%Y-%m-%d}, best of {args.runs}):")
    print(f"  bare PySide6 window (floor):     {floor * 1000:8.0f} ms")
    for name, seconds in best.items():
        print(f"  {name + ':':<32} {seconds * 1000:8.0f} ms   ratio {seconds / floor:5.2f}x  (goal ≤ 1.5x)")
    if args.page_runs:
        print(f"log-in to the first page's data (Tổng quan), best of {args.page_runs}:")
    for name, command in commands.items():
        if name in best and args.page_runs:
            window, data, rest = (min(runs) for runs in zip(*(first_page(command, env)
                                                              for _ in range(args.page_runs))))
            print(f"  {name + ':':<32} window usable {window * 1000:6.0f} ms, figures shown {data * 1000:7.0f} ms"
                  f"   (goal ≤ 1000 ms at 200k), charts and outlook {rest * 1000:7.0f} ms")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
