"""What an import of a ledger plans before it writes: the options, each planned row, the preview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop.db.models import Procedure
from desktop.history.columns import ColumnMap, Mapping
from desktop.services.dossiers import Applicant


@dataclass
class Options:
    sheet: str | None = None
    mapping: Mapping = field(default_factory=Mapping)
    accept_fuzzy: bool = False  # every fuzzy match confirmed at once (CLI --accept-fuzzy)
    confirmed_names: frozenset[str] = frozenset()  # folded ledger names confirmed one by one (wizard)


@dataclass
class PlannedRow:
    row: int
    procedure: Procedure
    applicant: Applicant
    code: str | None
    received_at: datetime
    due_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    withdrawn_at: datetime | None
    status: str
    channel: str = "direct"
    sets_count: int = 1
    rejected: bool = False
    notes: str | None = None


@dataclass
class SupplementRow:
    """A supplement of an exported dossier (the "Bổ sung" sheet of ``export all``)."""

    requested_at: datetime
    items: list[str]
    reason: str | None
    received_at: datetime | None
    previous_due_at: datetime | None
    new_due_at: datetime | None


@dataclass
class FuzzyMatch:
    name: str
    procedure_code: str
    procedure_name: str
    score: float
    rows: list[int]
    accepted: bool


@dataclass
class ImportPlan:
    source_file: str
    sheet: str
    columns: ColumnMap
    rows: list[PlannedRow] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    fuzzy: dict[str, FuzzyMatch] = field(default_factory=dict)
    supplements: dict[str, list[SupplementRow]] = field(default_factory=dict)  # by folded dossier code
    imported: int = 0
    written: bool = False

    def statuses(self) -> dict[str, int]:
        return dict(Counter(r.status for r in self.rows))

    def summary(self) -> dict[str, Any]:
        """The ``--json`` answer (issue #20 keys first)."""
        return {
            "imported": self.imported if self.written else len(self.rows),
            "skipped_duplicates": len(self.duplicates),
            "refused": [{"row": row, "reason": reason} for row, reason in self.refused],
            "written": self.written,
            "file": self.source_file,
            "sheet": self.sheet,
            "header_rows": list(self.columns.header_rows),
            "columns": self.columns.as_json()["columns"],
            "duplicates": [{"row": row, "reason": reason} for row, reason in self.duplicates],
            "statuses": self.statuses(),
            "fuzzy": [{"name": f.name, "procedure_code": f.procedure_code, "procedure_name": f.procedure_name,
                       "score": f.score, "rows": f.rows, "accepted": f.accepted} for f in self.fuzzy.values()],
        }


class _Refused(Exception):
    pass
