"""Who answers for a late dossier, and the monthly list of late dossiers per unit and officer (issue #19).

The responsible officer is the one who handled the dossier (``handler``), or who received it when nobody
took it up — the provinces' monthly list of late units and officers names them so each late dossier has
someone to explain it and apologise. Read-only; the names come from each unit's own officer list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import Officer


def full_names(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(owner unit, username) -> full name; at the hub every commune has its own 'canbo'."""
    wanted = {username for _, username in keys if username}
    if not wanted:
        return {}
    rows = session.execute(select(Officer.owner_unit, Officer.username, Officer.full_name)
                           .where(Officer.username.in_(sorted(wanted))))
    return {(owner or "", username): name for owner, username, name in rows}


def responsible(row: Any, names: dict[tuple[str, str], str]) -> dict[str, str | None]:
    """``officer`` (username) and ``officer_name`` of a late row having owner_unit, handler, received_by."""
    username = row.handler or row.received_by
    if not username:
        return {"officer": None, "officer_name": None}
    name = names.get((row.owner_unit or "", username))
    if name is None:  # a desk's own rows may carry no owner stamp on the officer
        name = next((n for (_, u), n in names.items() if u == username), None)
    return {"officer": username, "officer_name": name}


def by_officer(late_dossiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per unit and responsible officer: late (resolved late), overdue (still open) and late without an
    apology, most late first — the «danh sách đơn vị, cá nhân trễ hạn» of the monthly report."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for item in late_dossiers:
        key = (item.get("unit") or "", item.get("officer") or "")
        group = groups.setdefault(key, {"unit": key[0], "officer": item.get("officer"),
                                        "officer_name": item.get("officer_name"), "late": 0, "overdue": 0,
                                        "without_apology": 0, "codes": []})
        group["late" if item["status"] == "late" else "overdue"] += 1
        group["without_apology"] += 0 if item["apology_issued"] else 1
        group["codes"].append(item["code"])
    return sorted(groups.values(), key=lambda g: (-(g["late"] + g["overdue"]), g["unit"], g["officer"] or ""))


__all__ = ["by_officer", "full_names", "responsible"]
