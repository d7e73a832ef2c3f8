"""A forwarded dossier's state, derived from its events (issue #15).

When commune A receives a dossier that commune B resolves, each side writes only its own rows: A the
dossier row and its events (received, transferred, result received, returned), B its events
(started, supplement requested/received, resolved), supplements and apologies. Both desks and the hub
hold all of them, so each derives the dossier's changing columns from the whole timeline with this one
pure function; the same events give the same state in any order they arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

# Events at one moment are replayed in lifecycle order (a same-minute result follows its start).
RANK = {"received": 0, "transferred": 1, "started": 2, "supplement_requested": 3, "supplement_received": 4,
        "due_rescheduled": 5, "apology_issued": 6, "resolved": 7, "result_received": 8, "returned": 9,
        "withdrawn": 10}

FOLDED = ("status", "handler", "result", "result_reason", "result_at", "result_back_at", "due_at",
          "transferred_at", "transfer_via", "returned_at", "withdrawn_at")


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _key(event: Mapping[str, Any]) -> tuple[Any, int, str]:
    return (_moment(event["at"]), RANK.get(str(event["kind"]), 99), str(event.get("id") or ""))


def fold(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The folded columns of a forwarded dossier from its events (each a mapping with ``kind``, ``at``,
    ``data``, ``note``, ``officer``); columns no event speaks of are left out."""
    out: dict[str, Any] = {}
    started = False
    for event in sorted(events, key=_key):
        kind, at, data = str(event["kind"]), _moment(event["at"]), dict(event.get("data") or {})
        if kind == "received":
            out["status"] = "received"
        elif kind == "transferred":
            out.update(status="transferred", transferred_at=at, transfer_via=data.get("via"))
        elif kind == "started":
            started = True
            out.update(status="in_progress", handler=data.get("handler") or event.get("officer"))
        elif kind == "supplement_requested":
            out["status"] = "awaiting_supplement"
        elif kind in ("supplement_received", "due_rescheduled"):
            if kind == "supplement_received":
                out["status"] = "in_progress" if started else "transferred"
            if data.get("due_at"):
                out["due_at"] = _moment(data["due_at"])
        elif kind in ("resolved", "result_received"):
            out.update(status="resolved", result=data.get("result") or "approved", result_reason=event.get("note"),
                       result_at=at, result_back_at=at)
        elif kind == "returned":
            out.update(status="returned", returned_at=at)
        elif kind == "withdrawn":
            out.update(status="withdrawn", withdrawn_at=at)
    return out


def forwarded_between_units(row: Mapping[str, Any]) -> bool:
    """A dossier received by one commune for another (the kind whose state is folded from events)."""
    receiver = row.get("receiving_unit") or row.get("owner_unit")
    return row.get("resolver_kind") == "unit" and bool(row.get("resolver_code")) and row["resolver_code"] != receiver
