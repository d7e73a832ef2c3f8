"""Configurable targets for the dashboard: resources/targets.json, overridden per unit by a setting.

Digitisation, satisfaction and waiting-time targets change by year and live in
:mod:`desktop.services.feedback_targets` (resources/targets_feedback.json, setting ``targets_feedback``);
this file holds the rest (on-time, early share, online share, productivity).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop import settings
from desktop.errors import UserError
from desktop.platform.paths import resources_dir


def default_targets() -> dict[str, Any]:
    with open(resources_dir() / "targets.json", encoding="utf-8") as handle:
        return json.load(handle)


def load_targets(session: Session | None = None) -> dict[str, Any]:
    """Defaults, with the unit's ``report_targets`` setting merged over them key by key."""
    targets = default_targets()
    if session is not None:
        from desktop.services.desk import get_setting

        override = get_setting(session, settings.REPORT_TARGETS.key) or {}
        for key, value in override.items():
            if isinstance(value, dict) and isinstance(targets.get(key), dict):
                targets[key] = {**targets[key], **value}
            else:
                targets[key] = value
    return targets


def productivity_target(targets: dict[str, Any]) -> int:
    rule = targets["productivity"]
    return int(rule["per_year"][rule["area"]])


_RATE_KEYS = ("on_time_rate", "early_share", "online_share")


def validate_report_targets(data: Any) -> dict[str, Any]:
    """The unit's ``report_targets`` override: known keys only, rates in 0..1, a known area."""
    if not isinstance(data, dict):
        raise UserError("Chỉ tiêu báo cáo phải là một đối tượng JSON.", field="report_targets")
    known = set(_RATE_KEYS) | {"productivity"}
    for key, value in data.items():
        if key not in known:
            raise UserError(f"Chỉ tiêu '{key}' không có; dùng một trong: {', '.join(sorted(known))}.",
                            field="report_targets")
        if not isinstance(value, dict):
            raise UserError(f"Chỉ tiêu '{key}' phải là một đối tượng JSON.", field=key)
        if key in _RATE_KEYS:
            rate = value.get("min")
            if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1):
                raise UserError(f"Chỉ tiêu '{key}.min' phải là tỷ lệ từ 0 đến 1 (ví dụ 0.95).", field=key)
    merged = {**default_targets()["productivity"], **data.get("productivity", {})}
    if merged["area"] not in merged["per_year"]:
        raise UserError("Khu vực năng suất phải là urban, rural hoặc remote.", field="productivity")
    return data


def split_targets_file(data: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A targets file — ``report targets --set-file`` and a province package's ``targets.json`` alike:
    ``{"report_targets": {...}, "targets_feedback": {...}}`` (either may be left out), both checked."""
    from desktop.services import feedback_targets

    if not isinstance(data, dict) or not data or not set(data) <= {"report_targets", "targets_feedback"}:
        raise UserError('Tệp chỉ tiêu phải có "report_targets" và/hoặc "targets_feedback".', field="targets")
    report, feedback = data.get("report_targets"), data.get("targets_feedback")
    return (validate_report_targets(report) if report is not None else None,
            feedback_targets.validate(feedback, "tệp chỉ tiêu") if feedback is not None else None)


def store_targets(session: Session, report: dict[str, Any] | None, feedback: dict[str, Any] | None) -> None:
    """Write already checked overrides where every reader looks (no role check: callers decide)."""
    from desktop.services.desk import put_setting

    if report is not None:
        put_setting(session, settings.REPORT_TARGETS.key, report)
    if feedback is not None:
        put_setting(session, settings.FEEDBACK_TARGETS.key, feedback)


def set_targets(session: Session, *, report: dict[str, Any] | None = None, feedback: dict[str, Any] | None = None,
                reset: bool = False) -> None:
    """Store the unit's target overrides (admins only); ``reset`` goes back to the bundled files."""
    from desktop.services import feedback_targets
    from desktop.services.permissions import Permission, require

    require(session, Permission.MANAGE_SETTINGS)
    if reset:
        store_targets(session, {}, {})
    store_targets(session, validate_report_targets(report) if report is not None else None,
                  feedback_targets.validate(feedback, "gửi lên") if feedback is not None else None)


def effective_targets(session: Session, year: int) -> dict[str, Any]:
    """Every target the dashboard compares against for ``year`` (rates in percent, minutes, dossiers)."""
    from desktop.services import feedback_targets

    report = load_targets(session)
    feedback = feedback_targets.load(session)

    def percent(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    out: dict[str, Any] = {"year": year}
    for key in _RATE_KEYS:
        out[key] = percent(report[key].get("min"))
    out["productivity_area"] = report["productivity"]["area"]
    out["productivity_per_year"] = productivity_target(report)
    for name in ("component_rate", "reuse_rate", "result_rate"):
        out[f"digitisation_{name}"] = feedback_targets.target(feedback, "digitisation", name, year)
    out["satisfaction_rate"] = feedback_targets.target(feedback, "satisfaction", "rate", year)
    out["waiting_max_minutes"] = feedback_targets.target(feedback, "waiting", "max_minutes", year)
    return out
