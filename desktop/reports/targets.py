"""Configurable targets for the dashboard: resources/targets.json, overridden per unit by a setting.

Digitisation, satisfaction and waiting-time targets change by year and live in
:mod:`desktop.feedback_targets` (resources/targets_feedback.json, setting ``targets_feedback``);
this file holds the rest (on-time, early share, online share, productivity).
"""

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


def productivity_target(targets: dict[str, Any]) -> int:
    rule = targets["productivity"]
    return int(rule["per_year"][rule["area"]])
