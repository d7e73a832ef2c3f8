"""Store and forward between communes (issue #15): the hub's part.

A dossier commune A received for commune B is owned by A (the dossier row and A's events); B writes its
own events, supplements and apologies. After every batch the hub re-derives the state of each
forwarded dossier it touched from all its events (``desktop.rules.two_tier.fold``), so the province's
reports count it once, under B, with B's result, whatever order the batches came in.

Each unit's **inbox** is a query, not a queue table: the rows of the forwarded dossiers that concern
the unit and that it does not own — for the resolving unit the dossier (once transferred) and the
receiving side's rows, for the receiving unit the resolving side's rows. Written as a file it is
cumulative (the current rows, each with its version), so a lost or repeated file loses and duplicates
nothing. It is signed by the province and sealed to the unit's enrolled devices' encryption keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from desktop.rules.two_tier import FOLDED, fold, forwarded_between_units
from desktop.sync import container, tables
from desktop.sync.errors import SyncError
from province.id_lists import id_conditions
from province.schema import DATA_TABLES

CHILD_TABLES = ("dossier_component", "dossier_event", "supplement", "apology")
INBOX_FORMAT = "motcua-inbox"
INBOX_EXTENSION = "mci"


def certificate_encryption_key(cert: dict[str, Any]) -> str | None:
    """The X25519 key a batch's (signed) device certificate carries, if well-formed."""
    value = cert.get("encryption_key")
    try:
        container.unb64(value, size=32)
    except SyncError:
        return None
    return str(value)


def refold(session: Session, touched: Iterable[str], inserted: Iterable[dict[str, Any]] = ()) -> set[str]:
    """Re-derive the folded columns of every forwarded dossier among those a batch touched
    (``report_upkeep.touched_dossiers``); returns their ids.
    ``inserted``: the dossiers this import wrote as new to the hub, as stored — the ones not forwarded
    need no look-up (a first import's: usually none is left to ask the table about)."""
    dossier, events = DATA_TABLES["dossier"], DATA_TABLES["dossier_event"]
    settled = {row["id"] for row in inserted if not forwarded_between_units(row)}
    ids = sorted(set(touched) - settled)
    done: set[str] = set()
    for among in id_conditions(session, dossier.c.id, ids, chunk=500):
        rows = session.execute(select(dossier).where(among, dossier.c.resolver_code.is_not(None))).mappings().all()
        for row in rows:
            if not forwarded_between_units(row):
                continue
            timeline = session.execute(select(events).where(events.c.dossier_id == row["id"],
                                                            events.c.deleted.is_(False))).mappings().all()
            values = {k: v for k, v in fold(timeline).items() if k in FOLDED}
            if values:
                session.execute(update(dossier).where(dossier.c.id == row["id"]).values(**values))
                done.add(row["id"])
    return done


def relevant_dossiers(unit_code: str) -> Any:
    """SQL: ids of the forwarded dossiers that concern ``unit_code``."""
    d = DATA_TABLES["dossier"]
    receiver = func.coalesce(d.c.receiving_unit, d.c.owner_unit)
    return select(d.c.id).where(
        d.c.deleted.is_(False), d.c.resolver_kind == "unit", d.c.resolver_code != receiver,
        or_(and_(d.c.resolver_code == unit_code, d.c.transferred_at.is_not(None)), receiver == unit_code))


def inbox_rows(session: Session, unit_code: str) -> dict[str, list[dict[str, Any]]]:
    """Per table, the snapshots ``unit_code`` should hold and does not own (parents first)."""
    ids = list(session.scalars(relevant_dossiers(unit_code)))
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in ("dossier", *CHILD_TABLES)}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for name in out:
            table = DATA_TABLES[name]
            key = table.c.id if name == "dossier" else table.c.dossier_id
            query = select(table).where(key.in_(chunk), table.c.owner_unit != unit_code).order_by(table.c.id)
            out[name].extend(tables.snapshot(table, row) for row in session.execute(query).mappings())
    return out
