"""The indicator catalogue (resources/indicators/catalogue.json) read and evaluated: one entry per indicator
with its value, target, numerator, denominator and source, for the dashboard, ``report indicators``, the
Excel export and the Decision-766 self-assessment alike.

A formula is a quotient of two named counts (:mod:`desktop.reports.indicator_counts`); the unit says how
the quotient reads. Targets are declared once: a catalogue entry either carries its own (``by_year``) or
names the report or feedback target it follows, so a province's override of those still takes effect.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from desktop.errors import UserError
from desktop.formatting import decimal, percent
from desktop.platform.paths import resources_dir
from desktop.reports.periods import Period
from desktop.reports.targets import load_targets, productivity_target
from desktop.services import feedback_targets

UNITS = {"percent": "%", "per_staff_day": "hồ sơ/người/ngày", "minutes": "phút", "change_percent": "%"}
DIRECTIONS = ("min", "max")
REQUIRED = ("id", "name", "unit", "numerator", "denominator", "direction", "target", "source")
WORKING_DAYS_PER_YEAR = 250  # turns the yearly productivity norms (1,600 / 1,200 / 800) into per-day ones


def _bad(detail: str) -> UserError:
    return UserError(f"Bộ chỉ số không hợp lệ: {detail}.", field="indicators")


def validate(data: Any) -> dict[str, Any]:
    """A catalogue with every field in place, known units and directions, and unique ids."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise _bad("thiếu danh sách 'indicators'")
    seen: set[str] = set()
    for index, entry in enumerate(data["indicators"], start=1):
        if not isinstance(entry, dict):
            raise _bad(f"chỉ số thứ {index} không phải một đối tượng")
        missing = [key for key in REQUIRED if key not in entry]
        if missing:
            raise _bad(f"chỉ số thứ {index} ({entry.get('id', '?')}) thiếu {', '.join(missing)}")
        if entry["unit"] not in UNITS:
            raise _bad(f"chỉ số '{entry['id']}' có đơn vị '{entry['unit']}' không biết")
        if entry["direction"] not in DIRECTIONS:
            raise _bad(f"chỉ số '{entry['id']}' có hướng '{entry['direction']}' không biết (min hoặc max)")
        if entry["id"] in seen:
            raise _bad(f"mã chỉ số '{entry['id']}' bị trùng")
        seen.add(entry["id"])
        _check_entry(entry)
    return data


FEEDBACK_SERIES = {"digitisation.component_rate", "digitisation.reuse_rate", "digitisation.result_rate",
                   "satisfaction.rate", "waiting.max_minutes"}
REPORT_TARGETS = {"on_time_rate", "early_share", "online_share"}


