"""The change log: every insert, update or tombstone of a synced row is logged in the same flush.

Hooked on the desk's session class, so no service can forget it; the hub uses plain sessions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.models import ChangeLog, Setting, Synced


class DeskSession(Session):
    """A session whose flushes bump versions and append to the change log.

    ``info["officer"]`` names who makes the change (recorded in the log).
    """


def _setting(session: Session, key: str) -> Any:
    cache = session.info.setdefault("_settings_cache", {})
    if key not in cache:
        with session.no_autoflush:
            cache[key] = session.scalar(select(Setting.value).where(Setting.key == key))
    return cache[key]


@event.listens_for(DeskSession, "before_flush")
def _log_changes(session: Session, flush_context: Any, instances: Any) -> None:
    moment = clock.now()
    epoch = _setting(session, settings.EPOCH.key) or ""
    owner = _setting(session, settings.UNIT_CODE.key) or ""
    officer = session.info.get("officer")
    entries: list[ChangeLog] = []
    for obj in list(session.new):
        if isinstance(obj, Synced):
            obj.version = (obj.version or 0) + 1
            obj.updated_at = moment
            if not obj.owner_unit:
                obj.owner_unit = owner
            if obj.id is None:
                from desktop.db.models import new_id

                obj.id = new_id()
            entries.append(_entry(obj, "upsert", epoch, moment, officer))
    for obj in list(session.dirty):
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            if inspect(obj).attrs.version.history.has_changes():
                continue  # someone set the version explicitly (e.g. applying a province package)
            obj.version = (obj.version or 0) + 1
            obj.updated_at = moment
            entries.append(_entry(obj, "delete" if obj.deleted else "upsert", epoch, moment, officer))
    for obj in list(session.deleted):
        if isinstance(obj, Synced):
            raise RuntimeError("Synced rows are never deleted; set deleted=True (tombstone) instead")
    session.add_all(entries)


def _entry(obj: Synced, op: str, epoch: str, moment: Any, officer: str | None) -> ChangeLog:
    return ChangeLog(
        epoch=epoch,
        table_name=obj.__tablename__,  # type: ignore[attr-defined]
        record_id=obj.id,
        version=obj.version,
        op=op,
        at=moment,
        officer=officer,
    )
