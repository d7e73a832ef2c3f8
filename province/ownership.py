"""Who may write which part of a synced row at the hub — in one place (issue 13, "ownership at the hub").

Every synced row at the hub has an owner unit, fixed when the row is first inserted. A change from a
device is applied only if the device's enrolled unit may write the stored row (or, for a new row, the
change names that unit or names none — an empty owner becomes the device's unit). Anything else is
refused for that record with ``not_owner``; the rest of the batch is applied.

The rule is a table: per synced table, which column holds the owner and how a writer is checked. The
same rule is used twice — in Python to classify each incoming change (so the receipt can say why), and
as a SQL condition inside the guarded upsert (so a row whose owner differs can never be overwritten,
whatever else runs at the same time). The two-tier reception issue grows this table rather than adding
a special case: e.g. events owned by the unit that wrote them are just another table whose owner
column is the writer's unit, and a per-part rule (receiving vs resolving unit of a dossier) becomes a
rule whose ``writers`` returns both units and whose ``columns`` limits what each may change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, true

from desktop.sync.errors import MESSAGES

NOT_OWNER = "not_owner"
MESSAGES.setdefault(NOT_OWNER, "Bản ghi thuộc đơn vị khác; máy của đơn vị gửi gói không có quyền sửa nó. "
                               "Tỉnh giữ nguyên bản ghi đã có và bỏ qua thay đổi này.")


@dataclass(frozen=True)
class WriteRule:
    """Who may write a table's rows at the hub. ``owner_column`` is set at first insert and never changed."""

    owner_column: str = "owner_unit"

    def new_owner(self, writer_unit: str, incoming: Mapping[str, Any]) -> str | None:
        """The owner a new row gets (the writer's unit when the change names none), or None if refused."""
        named = incoming.get(self.owner_column)
        if named in (None, ""):
            return writer_unit
        return writer_unit if named == writer_unit else None

    def writers(self, stored: Mapping[str, Any]) -> frozenset[str]:
        """Units allowed to change a stored row."""
        return frozenset({str(stored[self.owner_column])})

    def may_update(self, writer_unit: str, stored: Mapping[str, Any]) -> bool:
        return writer_unit in self.writers(stored)

    def guard(self, table: Table, writer_unit: str) -> ColumnElement[bool]:
        """The same check as SQL, evaluated against the stored row inside the upsert."""
        return table.c[self.owner_column] == writer_unit

    def fixed_columns(self) -> frozenset[str]:
        """Columns an update never changes (the owner is fixed at first insert)."""
        return frozenset({"id", self.owner_column})

    def unmoved(self, stored: Any, incoming: Any) -> ColumnElement[bool]:
        """SQL, with ``guard``: what an update must keep of the stored row (columns by name, e.g.
        ``table.c`` and an upsert's ``excluded``). A whole row keeps nothing more than its owner."""
        return true()


@dataclass(frozen=True)
class DossierPartRule(WriteRule):
    """Two-tier reception (issue #15): rows that hang on a dossier (its events, supplements, apologies,
    components) are owned by the unit that wrote them, and only the dossier's two parties may write
    them — its receiving unit (the dossier row's owner) and, for a dossier received for another commune,
    its resolving unit. The dossier row itself stays the receiving unit's (``DEFAULT_RULE``); the
    resolving unit's part reaches it as its own events, from which the hub derives the dossier's state
    (``province/forwarded.py``)."""

    parent_table: str = "dossier"
    parent_column: str = "dossier_id"

    def unmoved(self, stored: Any, incoming: Any) -> ColumnElement[bool]:
        """A part stays on its dossier (session 12): a desk never re-hangs one on another dossier, and the
        dossier it left would keep, say, a supplement's pause in the report aggregates."""
        return stored[self.parent_column].is_not_distinct_from(incoming[self.parent_column])

    def moved(self, stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
        """The same check in Python, to tell the desk why its change was refused."""
        return stored.get(self.parent_column) != incoming.get(self.parent_column)

    def parties(self, parent: Mapping[str, Any]) -> frozenset[str]:
        """Who may write rows of this dossier."""
        units = {str(parent["owner_unit"])}
        if parent.get("resolver_kind") == "unit" and parent.get("resolver_code"):
            units.add(str(parent["resolver_code"]))
        return frozenset(units)


DEFAULT_RULE = WriteRule()
PART_RULE = DossierPartRule()
# Per table, by name. Other synced tables are owned whole by the unit that first sent them.
RULES: dict[str, WriteRule] = {name: PART_RULE for name in ("dossier_component", "dossier_event", "supplement",
                                                            "apology")}


def rule_for(table_name: str) -> WriteRule:
    return RULES.get(table_name, DEFAULT_RULE)