def _number_map(value: Any, what: str, entry_id: str) -> None:
    if not isinstance(value, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
        raise _bad(f"chỉ số '{entry_id}': {what} phải là các cặp tên → số")


def _check_entry(entry: dict[str, Any]) -> None:
    """Texts are texts and the target names something that exists: a province's catalogue is input, and a
    malformed one must be refused here, not fail later on the dashboard."""
    entry_id = str(entry["id"])
    for key in ("id", "name", "unit", "numerator", "denominator", "direction", "source"):
        if not isinstance(entry[key], str) or not entry[key] or len(entry[key]) > 2000:
            raise _bad(f"chỉ số '{entry_id}': trường '{key}' phải là chữ, không rỗng")
    target = entry["target"]
    if not isinstance(target, dict) or set(target) - {"report", "feedback", "productivity", "by_year", "by_field"}:
        raise _bad(f"chỉ số '{entry_id}': chỉ tiêu phải là report, feedback, productivity, by_year hoặc by_field")
    if "report" in target and target["report"] not in REPORT_TARGETS:
        raise _bad(f"chỉ số '{entry_id}': không có chỉ tiêu báo cáo '{target['report']}'")
    if "feedback" in target and target["feedback"] not in FEEDBACK_SERIES:
        raise _bad(f"chỉ số '{entry_id}': không có chỉ tiêu '{target['feedback']}'")
    if "by_year" in target:
        _number_map(target["by_year"], "by_year", entry_id)
        if not all(str(year).isdigit() and len(str(year)) == 4 for year in target["by_year"]):
            raise _bad(f"chỉ số '{entry_id}': năm của by_year phải có 4 chữ số")
    if "by_field" in target:
        _number_map(target["by_field"], "by_field", entry_id)


@cache
def bundled() -> dict[str, Any]:
    with open(resources_dir() / "indicators" / "catalogue.json", encoding="utf-8") as handle:
        return validate(json.load(handle))


def load(session: Session | None) -> dict[str, Any]:
    """The province's catalogue when its package brought one, else the bundled one."""
    if session is not None:
        from desktop import settings
        from desktop.services.desk import get_setting

        shipped = get_setting(session, settings.PROVINCE_INDICATORS.key)
        if isinstance(shipped, dict) and shipped.get("indicators"):
            return validate(shipped)
    return bundled()


def quotient(unit: str, numerator: float | None, denominator: float | None) -> float | None:
    """The indicator's value, or None when there is nothing to measure (no denominator)."""
    if numerator is None or not denominator:
        return None
    if unit == "percent":
        return round(100.0 * numerator / denominator, 1)
    if unit == "change_percent":
        return round(100.0 * (numerator / denominator - 1), 1)
    return round(numerator / denominator, 1)


class Targets:
    """Every target source the catalogue may name, loaded once per evaluation."""

    def __init__(self, session: Session | None) -> None:
        """``session``: the desk's, whose settings may override the bundled targets; None at the hub, which
        reports against the province's own (bundled) targets."""
        self.report = load_targets(session)
        self.feedback = feedback_targets.load(session)

    def value(self, spec: dict[str, Any], year: int) -> float | None:
        if "report" in spec:
            found = (self.report.get(spec["report"]) or {}).get("min")
            return None if found is None else round(100.0 * float(found), 1)
        if "feedback" in spec:
            section, series = spec["feedback"].split(".")
            return feedback_targets.target(self.feedback, section, series, year)
        if spec.get("productivity"):
            return round(productivity_target(self.report) / WORKING_DAYS_PER_YEAR, 1)
        if "by_year" in spec:
            return feedback_targets.year_value(spec["by_year"], year)
        return None


READING_LABELS = {"green": "đạt", "amber": "gần đạt", "red": "chưa đạt", "grey": "theo dõi"}


def value_text(unit: str, value: float | None) -> str:
    """«60,0%», «−37,8%», «2,0 hồ sơ/người/ngày», «15,0 phút»; «—» when there is nothing to measure."""
    if value is None:
        return "—"
    if unit == "percent":
        return percent(value)
    if unit == "change_percent":
        return ("+" if value > 0 else "−" if value < 0 else "") + percent(abs(value))
    return f"{decimal(value)} {UNITS[unit]}"


def target_text(entry: dict[str, Any]) -> str:
    if entry["target"] is None:
        return "không đặt chỉ tiêu"
    return ("≥ " if entry["direction"] == "min" else "≤ ") + value_text(entry["unit"], entry["target"])


def reading_text(entry: dict[str, Any]) -> str:
    if entry["value"] is None:
        return "chưa có dữ liệu"
    return READING_LABELS[entry["reading"]]


def reading(value: float | None, target: float | None, direction: str) -> str:
    """Red, amber or green at a glance: green meets the target, amber is within a tenth of it (or 5 points of
    a percentage), red is further; grey when there is no value or no target."""
    if value is None or target is None:
        return "grey"
    gap = (target - value) if direction == "min" else (value - target)
    if gap <= 0:
        return "green"
    return "amber" if gap <= max(abs(target) * 0.1, 5.0 if abs(target) >= 20 else 0.0) else "red"


def evaluate(counts: dict[str, Any], period: Period, targets: Targets,
             catalogue: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One entry per catalogue indicator for the period's counts."""
    entries = []
    for spec in (catalogue or bundled())["indicators"]:
        numerator, denominator = counts.get(spec["numerator"]), counts.get(spec["denominator"])
        value = quotient(spec["unit"], numerator, denominator)
        target = targets.value(spec["target"], period.end.year)
        entries.append({
            "id": spec["id"], "name": spec["name"], "short": spec.get("short") or spec["name"], "value": value, "target": target,
            "numerator": numerator, "denominator": denominator, "source": spec["source"],
            "unit": spec["unit"], "unit_label": UNITS[spec["unit"]], "direction": spec["direction"],
            "formula": f"{spec['numerator']} / {spec['denominator']}", "reading": reading(value, target,
                                                                                         spec["direction"]),
        })
    return entries


def by_field_targets(catalogue: dict[str, Any] | None = None) -> dict[str, dict[str, float]]:
    """Indicator id -> field name -> target, where the plans set a different target for some fields."""
    return {spec["id"]: spec["target"]["by_field"] for spec in (catalogue or bundled())["indicators"]
            if isinstance(spec["target"].get("by_field"), dict)}
