"""Resident memory of a desk session on a 200k-dossier database over time (issue #18: ≤ 250 MB after 25 min).

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python bench/bench_memory.py [--minutes 25] [--dossiers 200000]

One process does what an officer's day does, over and over until ``--minutes`` have passed: the main
window on the cached demo database (bench/out/), every page in turn, a search typed on the Hồ sơ page
(all matching ids listed), a dossier received and its receipt PDF rendered. Reads run on the GUI thread
(the synchronous task runner) so the loop is deterministic. Prints the resident set size (VmRSS) at the
start, each minute, the peak and at the end, with the floor: a bare ``QMainWindow`` process's RSS, read
first in this same process. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import demo_database  # noqa: E402

NAMES = ("nguyen van", "tran thi", "le hoang", "pham minh", "hung", "lan", "000.00.23", "thao")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=25)
    parser.add_argument("--dossiers", type=int, default=200_000)
    args = parser.parse_args()
    path = demo_database(args.dossiers)
    os.environ.setdefault("MOTCUA_DATA_DIR", str(Path(path).parent / "memory-data"))

    from PySide6.QtWidgets import QApplication, QMainWindow

    from desktop.ui.app import create_app

    app = create_app()
    bare = QMainWindow()
    bare.show()
    QApplication.processEvents()
    floor = rss_mb()
    bare.close()

    from desktop.db.session import open_database
    from desktop.forms import render_form_bytes
    from desktop.services import dossiers, officers
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import PAGES
    from desktop.ui.tasks import TaskRunner

    db = open_database(path)
    with db.reading() as session:
        officer = officers.officer_info(session, "canbo") if officers.has_officers(session) else None
    if officer is None:
        raise SystemExit("no officer 'canbo': run bench/bench_start.py once (it adds the demo officers)")
    ctx = UiContext(db=db, officer=officer, tasks=TaskRunner(synchronous=True), show_previews=False)
    window = MainWindow(ctx, lock=False)
    window.show()
    QApplication.processEvents()
    start_rss = peak = rss_mb()
    print(f"bare QMainWindow process: {floor:.0f} MB; desk window on {args.dossiers:,} dossiers: {start_rss:.0f} MB",
          flush=True)
    started = time.monotonic()
    next_minute, cycles = 60.0, 0
    while time.monotonic() - started < args.minutes * 60:
        for page in PAGES:
            window.show_key(page.key)
            QApplication.processEvents()
        listing = window.show_key("dossiers")
        listing.search.setText(NAMES[cycles % len(NAMES)])  # type: ignore[attr-defined]
        listing.reload()  # type: ignore[attr-defined]
        QApplication.processEvents()
        with db.transaction(officer="canbo") as session:
            code = dossiers.receive(session, dossiers.Reception(
                procedure_code="1.004884", applicant=dossiers.Applicant(name=f"Bench Memory {cycles}"))).code
        with db.reading() as session:
            render_form_bytes(session, "receipt", code)
        cycles += 1
        peak = max(peak, rss_mb())
        if time.monotonic() - started >= next_minute:
            print(f"  {next_minute / 60:4.0f} min: {rss_mb():6.0f} MB  ({cycles} cycles)", flush=True)
            next_minute += 60
    end = rss_mb()
    print(f"after {(time.monotonic() - started) / 60:.1f} min, {cycles} cycles: RSS {end:.0f} MB (peak {peak:.0f} MB, "
          f"start {start_rss:.0f} MB, bare window {floor:.0f} MB; goal ≤ 250 MB)", flush=True)
    window.close()
    db.dispose()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
