"""What every view receives: the database, the logged-in officer, the task runner and the change bus.

Views never reach into each other: a write says what changed on ``bus.changed`` and each open view
decides whether to reload (Anki's OpChanges idea).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from desktop.db.session import Database
from desktop.services.officers import OfficerInfo
from desktop.ui.tasks import ErrorCallback, TaskRunner

T = TypeVar("T")

# Topics carried by bus.changed (a frozenset of these strings).
DOSSIERS = "dossiers"
CATALOG = "catalog"
CALENDAR = "calendar"
OFFICERS = "officers"
SETTINGS = "settings"


class ChangeBus(QObject):
    """Services' "what changed" notification, emitted on the GUI thread after a write commits."""

    changed = Signal(object)  # frozenset[str] of topics


@dataclass
class UiContext:
    db: Database
    officer: OfficerInfo
    tasks: TaskRunner
    bus: ChangeBus = field(default_factory=ChangeBus)
    # False in tests: render the PDF but open no preview window.
    show_previews: bool = True

    @property
    def is_admin(self) -> bool:
        return self.officer.role == "admin"

    def read(self, work: Callable[[Session], T], on_done: Callable[[T], None] | None = None,
             on_error: ErrorCallback | None = None) -> None:
        """Run ``work(session)`` in a read session off the GUI thread, acting as the logged-in officer (so
        read services with a role check, e.g. the audit trail, refuse whom they should)."""
        db, officer = self.db, self.officer.username

        def job() -> T:
            with db.reading() as session:
                session.info["officer"] = officer
                return work(session)

        self.tasks.run(job, on_done, on_error)

    def write(self, work: Callable[[Session], T], on_done: Callable[[T], None] | None = None,
              on_error: ErrorCallback | None = None, *, changed: Iterable[str] = (DOSSIERS,)) -> None:
        """Run ``work(session)`` in one transaction on the single writer; then announce what changed."""
        db, officer, topics = self.db, self.officer.username, frozenset(changed)

        def job() -> T:
            with db.transaction(officer=officer) as session:
                return work(session)

        def done(result: T) -> None:
            if topics:
                self.bus.changed.emit(topics)
            if on_done is not None:
                on_done(result)

        self.tasks.write(job, done, on_error)
