"""Yearly targets for digitisation, satisfaction and waiting time, as data.

``resources/targets_feedback.json`` holds anchor years; a year between two anchors is interpolated
linearly (15 % in 2021 → 95 % in 2025 is the "+20 points a year" of Đề án 468), a year after the
last anchor keeps the last value, a year before the first has no target. The Setting
``targets_feedback`` (same shape, e.g. pushed by the province) replaces the bundled file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from desktop import settings
from desktop.errors import UserError
from desktop.platform.paths import resources_dir
from desktop.rules.text import ascii_digits

FILE_NAME = "targets_feedback.json"
SERIES = {
    ("digitisation", "component_rate"), ("digitisation", "reuse_rate"), ("digitisation", "result_rate"),
    ("satisfaction", "rate"), ("waiting", "max_minutes"),
}


def validate(data: Any, origin: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UserError(f"Tệp chỉ tiêu {origin} không đúng cấu trúc (phải là một đối tượng JSON).", field="targets")
    for section, series in SERIES:
        anchors = data.get(section, {}).get(series) if isinstance(data.get(section), dict) else None
        if not isinstance(anchors, dict) or not anchors:
            raise UserError(f"Tệp chỉ tiêu {origin} thiếu mục '{section}.{series}'.", field="targets")
        for year, value in anchors.items():
            if not ascii_digits(str(year)) or not isinstance(value, (int, float)) or value < 0:
                raise UserError(f"Tệp chỉ tiêu {origin}: giá trị '{section}.{series}.{year}' không hợp lệ.",
                                field="targets")
    return data


@lru_cache(maxsize=1)
def bundled() -> dict[str, Any]:
    path = resources_dir() / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"Không đọc được tệp chỉ tiêu {path.name}: {exc}", field="targets") from None
    return validate(data, path.name)


def load(session: Session | None = None) -> dict[str, Any]:
    if session is not None:
        from desktop.services.desk import get_setting

        override = get_setting(session, settings.FEEDBACK_TARGETS.key)
        if override:
            return validate(override, "trong cài đặt")
    return bundled()


def target(targets: dict[str, Any], section: str, series: str, year: int) -> float | None:
    return year_value(targets[section][series], year)


def year_value(by_year: dict[str, Any], year: int) -> float | None:
    """A yearly target: none before its first year, straight-line between the years given, the last after."""
    anchors = sorted((int(y), float(v)) for y, v in by_year.items())
    if not anchors:
        return None
    if year < anchors[0][0]:
        return None
    for (y0, v0), (y1, v1) in zip(anchors, anchors[1:]):
        if y0 <= year <= y1:
            return round(v0 + (v1 - v0) * (year - y0) / (y1 - y0), 1)
    return anchors[-1][1]
