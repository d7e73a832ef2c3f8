"""Time to open the desk's main window on a 200k-dossier database, against a bare PySide6 window.

    python bench/bench_gui_open.py [--db PATH] [--dossiers 200000]

The database is built once (desktop.demo.fill_demo, ~2 minutes) and reused. Everything is measured in
the same run so the ratios hold on any PC. Not part of the test suite.

Two ways: with a synchronous task runner (every page read done before the window counts as shown: the
worst case), and with the threaded runner the app uses (the window is usable at once; the Tổng quan
figures arrive when the 12-month trend is computed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build(path: Path, dossiers: int) -> None:
    from desktop.db.session import open_database
    from desktop.demo import fill_demo

    print(f"building {path} with {dossiers} dossiers…", flush=True)
    started = time.perf_counter()
    db = open_database(path)
    with db.transaction(officer="bench") as session:
        fill_demo(session, dossiers=dossiers, months=36, seed=11)
    db.dispose()
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def best(runs: int, measure) -> float:  # type: ignore[no-untyped-def]
    return min(measure() for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "motcua-bench-200k.sqlite3"))
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        build(path, args.dossiers)
    os.environ.setdefault("MOTCUA_DATA_DIR", tempfile.mkdtemp(prefix="motcua-bench-"))

    from PySide6.QtWidgets import QApplication, QMainWindow

    from desktop.db.session import open_database
    from desktop.services import officers
    from desktop.ui.app import create_app
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import TaskRunner

    create_app()

    def bare() -> float:
        started = time.perf_counter()
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        QApplication.processEvents()
        elapsed = time.perf_counter() - started
        window.close()
        window.deleteLater()
        return elapsed

    timings: dict[str, float] = {}

    def desk_window() -> float:
        started = time.perf_counter()
        db = open_database(path)
        with db.reading() as session:
            officer = officers.officer_info(session, "canbo")
        ctx = UiContext(db=db, officer=officer, tasks=TaskRunner(synchronous=True), show_previews=False)
        window = MainWindow(ctx, lock=False)
        window.show()
        QApplication.processEvents()
        opened = time.perf_counter() - started
        page = window.show_key("dossiers")  # 200k ids + the first visible rows painted
        QApplication.processEvents()
        listed = time.perf_counter() - started
        rows = page.model.rowCount()
        jump = time.perf_counter()
        page.table.scrollTo(page.model.index(rows - 1, 0))
        QApplication.processEvents()
        timings["scroll_end"] = min(timings.get("scroll_end", 1e9), time.perf_counter() - jump)
        timings["listed"] = min(timings.get("listed", 1e9), listed)
        timings["rows"] = rows
        window.close()
        db.dispose()
        return opened

    def threaded_window() -> float:
        """As the app runs: reads on the worker thread, so the window shows before the figures arrive."""
        started = time.perf_counter()
        db = open_database(path)
        with db.reading() as session:
            officer = officers.officer_info(session, "canbo")
        ctx = UiContext(db=db, officer=officer, tasks=TaskRunner(), show_previews=False)
        window = MainWindow(ctx, lock=False)
        window.show()
        QApplication.processEvents()
        shown = time.perf_counter() - started
        overview = window.page_widget("overview")
        while getattr(overview, "data", None) is None:  # the Tổng quan figures (12-month trend included)
            QApplication.processEvents()
            time.sleep(0.002)
        timings["overview_in"] = min(timings.get("overview_in", 1e9), time.perf_counter() - started)
        window.close()  # closeEvent waits for the workers
        for _ in range(3):  # deliver what the workers queued before the objects go
            QApplication.processEvents()
        window.deleteLater()
        QApplication.processEvents()
        db.dispose()
        return shown

    bare_s = best(args.runs, bare)
    desk_s = best(args.runs, desk_window)
    threaded_s = best(args.runs, threaded_window)
    print(f"dossiers in database:           {int(timings['rows']):,}")
    print(f"bare QMainWindow shown:         {bare_s * 1000:8.1f} ms")
    print(f"desk main window shown:         {desk_s * 1000:8.1f} ms   ratio {desk_s / bare_s:6.1f}x")
    print(f"… and Hồ sơ page listing all:   {timings['listed'] * 1000:8.1f} ms   ratio "
          f"{timings['listed'] / bare_s:6.1f}x")
    print(f"scroll to the last row:         {timings['scroll_end'] * 1000:8.1f} ms")
    print(f"as the app (reads off the GUI thread): window shown {threaded_s * 1000:8.1f} ms   ratio "
          f"{threaded_s / bare_s:6.1f}x; Tổng quan figures in {timings['overview_in'] * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
