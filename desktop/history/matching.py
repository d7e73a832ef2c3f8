"""Which catalogue procedure a ledger row means: by code, by exact name, or fuzzily (to be confirmed).

Names are compared folded (no diacritics, lower case, spaces collapsed). A fuzzy match is never used
silently: the preview lists it, and the officer confirms it (``--accept-fuzzy`` or a mapping entry
on the CLI, a tick in the wizard).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import Procedure
from desktop.rules.text import fold

FUZZY_CUTOFF = 0.8
_NOISE = re.compile(r"[^\w ]+")


@dataclass(frozen=True)
class Match:
    procedure: Procedure | None
    how: str  # "code" | "name" | "mapping" | "fuzzy" | "none"
    score: float = 1.0


def _key(text: str | None) -> str:
    return " ".join(_NOISE.sub(" ", fold(text)).split())


class ProcedureMatcher:
    """Built once per import from the active catalogue (a few hundred rows)."""

    def __init__(self, session: Session, mapping: dict[str, str] | None = None) -> None:
        procedures = list(session.scalars(select(Procedure).where(Procedure.deleted.is_(False))))
        self.by_code = {p.code.strip().lower(): p for p in procedures}
        active = [p for p in procedures if p.active]
        self.by_name: dict[str, Procedure] = {}
        for p in sorted(procedures, key=lambda p: not p.active):  # an active one wins a name clash
            self.by_name.setdefault(_key(p.name), p)
        self._names = [_key(p.name) for p in active]
        self.mapping = {_key(name): code for name, code in (mapping or {}).items()}
        self._cache: dict[tuple[str, str], Match] = {}

    def match(self, code: str | None, name: str | None) -> Match:
        cache_key = ((code or "").strip().lower(), _key(name))
        if cache_key not in self._cache:
            self._cache[cache_key] = self._match(*cache_key)
        return self._cache[cache_key]

    def _match(self, code: str, name: str) -> Match:
        if code and code in self.by_code:
            return Match(self.by_code[code], "code")
        if name and name in self.mapping:
            mapped = self.by_code.get(self.mapping[name].strip().lower())
            return Match(mapped, "mapping" if mapped else "none", 1.0 if mapped else 0.0)
        if name and name in self.by_name:
            return Match(self.by_name[name], "name")
        if not name:
            return Match(None, "none", 0.0)
        # a ledger often writes the name with a code in front, or a shorter form: try containment first
        contained = [n for n in self._names if len(n) >= 12 and (n in name or name in n)]
        if len(contained) == 1:
            ratio = difflib.SequenceMatcher(None, name, contained[0]).ratio()
            return Match(self.by_name[contained[0]], "fuzzy", round(max(ratio, FUZZY_CUTOFF), 3))
        best = difflib.get_close_matches(name, self._names, n=1, cutoff=FUZZY_CUTOFF)
        if best:
            ratio = difflib.SequenceMatcher(None, name, best[0]).ratio()
            return Match(self.by_name[best[0]], "fuzzy", round(ratio, 3))
        return Match(None, "none", 0.0)
