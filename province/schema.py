"""The hub's schema: the desk's synced tables (same names and columns, so the desk's models and report
queries run unchanged) plus the hub's own tables, all in one ``MetaData`` created with ``create_all``.

Two deliberate differences from the desk's tables:
- no foreign keys: batches arrive in any order (a dossier may come before its procedure), and each
  snapshot is applied on its own; referential gaps heal when the other batch arrives;
- business keys of desk-local reference rows (officer username, field name, procedure code, calendar
  day…) are unique per owner unit, not globally: every commune has its own 'admin' and its own copy of
  the starter catalogue. Unit codes and dossier codes stay globally unique (a clash is flagged).
"""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Index, MetaData, Table, UniqueConstraint, func

from desktop.db.models import NAMING
from desktop.sync.tables import synced_tables

HUB_METADATA = MetaData(naming_convention=NAMING)
GLOBAL_BUSINESS_KEYS = {"unit", "dossier"}


def _copy_synced(table: Table) -> Table:
    copy = table.to_metadata(HUB_METADATA)
    for constraint in list(copy.constraints):
        if isinstance(constraint, ForeignKeyConstraint):
            copy.constraints.discard(constraint)
        elif (isinstance(constraint, UniqueConstraint) and table.name not in GLOBAL_BUSINESS_KEYS
              and "owner_unit" not in constraint.columns):
            names = [c.name for c in constraint.columns]
            copy.constraints.discard(constraint)
            for name in names:
                copy.c[name].unique = False
            copy.append_constraint(UniqueConstraint(copy.c.owner_unit, *(copy.c[n] for n in names),
                                                    name=f"uq_{table.name}_{'_'.join(names)}_per_unit"))
    for column in copy.columns:
        column.foreign_keys.clear()
    copy.foreign_keys.clear()
    return copy


DATA_TABLES: dict[str, Table] = {name: _copy_synced(t) for name, t in synced_tables().items()}

# Hub-only indexes for the reports over many units (issue 14, bench/bench_scale.py): the periodic
# report keeps a dossier when it is unresolved or resolved after the period starts — the same
# expression as ``desktop.reports.periodic.resolution_moment`` — and a unit's report filters by owner.
_dossier = DATA_TABLES["dossier"]
Index("ix_hub_dossier_resolution",
      func.coalesce(_dossier.c.result_at, _dossier.c.withdrawn_at, _dossier.c.returned_at))
Index("ix_hub_dossier_owner_received", _dossier.c.owner_unit, _dossier.c.received_at)


def business_keys(table: Table) -> list[tuple[str, ...]]:
    """The unique keys other than the id: a clash on one of them is a conflict, never an overwrite."""
    return [tuple(c.name for c in con.columns) for con in table.constraints
            if isinstance(con, UniqueConstraint) and [c.name for c in con.columns] != ["id"]]
