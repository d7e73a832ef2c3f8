"""``python -m desktop`` with no command: set-up wizard (first run), log-in, then the main window.

Start-up order: logging to the rotating files, crash hooks (an uncaught exception shows the Vietnamese
crash dialog naming the crash file and the log folder), crash files of earlier runs; then the log-in
dialog at once (its unit name read with plain sqlite3, desktop/db/login_facts.py) while a worker thread
imports the database layer, checks the file's integrity (a damaged file is not opened; the officer is
offered the newest good backup), opens it (migrated after a backup) — desktop/ui/startup.py. A new or
half-made database gets a splash, then the set-up wizard, then the log-in. The daily backup timer runs
with the main window.

Environment: ``MOTCUA_AUTOLOGIN=username`` skips the log-in dialog (screenshots and tests ONLY; it
logs that officer in without a password, so never set it on a desk PC). ``MOTCUA_BENCH_QUIT_AT_LOGIN=1``
(bench/bench_start.py only) writes ``login shown at <epoch seconds>`` to stderr as soon as the log-in
dialog is shown and closes it, so the app ends there: the start-up is timed up to the log-in.
``MOTCUA_BENCH_QUIT_AT_FIRST_PAGE=1`` (same bench) writes ``logged in at <t>`` when the officer is in,
``window shown at <t>`` at the main window's first event-loop turn and ``first page at <t>`` when the first
page has shown its data and ``page complete at <t>`` when it has the rest (Tổng quan's charts and outlook,
read after its figures), then closes the window.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import UserError
from desktop.platform.paths import default_db_path
from desktop.ui.tasks import read_now

if TYPE_CHECKING:
    from desktop.db.session import Database
    from desktop.services.officers import OfficerInfo

log = logging.getLogger("desktop.ui")
AUTOLOGIN_ENV = "MOTCUA_AUTOLOGIN"
BENCH_QUIT_ENV = "MOTCUA_BENCH_QUIT_AT_LOGIN"
BENCH_FIRST_PAGE_ENV = "MOTCUA_BENCH_QUIT_AT_FIRST_PAGE"
NOT_READY = 2  # the early log-in dialog closed by the start-up: the database needs something else first
PREPARE_AT_THE_LATEST_MS = 300


def _log_in(db: Database) -> OfficerInfo | None:
    """The log-in once the database is open (after the set-up wizard, a restore, or with MOTCUA_AUTOLOGIN)."""
    from desktop.services import desk, officers

    autologin = os.environ.get(AUTOLOGIN_ENV)
    if autologin:
        log.warning("%s được đặt: đăng nhập %s không cần mật khẩu", AUTOLOGIN_ENV, autologin)
        return read_now(db, lambda session: officers.officer_info(session, autologin))
    from desktop.demo import demo_login_hint
    from desktop.ui.dialogs.login_dialog import LoginDialog

    unit_name, hint = read_now(db, lambda session: (desk.local_unit(session).name, demo_login_hint(session)))
    dialog = LoginDialog(db, unit_name, hint=hint)
    if os.environ.get(BENCH_QUIT_ENV):
        _quit_when_shown(dialog)
    return dialog.officer if dialog.exec() else None


def _log_in_first(path: Path, preparing: Any) -> tuple[int, OfficerInfo | None]:
    """The log-in dialog before the database is open (issue #18): its unit name and demo hint read with
    plain sqlite3, the database handed over when ``preparing`` ends. (NOT_READY, None) when the file is not
    a set-up desk that sqlite3 reads, or when the preparing found something to do first."""
    from desktop.db.login_facts import read_login_facts

    facts = None if os.environ.get(AUTOLOGIN_ENV) else read_login_facts(path)
    if facts is None:
        preparing.start()
        return NOT_READY, None
    from PySide6.QtCore import QTimer

    from desktop.ui.dialogs.login_dialog import LoginDialog
    from desktop.demo.accounts import login_hint_text
    from desktop.ui.startup import hand_over_when_ready

    dialog = LoginDialog(None, facts.unit_name, hint=login_hint_text() if facts.demo else None)
    hand_over_when_ready(preparing, dialog, NOT_READY)
    if os.environ.get(BENCH_QUIT_ENV):
        _quit_when_shown(dialog)
    # once the dialog is painted (the imports hold the GIL and would slow its showing); the timer in case
    # no paint comes (a minimised start)
    dialog.painted.connect(preparing.start)
    QTimer.singleShot(PREPARE_AT_THE_LATEST_MS, preparing.start)
    answer = dialog.exec()
    return answer, dialog.officer if answer == 1 else None


def _quit_when_shown(dialog: Any) -> None:
    """The start-up benchmark's end: the first turn of the dialog's event loop (it is shown by then)."""
    from PySide6.QtCore import QTimer

    def shown() -> None:
        _bench_line("login shown")
        sys.stderr.write(f"sqlalchemy imported at login: {'sqlalchemy' in sys.modules}\n")  # tests ask this
        sys.stderr.flush()
        dialog.reject()

    QTimer.singleShot(0, shown)


def run_gui(db_path: str | None = None) -> int:
    import threading

    from desktop.platform.crash import pending_reports, uninstall_crash_handlers
    from desktop.platform.logs import setup_logging, shutdown_logging
    from desktop.ui.app import create_app
    from desktop.ui.dialogs.crash_dialog import install_gui_crash_handlers, show_earlier_crashes

    app = create_app()
    previous_hooks = sys.excepthook, threading.excepthook
    setup_logging()
    install_gui_crash_handlers()
    try:
        if not os.environ.get("MOTCUA_NO_DIALOGS"):
            show_earlier_crashes(pending_reports())
        return _run(app, db_path)
    finally:
        uninstall_crash_handlers()
        sys.excepthook, threading.excepthook = previous_hooks
        shutdown_logging()


def discard_if_empty(db: Any, path: Path) -> bool:
    """Delete a database that holds nothing yet (no unit, no officer, no dossier); True if deleted."""
    from desktop.services.desk import holds_nothing

    if not read_now(db, holds_nothing):
        return False
    db.dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return True


def _run(app: Any, db_path: str | None) -> int:
    from desktop.ui.startup import opened, prepare
    from desktop.ui.tasks import Background

    path = Path(db_path) if db_path else default_db_path()
    preparing = Background(lambda: prepare(path), start=False)  # check, migrate, open: behind the log-in
    answer, officer = _log_in_first(path, preparing)
    if answer not in (1, NOT_READY):  # «Hủy» on the log-in dialog: let the preparing end, then close
        return _close_when_prepared(path, preparing)
    prepared = opened(path, preparing)
    if prepared is None or prepared.db is None:
        return 2
    db = prepared.db
    from desktop.db import health

    try:
        if prepared.need_unit or prepared.need_officer:
            from desktop.ui.setup_wizard import SetupWizard

            if not SetupWizard(db, need_unit=prepared.need_unit).exec():
                if prepared.need_unit and prepared.need_officer:
                    discard_if_empty(db, path)  # «Hủy» on a first run: no empty database left behind
                return 0
        if officer is None:
            try:
                officer = _log_in(db)
            except UserError as exc:
                from desktop.ui.messages import show_error

                show_error(None, exc)
                return 2
        if officer is None:
            return 0
        return _main_window(app, db, officer)
    finally:
        db.dispose()
        health.session_closed(path)


def _close_when_prepared(path: Path, preparing: Any) -> int:
    """The officer left before the database was open: a migration is never cut off half-way."""
    from desktop.db import health
    from desktop.ui.startup import wait_shown

    try:
        prepared = wait_shown(preparing)
    except UserError:
        return 0
    if prepared.db is not None:
        prepared.db.dispose()
        health.session_closed(path)
    return 0


def _main_window(app: Any, db: Database, officer: OfficerInfo) -> int:
    """The main window and the daily backup timer, until the officer closes it."""
    # imported once the officer is in: the main window and its pages are most of the app's imports
    from desktop.ui.backup_scheduler import BackupScheduler
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.printing import clean_print_folder
    from desktop.ui.tasks import TaskRunner

    bench = bool(os.environ.get(BENCH_FIRST_PAGE_ENV))
    if bench:
        _bench_line("logged in")
    clean_print_folder()
    ctx = UiContext(db=db, officer=officer, tasks=TaskRunner())
    window = MainWindow(ctx)
    scheduler = BackupScheduler(ctx, window)
    scheduler.failed.connect(lambda text: window.statusBar().showMessage(text))
    scheduler.taken.connect(lambda path: window.statusBar().showMessage(
        window.tr("Đã sao lưu tự động: %1").replace("%1", path.name), 10_000))
    scheduler.start()
    window.show()
    if bench:
        _quit_at_first_page(window)
    return int(app.exec())


def _bench_line(what: str) -> None:
    import time

    sys.stderr.write(f"{what} at {time.time():.6f}\n")
    sys.stderr.flush()


def _quit_at_first_page(window: Any) -> None:
    """The first-page benchmark's end: the first page has its data (a page without ``data``: shown)."""
    from PySide6.QtCore import QTimer

    page = window.page_widget(window.current_key())

    def check() -> None:
        if getattr(page, "data", True) is None:
            QTimer.singleShot(5, check)
            return
        _bench_line("first page")
        rest()

    def rest() -> None:  # Tổng quan's second read (the charts and the year's outlook)
        if getattr(page, "outlook_pending", False):
            QTimer.singleShot(5, rest)
            return
        _bench_line("page complete")
        window.close()

    def shown() -> None:
        _bench_line("window shown")  # the first turn of the loop: the window is up and usable
        check()

    QTimer.singleShot(0, shown)
