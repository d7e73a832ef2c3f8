"""Configurable targets for the dashboard: resources/targets.json, overridden per unit by a setting."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop.paths import resources_dir

SETTING_KEY = "report_targets"


def default_targets() -> dict[str, Any]:
    with open(resources_dir() / "targets.json", encoding="utf-8") as handle:
        return json.load(handle)


def load_targets(session: Session | None = None) -> dict[str, Any]:
    """Defaults, with the unit's ``report_targets`` setting merged over them key by key."""
    targets = default_targets()
    if session is not None:
        from desktop.services.desk import get_setting

        override = get_setting(session, SETTING_KEY) or {}
        for key, value in override.items():
            if isinstance(value, dict) and isinstance(targets.get(key), dict):
                targets[key] = {**targets[key], **value}
            else:
                targets[key] = value
    return targets


def digitisation_target(targets: dict[str, Any], year: int) -> float:
    """Đề án 468 as quoted: 15% in 2021, +20 percentage points a year, at most 100%."""
    rule = targets["digitisation_rate"]
    rate = rule["first_rate"] + rule["yearly_step"] * (year - rule["first_year"])
    return round(min(max(rate, 0.0), 1.0), 4)


def reuse_target(targets: dict[str, Any], year: int) -> float | None:
    """The latest published step not after ``year``."""
    steps = {int(k): float(v) for k, v in targets["reuse_rate"]["by_year"].items()}
    past = [y for y in steps if y <= year]
    return steps[max(past)] if past else None


def productivity_target(targets: dict[str, Any]) -> int:
    rule = targets["productivity"]
    return int(rule["per_year"][rule["area"]])
