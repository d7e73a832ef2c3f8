"""Start-up behind the log-in dialog (issue #18): check, migrate and open the database on a worker thread.

``prepare`` is the slow part of a start — the daily integrity check (``quick_check`` of a large file takes
seconds), the migrations (after a backup of the whole file), SQLAlchemy and the models (~0.35 s of imports)
— and runs on its own thread while the log-in dialog is already on screen. ``opened`` is the GUI side's
end of it: a damaged file goes to the health dialog (restore, then prepared again), a migration error is
shown in Vietnamese, and a splash with a busy bar says «Đang chuẩn bị dữ liệu…» whenever the officer has
to wait for it with no dialog in front (a new database, the set-up wizard, after a restore).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QWidget

from desktop.errors import UserError
from desktop.texts import LABELS
from desktop.ui.tasks import Background
from desktop.ui.widgets.layouts import vbox

if TYPE_CHECKING:
    from desktop.db.health import HealthResult
    from desktop.db.session import Database


@dataclass(frozen=True)
class Prepared:
    """The outcome of ``prepare``: an open database and what the set-up still lacks, or the damage found."""

    db: Database | None
    damage: HealthResult | None = None
    need_unit: bool = False
    need_officer: bool = False

    @property
    def for_log_in(self) -> bool:
        return self.db is not None and not (self.need_unit or self.need_officer)


def prepare(path: Path) -> Prepared:
    """Worker thread: the integrity check when due, then open (migrated after a backup), then the set-up's
    state. The ``.open`` mark is set once the file is open (an unclean end makes the next start check it)."""
    from desktop.db import health
    from desktop.db.session import open_database
    from desktop.services import desk, officers

    if health.needs_check(path):
        result = health.check_database(path)
        if not result.ok:
            return Prepared(None, damage=result)
        health.mark_checked(path)
    db = open_database(path)
    health.session_opened(path)
    with db.reading() as session:
        return Prepared(db, need_unit=not desk.is_initialised(session),
                        need_officer=not officers.has_officers(session))


class Splash(QWidget):
    """A small window with a busy bar: the app is alive while it prepares the data."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt  # not at the top: see login_dialog.py's docstring

        super().__init__(None, Qt.WindowType.SplashScreen)
        self.setWindowTitle(LABELS["app_name"])
        self.setObjectName("splash")
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy: how long a check or a migration takes is not known in advance
        title = QLabel(f"<b>{LABELS['app_name']}</b>")
        vbox(self, title, QLabel(LABELS["preparing"]), bar)
        self.setMinimumWidth(360)


def wait_shown(preparing: Background[Prepared]) -> Prepared:
    """``preparing``'s result, a splash on screen meanwhile unless it has ended already."""
    if preparing.done:
        return preparing.result()
    splash = Splash()
    splash.show()
    try:
        return preparing.result()
    finally:
        splash.close()
        splash.deleteLater()


def opened(path: Path, preparing: Background[Prepared]) -> Prepared | None:
    """The prepared database; None when the start ends here (the officer quit the health dialog, or the
    file cannot be opened: the Vietnamese message has been shown)."""
    from desktop.ui.dialogs.health_dialog import ensure_usable

    while True:
        try:
            prepared = wait_shown(preparing)
        except UserError as exc:
            QMessageBox.critical(None, LABELS["app_name"], exc.message)
            return None
        if prepared.damage is None:
            return prepared
        if not ensure_usable(path, found=prepared.damage):
            return None
        preparing = Background(lambda: prepare(path))


def hand_over_when_ready(preparing: Background[Prepared], dialog: QWidget, not_ready: int) -> None:
    """Give the log-in dialog the database when it is open; close it with ``not_ready`` when the start
    needs something else first (the health dialog, the set-up wizard, an error message)."""
    def hand_over() -> None:
        try:
            prepared = preparing.result()  # ended already: no wait
        except BaseException:  # noqa: BLE001  shown by ``opened`` once the dialog is closed
            prepared = None
        if prepared is not None and prepared.for_log_in:
            dialog.set_database(prepared.db)  # type: ignore[attr-defined]
        else:
            dialog.done(not_ready)  # type: ignore[attr-defined]

    # Both run inside the dialog's own event loop: the queued signal, or the timer when the work ended
    # before the connection was made (its signal is gone then).
    preparing.finished.connect(hand_over)
    if preparing.done:
        QTimer.singleShot(0, hand_over)
