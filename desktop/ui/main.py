"""``python -m desktop`` with no command: set-up wizard (first run), log-in, then the main window.

Start-up order: logging to the rotating files, crash hooks (an uncaught exception shows the Vietnamese
crash dialog naming the crash file and the log folder), crash files of earlier runs, the integrity
check of the database (a damaged file is not opened; the officer is offered the newest good backup),
then the database is opened (migrated after a backup), and the daily backup timer runs with the window.

Environment: ``MOTCUA_AUTOLOGIN=username`` skips the log-in dialog (screenshots and tests ONLY; it
logs that officer in without a password, so never set it on a desk PC). ``MOTCUA_BENCH_QUIT_AT_LOGIN=1``
(bench/bench_start.py only) writes ``login shown at <epoch seconds>`` to stderr as soon as the log-in
dialog is shown and closes it, so the app ends there: the start-up is timed up to the log-in.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from desktop.db.session import Database, open_database
from desktop.errors import UserError
from desktop.platform.paths import default_db_path
from desktop.services import desk, officers
from desktop.services.officers import OfficerInfo
from desktop.texts import LABELS
from desktop.ui.tasks import read_now, wait_for

log = logging.getLogger("desktop.ui")
AUTOLOGIN_ENV = "MOTCUA_AUTOLOGIN"
BENCH_QUIT_ENV = "MOTCUA_BENCH_QUIT_AT_LOGIN"


def _needs_setup(db: Database) -> tuple[bool, bool]:
    return read_now(db, lambda session: (not desk.is_initialised(session), not officers.has_officers(session)))


def _log_in(db: Database) -> OfficerInfo | None:
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


def _quit_when_shown(dialog: Any) -> None:
    """The start-up benchmark's end: the first turn of the dialog's event loop (it is shown by then)."""
    import time

    from PySide6.QtCore import QTimer

    def shown() -> None:
        sys.stderr.write(f"login shown at {time.time():.6f}\n")
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
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.dialogs.health_dialog import ensure_usable
    from desktop.ui.messages import show_error
    from desktop.ui.printing import clean_print_folder

    clean_print_folder()

    path = Path(db_path) if db_path else default_db_path()
    if not ensure_usable(path):
        return 2
    try:
        db = wait_for(lambda: open_database(path))  # migrations may take seconds: keep painting
    except UserError as exc:
        QMessageBox.critical(None, LABELS["app_name"], exc.message)
        return 2
    from desktop.db import health

    health.session_opened(path)  # an unclean end leaves this mark: the next start checks the file
    try:
        need_unit, need_officer = _needs_setup(db)
        if need_unit or need_officer:
            from desktop.ui.setup_wizard import SetupWizard

            if not SetupWizard(db, need_unit=need_unit).exec():
                if need_unit and need_officer:
                    discard_if_empty(db, path)  # «Hủy» on a first run: no empty database left behind
                return 0
        try:
            officer = _log_in(db)
        except UserError as exc:
            show_error(None, exc)
            return 2
        if officer is None:
            return 0
        # imported once the officer is in: the main window and its pages are most of the app's imports
        from desktop.ui.backup_scheduler import BackupScheduler
        from desktop.ui.context import UiContext
        from desktop.ui.main_window import MainWindow
        from desktop.ui.tasks import TaskRunner

        ctx = UiContext(db=db, officer=officer, tasks=TaskRunner())
        window = MainWindow(ctx)
        scheduler = BackupScheduler(ctx, window)
        scheduler.failed.connect(lambda text: window.statusBar().showMessage(text))
        scheduler.taken.connect(lambda path: window.statusBar().showMessage(
            window.tr("Đã sao lưu tự động: %1").replace("%1", path.name), 10_000))
        scheduler.start()
        window.show()
        return int(app.exec())
    finally:
        db.dispose()
        health.session_closed(path)
