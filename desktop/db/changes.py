"""What a committed transaction changed, told by the database layer itself.

A front end used to declare, next to each write, which views should reload; a forgotten or wrong
declaration left a page stale. Here the desk's session records the tables each transaction wrote (ORM
flushes and DML statements alike) and, after the commit, tells every subscriber the topics they map to
(Anki's ``OpChanges`` idea, computed rather than declared). The UI subscribes once and relays them to
its views on the GUI thread; the command line has no views and does not subscribe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session

from desktop.db.changelog import DeskSession

# Topics a view can listen for (frozensets of these strings travel to subscribers).
DOSSIERS = "dossiers"
CATALOG = "catalog"
CALENDAR = "calendar"
OFFICERS = "officers"
SETTINGS = "settings"
SURVEYS = "surveys"
QUEUE = "queue"
ALL_TOPICS = frozenset({DOSSIERS, CATALOG, CALENDAR, OFFICERS, SETTINGS, SURVEYS, QUEUE})

TOPIC_OF_TABLE: dict[str, str] = {
    "dossier": DOSSIERS, "dossier_component": DOSSIERS, "dossier_event": DOSSIERS, "supplement": DOSSIERS,
    "apology": DOSSIERS, "outgoing_letter": DOSSIERS, "daily_sequence": DOSSIERS, "dossier_import": DOSSIERS,
    "procedure": CATALOG, "field": CATALOG, "unit": CATALOG,
    "calendar_override": CALENDAR,
    "officer": OFFICERS,
    "setting": SETTINGS, "sync_batch": SETTINGS, "sync_change_state": SETTINGS, "sync_ack": SETTINGS,
    "sync_receipt": SETTINGS, "sync_rejection": SETTINGS,
    "survey_answer": SURVEYS, "queue_ticket": QUEUE,
}

Subscriber = Callable[[Engine, frozenset[str]], None]
_subscribers: list[Subscriber] = []
_TABLES = "_changed_tables"


def subscribe(callback: Subscriber) -> Callable[[], None]:
    """Call ``callback(engine, topics)`` after every desk commit that changed something; returns the
    unsubscribe function. Called on the committing thread."""
    _subscribers.append(callback)
    return lambda: _subscribers.remove(callback) if callback in _subscribers else None


def topics_of(tables: set[str]) -> frozenset[str]:
    return frozenset(TOPIC_OF_TABLE[t] for t in tables if t in TOPIC_OF_TABLE)


def _note(session: Session, table: Any) -> None:
    name = getattr(table, "name", None)
    if name:
        session.info.setdefault(_TABLES, set()).add(name)


@event.listens_for(DeskSession, "before_flush")
def _note_flushed(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(session, getattr(obj, "__table__", None))


@event.listens_for(DeskSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, getattr(state.statement, "table", None))


@event.listens_for(DeskSession, "after_commit")
def _tell(session: Session) -> None:
    topics = topics_of(session.info.pop(_TABLES, set()))
    if not topics or not _subscribers:
        return
    engine = session.get_bind()
    for callback in list(_subscribers):
        callback(engine, topics)  # type: ignore[arg-type]


@event.listens_for(DeskSession, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TABLES, None)
