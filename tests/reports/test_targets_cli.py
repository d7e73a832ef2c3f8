"""``report targets``: the effective targets of a year, set from a file by an admin, reset."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.services import officers


def test_show_set_and_reset(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = cli("report", "targets", "--year", "2024", "--json").json()
    assert shown == {"year": 2024, "on_time_rate": 98.0, "early_share": 25.0, "online_share": 50.0,  # issue #19 defaults
                     "productivity_area": "rural", "productivity_per_year": 1200,
                     "digitisation_component_rate": 75.0, "digitisation_reuse_rate": 63.3,
                     "digitisation_result_rate": None, "satisfaction_rate": 92.5, "waiting_max_minutes": 20.0}
    file = tmp_path / "chi_tieu.json"
    file.write_text(json.dumps({"report_targets": {"online_share": {"min": 0.6}, "productivity": {"area": "urban"}},
                                "targets_feedback": {"digitisation": {"component_rate": {"2026": 40},
                                                                      "reuse_rate": {"2026": 20},
                                                                      "result_rate": {"2026": 50}},
                                                     "satisfaction": {"rate": {"2026": 90}},
                                                     "waiting": {"max_minutes": {"2026": 20}}}}), encoding="utf-8")
    out = cli("report", "targets", "--year", "2026", "--set-file", str(file), "--json")
    assert out.code == 0, out.err
    assert {k: out.json()[k] for k in ("online_share", "productivity_per_year", "digitisation_component_rate",
                                       "satisfaction_rate", "waiting_max_minutes")} == {
        "online_share": 60.0, "productivity_per_year": 1600, "digitisation_component_rate": 40.0,
        "satisfaction_rate": 90.0, "waiting_max_minutes": 20.0}
    rows = {r["key"]: r for r in cli("report", "indicators", "--period", "2026-10", "--json").json()["targets"]}
    assert (rows["online_share"]["target"], rows["digitisation_rate"]["target"]) == (0.6, 0.4)
    assert (rows["satisfaction_rate"]["target"], rows["waiting_minutes"]["target"]) == (0.9, 20.0)
    text = cli("report", "targets", "--year", "2026")
    assert "Tỷ lệ hài lòng ≥ 90%" in text.out and "Thời gian chờ bình quân (phút) ≤ 20" in text.out
    reset = cli("report", "targets", "--year", "2026", "--reset", "--json").json()
    assert (reset["online_share"], reset["satisfaction_rate"], reset["digitisation_component_rate"]) == (50.0, 95.0, 100.0)


def test_bad_files_and_roles_are_refused(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"report_targets": {"on_time_rate": {"min": 95}}}), encoding="utf-8")
    out = cli("report", "targets", "--set-file", str(bad))
    assert out.code == 2 and "tỷ lệ từ 0 đến 1" in out.err
    bad.write_text(json.dumps({"report_targets": {"speed": {}}}), encoding="utf-8")
    assert "Chỉ tiêu 'speed' không có" in cli("report", "targets", "--set-file", str(bad)).err
    bad.write_text(json.dumps({"targets_feedback": {"digitisation": {}}}), encoding="utf-8")
    assert "thiếu mục" in cli("report", "targets", "--set-file", str(bad)).err
    bad.write_text(json.dumps({"targets": {}}), encoding="utf-8")
    assert "report_targets" in cli("report", "targets", "--set-file", str(bad)).err
    with db.transaction(officer="system") as s:
        officers.create_officer(s, username="canbo2", full_name="Cán bộ Hai", password="matkhau123", role="officer")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"report_targets": {"online_share": {"min": 0.1}}}), encoding="utf-8")
    denied = cli("--officer", "canbo2", "report", "targets", "--set-file", str(good))
    assert denied.code != 0 and "quản trị" in denied.err
    assert cli("report", "targets", "--json").json()["online_share"] == 50.0
