"""Unit levels as data (``resources/unit_levels.json``): two-tier local government since 1 Jul 2025,
with the district level kept so older units and dossiers still read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from desktop.platform.paths import resources_dir


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    current: bool


@lru_cache(maxsize=1)
def levels() -> tuple[Level, ...]:
    doc = json.loads((resources_dir() / "unit_levels.json").read_text(encoding="utf-8"))
    return tuple(Level(str(x["code"]), str(x["name"]), bool(x.get("current", True))) for x in doc["levels"])


def level_codes() -> tuple[str, ...]:
    """Every level a unit may have (current ones first), e.g. for argparse choices and validation."""
    return tuple(level.code for level in levels())


def level_name(code: str) -> str:
    return next((level.name for level in levels() if level.code == code), code)
