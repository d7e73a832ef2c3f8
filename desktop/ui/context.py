"""What every view receives: the database, the logged-in officer, the task runner and the change bus.

Views never reach into each other: after every commit the database layer says what changed
(``desktop/db/changes.py``), the bus relays it on the GUI thread as ``bus.changed`` and each open view
decides whether to reload (Anki's OpChanges idea). No caller declares what its write changed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from desktop.db import changes
from desktop.db.changes import ALL_TOPICS, CALENDAR, CATALOG, DOSSIERS, OFFICERS, QUEUE, SETTINGS, SURVEYS
from desktop.db.session import Database
from desktop.services.officers import OfficerInfo
from desktop.ui.tasks import ErrorCallback, TaskRunner

T = TypeVar("T")

__all__ = ["ALL_TOPICS", "CALENDAR", "CATALOG", "DOSSIERS", "OFFICERS", "QUEUE", "SETTINGS", "SURVEYS",
           "ChangeBus", "UiContext"]


class ChangeBus(QObject):
    """The database's "what changed" notification, emitted on the GUI thread after a write commits."""

    changed = Signal(object)  # frozenset[str] of topics
    _committed = Signal(object)  # emitted on the committing (worker) thread; queued to the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self._committed.connect(self._relay)

    @Slot(object)
    def _relay(self, topics: object) -> None:
        self.changed.emit(topics)

    def follow(self, engine: Engine) -> None:
        """Relay every commit on ``engine`` (any thread) as ``changed`` on the GUI thread."""
        ref = weakref.ref(self)

        def told(committed_on: Engine, topics: frozenset[str]) -> None:
            bus = ref()
            if bus is None:
                unsubscribe()
            elif committed_on is engine:
                try:
                    bus._committed.emit(topics)
                except RuntimeError:  # the bus was deleted with its window
                    unsubscribe()

        unsubscribe = changes.subscribe(told)


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

    def __post_init__(self) -> None:
        self.bus.follow(self.db.engine)

    def write(self, work: Callable[[Session], T], on_done: Callable[[T], None] | None = None,
              on_error: ErrorCallback | None = None) -> None:
        """Run ``work(session)`` in one transaction on the single writer; the commit announces what changed."""
        db, officer = self.db, self.officer.username

        def job() -> T:
            with db.transaction(officer=officer) as session:
                return work(session)

        self.tasks.write(job, on_done, on_error)
