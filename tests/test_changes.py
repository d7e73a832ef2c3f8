"""The database says what a committed transaction changed; a rolled-back one says nothing (issue #16)."""

from __future__ import annotations

import pytest

from desktop import settings
from desktop.db import changes
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.services import desk


def test_commit_tells_its_topics_and_rollback_tells_nothing(db: Database) -> None:
    told: list[frozenset[str]] = []
    unsubscribe = changes.subscribe(lambda engine, topics: told.append(topics) if engine is db.engine else None)
    try:
        with db.transaction(officer="admin") as session:
            desk.put_setting(session, settings.IDLE_LOCK_MINUTES.key, 7)
        assert told == [frozenset({changes.SETTINGS})]
        with pytest.raises(UserError):
            with db.transaction(officer="admin") as session:
                desk.put_setting(session, settings.IDLE_LOCK_MINUTES.key, 8)
                raise UserError("thử")
        with db.reading() as session:
            desk.get_setting(session, settings.IDLE_LOCK_MINUTES.key)
        assert told == [frozenset({changes.SETTINGS})]
    finally:
        unsubscribe()
    with db.transaction(officer="admin") as session:
        desk.put_setting(session, settings.IDLE_LOCK_MINUTES.key, 9)
    assert len(told) == 1  # unsubscribed


def test_topics_of_tables() -> None:
    assert changes.topics_of({"dossier_event", "change_log", "audit_log"}) == {changes.DOSSIERS}
    assert changes.topics_of({"calendar_override", "dossier"}) == {changes.CALENDAR, changes.DOSSIERS}
