"""``python -m desktop`` with no command: set-up wizard (first run), log-in, then the main window.

Environment: ``MOTCUA_AUTOLOGIN=username`` skips the log-in dialog (screenshots and tests ONLY; it
logs that officer in without a password, so never set it on a desk PC).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from desktop.db.session import Database, open_database
from desktop.errors import UserError
from desktop.paths import default_db_path
from desktop.services import desk, officers
from desktop.services.officers import OfficerInfo

log = logging.getLogger("desktop.ui")
AUTOLOGIN_ENV = "MOTCUA_AUTOLOGIN"


def _needs_setup(db: Database) -> tuple[bool, bool]:
    with db.reading() as session:
        return not desk.is_initialised(session), not officers.has_officers(session)


def _log_in(db: Database) -> OfficerInfo | None:
    autologin = os.environ.get(AUTOLOGIN_ENV)
    if autologin:
        log.warning("%s set: logging in %s without a password", AUTOLOGIN_ENV, autologin)
        with db.reading() as session:
            return officers.officer_info(session, autologin)
    from desktop.demo import demo_login_hint
    from desktop.ui.login_dialog import LoginDialog

    with db.reading() as session:
        unit_name = desk.local_unit(session).name
        hint = demo_login_hint(session)
    dialog = LoginDialog(db, unit_name, hint=hint)
    return dialog.officer if dialog.exec() else None


def _install_excepthook() -> None:
    """A bug in a slot must not vanish on a PC with no console: log it and show the error dialog."""

    from desktop.ui.messages import show_error

    def hook(kind: type[BaseException], error: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)  # type: ignore[arg-type]
            return
        show_error(None, error)

    sys.excepthook = hook


def run_gui(db_path: str | None = None) -> int:
    from desktop.ui.app import create_app

    app = create_app()
    previous_hook = sys.excepthook
    _install_excepthook()
    try:
        return _run(app, db_path)
    finally:
        sys.excepthook = previous_hook


def _run(app: Any, db_path: str | None) -> int:
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.messages import show_error
    from desktop.ui.printing import clean_print_folder
    from desktop.ui.tasks import TaskRunner

    clean_print_folder()

    try:
        db = open_database(db_path or default_db_path())
    except UserError as exc:
        QMessageBox.critical(None, "Một Cửa Offline", exc.message)
        return 2
    try:
        need_unit, need_officer = _needs_setup(db)
        if need_unit or need_officer:
            from desktop.ui.setup_wizard import SetupWizard

            if not SetupWizard(db, need_unit=need_unit).exec():
                return 0
        try:
            officer = _log_in(db)
        except UserError as exc:
            show_error(None, exc)
            return 2
        if officer is None:
            return 0
        ctx = UiContext(db=db, officer=officer, tasks=TaskRunner())
        window = MainWindow(ctx)
        window.show()
        return int(app.exec())
    finally:
        db.dispose()
