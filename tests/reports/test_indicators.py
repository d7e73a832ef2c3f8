"""Dashboard numbers against targets, the section registry and the 766 self-assessment."""

from __future__ import annotations

import pytest

from desktop import settings
from desktop.reports.indicators import INDICATOR_SECTIONS, indicators
from desktop.reports.periods import parse_period
from desktop.services import dossiers
from desktop.services.desk import put_setting
from desktop.services.dossiers import Applicant, Reception
from tests.reports import scenario
from tests.reports.scenario import t


@pytest.fixture
def built(db):  # type: ignore[no-untyped-def]
    codes = scenario.build(db)
    with db.transaction(officer="canbo") as s:
        dossiers.receive(s, Reception(procedure_code=scenario.CHUNG_THUC, applicant=Applicant(name="Người nộp X"),
                                      at=t(2026, 11, 20, 14)))
        y = dossiers.receive(s, Reception(procedure_code=scenario.HO_TICH, applicant=Applicant(name="Người nộp Y"),
                                          at=t(2026, 11, 20, 9)))
        dossiers.request_supplement(s, y.code, items="Tờ khai có chữ ký", at=t(2026, 11, 20, 10))
    return codes


def test_today_progress_productivity_trend(db, built) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        data = indicators(s, parse_period("2026-10"))
    assert data["today"] == {"date": "2026-11-20", "received_today": 2, "due_today": 1, "overdue_now": 2,
                             "awaiting_supplement": 1, "open": 4, "waiting_queue": 0, "tickets_today": 0,
                             "waiting_avg_minutes": None, "waiting_p90_minutes": None}
    progress = data["sections"]["progress"]
    assert (progress["resolved"], progress["early"], progress["on_time"], progress["late"]) == (3, 2, 0, 1)
    assert progress["on_time_rate"] == 0.6667 and progress["early_share"] == 0.6667
    assert progress["online_share"] == 0.1429  # 1 online of 7 new
    assert data["sections"]["productivity"] == {"results": 2, "officers": 1, "days": 30, "per_officer": 2.0,
                                                "per_officer_annualised": 24.3}
    trend = {m["label"]: m for m in data["trend"]}
    assert list(trend) == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    assert {k: trend["2026-10"][k] for k in ("received", "resolved", "late")} == {"received": 7, "resolved": 3, "late": 1}
    assert {k: trend["2026-09"][k] for k in ("received", "resolved", "late")} == {"received": 1, "resolved": 0, "late": 0}
    assert {k: trend["2026-01"][k] for k in ("received", "resolved", "late")} == {"received": 1, "resolved": 2, "late": 1}
    rows = {r["key"]: r for r in data["targets"]}
    assert rows["on_time_rate"]["value_text"] == "66,7%" and rows["on_time_rate"]["met"] is False
    assert rows["online_share"]["target_text"] == "≥ 50,0%" and rows["online_share"]["met"] is False
    assert rows["productivity"]["target"] == 1200 and rows["productivity"]["met"] is False
    assert rows["early_share"]["met"] is True and rows["early_share"]["target_text"] == "≥ 25,0%"  # issue #19
    # the feedback sections are always registered: 7 new dossiers, none digitised; no surveys, no tickets
    assert rows["digitisation_rate"]["value"] == 0.0 and rows["digitisation_rate"]["target"] == 1.0
    assert rows["satisfaction_rate"]["status_text"] == "chưa có dữ liệu" and rows["satisfaction_rate"]["target"] == 0.95
    assert rows["waiting_minutes"]["target_text"] == "≤ 15 phút"
    sa = data["self_assessment"]
    assert sa["is_self_assessment"] and "không phải điểm chính thức" in sa["note"]
    points = {g["key"]: g["points"] for g in sa["groups"]}
    assert points == {"transparency": None, "progress": 13.33, "digitisation": 0.0, "online_service": 1.71,
                      "online_payment": None, "satisfaction": None}
    # digitisation: 7 new dossiers, none digitised → 0 points of 22 (computable, so counted)
    assert (sa["points"], sa["max_points"]) == (15.04, 54)
    assert all(g["formula"] for g in sa["groups"])


def test_plugged_sections_feed_targets_and_self_assessment(db, built) -> None:  # type: ignore[no-untyped-def]
    sections = {**INDICATOR_SECTIONS,
                "satisfaction": lambda s, p: {"rate": 90.0, "answers": 10, "target": 95.0},
                "digitisation": lambda s, p: {"component_rate": 50.0, "reuse_rate": 20.0, "result_rate": 100.0,
                                              "targets": {"component_rate": 100.0, "reuse_rate": 80.0,
                                                          "result_rate": 100.0}},
                "waiting": lambda s, p: {"avg_minutes": 12.0, "p90_minutes": 15.5, "target_minutes": 15.0,
                                         "queue_now": 3}}
    with db.reading() as s:
        data = indicators(s, parse_period("2026-10"), sections=sections)
    rows = {r["key"]: r for r in data["targets"]}
    assert rows["satisfaction_rate"]["met"] is False and rows["satisfaction_rate"]["target"] == 0.95
    assert rows["digitisation_rate"]["target"] == 1.0  # 15% in 2021 + 20 points a year, capped at 100%
    assert rows["result_digitised_rate"]["met"] is True
    assert rows["waiting_minutes"]["met"] is True and rows["waiting_minutes"]["target_text"] == "≤ 15 phút"
    assert rows["waiting_p90_minutes"]["met"] is False and rows["waiting_p90_minutes"]["value_text"] == "15,5 phút"
    assert rows["reuse_rate"]["value"] == 0.2 and rows["reuse_rate"]["met"] is False
    points = {g["key"]: g["points"] for g in data["self_assessment"]["groups"]}
    assert points["satisfaction"] == 16.2 and points["digitisation"] == 11.0
    assert data["self_assessment"]["max_points"] == 72
    assert data["sections"]["satisfaction"] == data["satisfaction"] == {"rate": 90.0, "answers": 10, "target": 95.0}


def test_targets_override_setting(db, built) -> None:  # type: ignore[no-untyped-def]
    with db.transaction(officer="admin") as s:
        put_setting(s, settings.REPORT_TARGETS.key, {"online_share": {"min": 0.1},
                                          "productivity": {"area": "remote"}})
    with db.reading() as s:
        rows = {r["key"]: r for r in indicators(s, parse_period("2026-10"))["targets"]}
    assert rows["online_share"]["met"] is True and rows["productivity"]["target"] == 800


def test_cli_indicators_json(cli, db, built) -> None:  # type: ignore[no-untyped-def]
    data = cli("report", "indicators", "--period", "2026-Q4", "--calendar", "--json").json()
    assert data["period"]["start"] == "2026-10-01" and data["period"]["end"] == "2026-12-31"
    assert data["sections"]["progress"]["resolved"] == 6
    assert data["trend"][-1]["label"] == "2026-12"
    text = cli("report", "indicators", "--period", "2026-10")
    assert text.code == 0 and "Tỷ lệ giải quyết đúng hạn: 66,7%" in text.out


def test_feedback_sections_registered_whatever_is_imported_first() -> None:
    """A fresh interpreter importing only the indicators module already has issue #4's sections."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; from desktop.reports.indicators import INDICATOR_SECTIONS; "
            "print(','.join(INDICATOR_SECTIONS))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip().split(",") == ["today", "progress", "productivity", "trend", "on_behalf",
                                             "digitisation", "satisfaction", "waiting"]
