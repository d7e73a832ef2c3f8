"""Mixed app versions at the hub: the supported window of schema versions and per-version upgrades.

A batch's ``schema_version`` is the desk's Alembic revision(s) joined by '+'. The hub knows the
revision graph (the migration files it ships). A batch is:
- too new  — it names a revision this hub does not know: refused (``schema_too_new``), the province must
  update the hub; the desk keeps its data and sends again later;
- too old  — every revision it names is older than ``OLDEST_SUPPORTED``: refused (``schema_too_old``),
  the commune must update its app and export again;
- otherwise its change rows are brought to the hub's schema by the upgrade step of every revision the
  desk did not have yet, oldest first.

``UPGRADES`` maps a revision to the function that turns rows written before it into rows as that
revision writes them (keyed by the revision that made the change). A revision without an entry gets
``fill_defaults``: columns it added take their scalar defaults, which is what its migration did to the
desk's own rows. A revision that renames or re-codes a field must register its own function here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.db.session import revision_graph
from desktop.sync import tables
from desktop.sync.errors import MESSAGES, SyncError
from desktop.platform.registry import registrar

Change = dict[str, Any]
Upgrade = Callable[[list[Change]], list[Change]]

MESSAGES.setdefault("schema_too_new", "Gói dữ liệu được tạo bởi phiên bản phần mềm mới hơn máy chủ tỉnh; "
                                      "tỉnh cần cập nhật máy chủ. Dữ liệu ở xã vẫn được giữ nguyên.")
MESSAGES.setdefault("schema_too_old", "Gói dữ liệu được tạo bởi phiên bản phần mềm quá cũ, tỉnh không còn hỗ trợ; "
                                      "vui lòng cập nhật phần mềm rồi xuất lại gói dữ liệu.")

# The oldest desk schema still accepted. Raise it (with a release note) when an upgrade is dropped.
OLDEST_SUPPORTED = "0001_initial"


def fill_defaults(changes: list[Change]) -> list[Change]:
    """Columns missing from an older desk's row take the column's scalar default (as its migration did)."""
    known = tables.synced_tables()
    for change in changes:
        table = known.get(change["table"])
        if table is None:
            continue
        row = change["row"]
        for column in table.columns:
            if column.name in row or column.default is None or not column.default.is_scalar:
                continue
            row[column.name] = column.default.arg
    return changes


UPGRADES: dict[str, Upgrade] = {}


register = registrar(UPGRADES)  # @register("<revision>") on a function upgrading batches of that revision


def ordered_revisions() -> list[str]:
    """Every revision the hub knows, parents before children (stable by name)."""
    graph = revision_graph()
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(graph):
        ready = sorted(r for r, downs in graph.items() if r not in placed and all(d in placed for d in downs))
        if not ready:  # a cycle would be a broken migration folder; never loop
            raise RuntimeError("migration graph has a cycle")
        order.extend(ready)
        placed.update(ready)
    return order


def ancestors(revisions: set[str]) -> set[str]:
    graph = revision_graph()
    seen: set[str] = set()
    stack = list(revisions)
    while stack:
        rev = stack.pop()
        if rev in seen:
            continue
        seen.add(rev)
        stack.extend(graph.get(rev, ()))
    return seen


def missing_steps(schema_version: str) -> list[str]:
    """Revisions the hub has and the desk had not, in the order their upgrades run. Refuses out-of-window input."""
    claimed = {r for r in str(schema_version).split("+") if r}
    graph = revision_graph()
    if not claimed:
        raise SyncError("schema_too_old", "không ghi phiên bản lược đồ")
    unknown = claimed - set(graph)
    if unknown:
        raise SyncError("schema_too_new", ", ".join(sorted(unknown)))
    have = ancestors(claimed)
    if OLDEST_SUPPORTED in graph and OLDEST_SUPPORTED not in have:
        raise SyncError("schema_too_old", f"{schema_version} cũ hơn {OLDEST_SUPPORTED}")
    return [r for r in ordered_revisions() if r not in have]


def upgrade_changes(header: dict[str, Any], changes: list[Change]) -> list[Change]:
    """Bring an accepted batch's change rows to this hub's schema, one revision at a time."""
    for revision in missing_steps(str(header.get("schema_version", ""))):
        changes = UPGRADES.get(revision, fill_defaults)(changes)
    return changes
