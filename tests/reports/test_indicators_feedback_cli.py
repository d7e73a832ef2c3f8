"""``report indicators --json``: digitisation, satisfaction and waiting over the periodic report's
windows, every number of issue #4's contract checked on a hand-made data set built through the CLI.

Month 2026-10: official window 15/09/2026 → 14/10/2026, calendar window 01/10/2026 → 31/10/2026.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from desktop.platform import clock
from tests.conftest import NOW, CliResult

HO_TICH = "1.001193"  # Đăng ký khai sinh, 3 components
CHUNG_THUC = "2.000815"  # Chứng thực bản sao, 2 components


def _ok(out):  # type: ignore[no-untyped-def]
    assert out.code == 0, out.err
    return out


def _receive(cli, when: str, procedure: str = HO_TICH) -> str:  # type: ignore[no-untyped-def]
    out = _ok(cli("dossier", "receive", "--procedure", procedure, "--applicant", "Nguyễn Văn An",
                  "--id-number", "001234567890", "--at", when, "--json"))
    return out.json()["code"]


def _result(cli, code: str, when: str, *, digitised: bool) -> None:  # type: ignore[no-untyped-def]
    _ok(cli("dossier", "start", code, "--at", when))
    _ok(cli("dossier", "result", code, "--at", when))
    if digitised:
        _ok(cli("dossier", "digitise", code, "--result"))


@pytest.fixture(scope="module")
def built_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data set, built once through the CLI; each test works on its own copy."""
    from desktop.cli import main

    path = tmp_path_factory.mktemp("indicators") / "built.sqlite3"
    shutil.copyfile(template_db, path)

    def cli(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(path), *args])
        return CliResult(code, out.getvalue(), err.getvalue())

    saved = os.environ.get("MOTCUA_DATA_DIR")
    os.environ["MOTCUA_DATA_DIR"] = str(path.parent / "data")
    clock.set_now(NOW)
    try:
        _build(cli)
        import sqlite3

        with contextlib.closing(sqlite3.connect(path)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        clock.set_now(None)
        if saved is None:
            os.environ.pop("MOTCUA_DATA_DIR", None)
        else:
            os.environ["MOTCUA_DATA_DIR"] = saved
    return path


@pytest.fixture
def db_path(built_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk.sqlite3"
    shutil.copyfile(built_db, target)
    return target


def _build(cli) -> None:  # type: ignore[no-untyped-def]
    # D5: received before both windows, result on 16/09 (official window only), result digitised
    d5 = _receive(cli, "2026-09-10T09:00")
    _result(cli, d5, "2026-09-16T10:00", digitised=True)
    # D1: official window only; one component digitised; resolved 25/09, result digitised
    d1 = _receive(cli, "2026-09-20T09:00")
    first = _ok(cli("dossier", "digitise", d1, "--component", "1", "--json")).json()["component_code"]
    _result(cli, d1, "2026-09-25T10:00", digitised=True)
    # D2: both windows; component 1 reused from D1's digitised one, component 2 from the national portal
    d2 = _receive(cli, "2026-10-05T09:00")
    _ok(cli("dossier", "digitise", d2, "--component", "1", "--reused-from", first))
    _ok(cli("dossier", "digitise", d2, "--component", "2", "--national-portal"))
    _result(cli, d2, "2026-10-08T10:00", digitised=True)
    # D3: both windows; nothing digitised; result 20/10 (calendar window only), result not digitised
    d3 = _receive(cli, "2026-10-10T09:00", CHUNG_THUC)
    _result(cli, d3, "2026-10-20T10:00", digitised=False)
    # D7: both windows; one component digitised; withdrawn next day (no result to digitise)
    d7 = _receive(cli, "2026-10-12T09:00", CHUNG_THUC)
    _ok(cli("dossier", "digitise", d7, "--component", "1"))
    _ok(cli("dossier", "withdraw", d7, "--at", "2026-10-13T09:00"))
    # D4: calendar window only; component 2 from the national portal; resolved 25/10, result digitised
    d4 = _receive(cli, "2026-10-20T09:00")
    _ok(cli("dossier", "digitise", d4, "--component", "2", "--national-portal"))
    _result(cli, d4, "2026-10-26T10:00", digitised=True)
    # refused at reception inside both windows: never counts
    _ok(cli("dossier", "refuse", "--procedure", HO_TICH, "--applicant", "Lê Văn Cường", "--reason", "Thiếu tờ khai",
            "--at", "2026-10-02T09:00"))
    # after both windows
    late = _receive(cli, "2026-11-02T09:00")
    _ok(cli("dossier", "digitise", late, "--component", "1"))

    for when, overall in (("2026-09-14T16:59", "rat_hai_long"),   # before both windows
                          ("2026-09-20T10:00", "rat_hai_long"),   # official only
                          ("2026-10-01T08:00", "rat_hai_long"),   # both
                          ("2026-10-05T10:00", "hai_long"), ("2026-10-06T10:00", "hai_long"),  # both
                          ("2026-10-14T16:59", "khong_hai_long"),  # both: last minute of the official window
                          ("2026-10-15T07:30", "hai_long"),        # calendar only
                          ("2026-10-31T16:00", "khong_hai_long"),  # calendar only
                          ("2026-11-01T08:00", "khong_hai_long")):  # neither
        _ok(cli("survey", "add", "--overall", overall, "--at", when, *(("--dossier", d2) if overall == "hai_long" else ())))

    # queue: (arrival, call) per ticket; minutes waited in brackets
    for day, tickets in (("2026-09-30", (("08:00", "08:10"), ("08:05", "08:25"))),          # [10, 20] official
                         ("2026-10-14", (("07:30", "07:35"), ("07:40", "08:11"), ("07:45", None))),  # [5, 31, —] both
                         ("2026-10-20", (("09:00", "09:12"),))):                           # [12] calendar
        for number, (arrived, called) in enumerate(tickets, start=1):
            ticket = _ok(cli("queue", "ticket", "--at", f"{day}T{arrived}", "--json")).json()
            assert ticket["number"] == number
            if called is not None:
                _ok(cli("queue", "call", str(number), "--at", f"{day}T{called}"))


CONTRACT = {
    "digitisation": ("received", "with_digitised_components", "without_digitised_components", "with_reused_components",
                     "reused_from_national_portal", "resolved", "results_digitised"),
    "satisfaction": ("answers", "very_satisfied", "satisfied", "unsatisfied", "rate"),
    "waiting": ("tickets", "served", "avg_minutes", "p90_minutes"),
}


def _contract(data: dict) -> dict:
    return {section: {key: data[section][key] for key in keys} for section, keys in CONTRACT.items()}


def _expected(**values: tuple[float, ...]) -> dict:
    """The contract's numbers written in CONTRACT's order, one tuple a section (every key, no more)."""
    assert values.keys() == CONTRACT.keys()
    return {section: dict(zip(CONTRACT[section], values[section], strict=True)) for section in CONTRACT}


def test_month_official_window(cli) -> None:  # type: ignore[no-untyped-def]
    data = cli("report", "indicators", "--period", "2026-10", "--json").json()
    periodic = cli("report", "periodic", "--period", "2026-10", "--json").json()
    assert data["period"] == periodic["period"] == {"kind": "month", "label": "2026-10", "start": "2026-09-15",
                                                   "end": "2026-10-14", "calendar": False}
    assert _contract(data) == _expected(
        # received D1 D2 D3 D7; digitised D1 D2 D7; reused D2; portal D2; results D5 D1 D2, all digitised
        digitisation=(4, 3, 1, 1, 1, 3, 3),
        # 20/09 RHL, 01/10 RHL, 05/10 HL, 06/10 HL, 14/10 KHL → 4 of 5
        satisfaction=(5, 2, 2, 1, 80.0),
        # waits 10, 20, 5, 31 (one ticket never called): mean 16.5; nearest-rank P90 = 4th of 4 = 31
        waiting=(5, 4, 16.5, 31.0),
    )
    assert data["sections"]["digitisation"] == data["digitisation"]
    rows = {row["key"]: row for row in data["targets"]}
    assert (rows["digitisation_rate"]["value"], rows["digitisation_rate"]["target"]) == (0.75, 1.0)
    assert (rows["reuse_rate"]["value"], rows["reuse_rate"]["target"]) == (0.25, 0.8)
    assert (rows["result_digitised_rate"]["value"], rows["result_digitised_rate"]["met"]) == (1.0, True)
    assert (rows["satisfaction_rate"]["value_text"], rows["satisfaction_rate"]["target_text"]) == ("80,0%", "≥ 95,0%")
    assert rows["satisfaction_rate"]["met"] is False
    assert (rows["waiting_minutes"]["value_text"], rows["waiting_minutes"]["met"]) == ("16,5 phút", False)
    assert (rows["waiting_p90_minutes"]["value_text"], rows["waiting_p90_minutes"]["met"]) == ("31 phút", False)
    groups = {g["key"]: g["points"] for g in data["self_assessment"]["groups"]}
    assert (groups["digitisation"], groups["satisfaction"]) == (16.5, 14.4)  # 22 × 0.75, 18 × 0.8


def test_month_calendar_window(cli) -> None:  # type: ignore[no-untyped-def]
    data = cli("report", "indicators", "--period", "2026-10", "--calendar", "--json").json()
    periodic = cli("report", "periodic", "--period", "2026-10", "--calendar", "--json").json()
    assert (data["period"]["start"], data["period"]["end"]) == ("2026-10-01", "2026-10-31")
    assert data["period"] == periodic["period"]
    assert _contract(data) == _expected(
        # received D2 D3 D7 D4; digitised D2 D7 D4; reused D2 D4 (portal counts as reuse); portal D2 D4;
        # results D2 D3 D4 (D7 withdrawn has none), digitised D2 D4
        digitisation=(4, 3, 1, 2, 2, 3, 2),
        # 01/10 RHL, 05/10 HL, 06/10 HL, 14/10 KHL, 15/10 HL, 31/10 KHL → 4 of 6
        satisfaction=(6, 1, 3, 2, 66.7),
        # waits 5, 31, 12 (one not called): mean 16.0; P90 = 3rd of 3 = 31
        waiting=(4, 3, 16.0, 31.0),
    )
    assert data["digitisation"]["result_rate"] == 66.7 and data["digitisation"]["reuse_rate"] == 50.0
    months = {m["label"]: m for m in data["trend"]}
    october = months["2026-10"]
    assert (october["digitisation_rate"], october["satisfaction_rate"], october["survey_answers"]) == (0.75, 0.667, 6)
    assert (october["waiting_avg_minutes"], october["waiting_p90_minutes"]) == (16.0, 31.0)
    assert (months["2026-09"]["received"], months["2026-09"]["digitisation_rate"]) == (2, 0.5)
    assert months["2026-09"]["waiting_avg_minutes"] == 15.0


def test_quarter_and_year_windows(cli) -> None:  # type: ignore[no-untyped-def]
    quarter = cli("report", "indicators", "--period", "2026-Q4", "--json").json()  # 15/09 → 14/12
    assert _contract(quarter)["digitisation"] == {
        "received": 6, "with_digitised_components": 5, "without_digitised_components": 1, "with_reused_components": 2,
        "reused_from_national_portal": 2, "resolved": 5, "results_digitised": 4}
    assert _contract(quarter)["satisfaction"] == {"answers": 8, "very_satisfied": 2, "satisfied": 3,
                                                  "unsatisfied": 3, "rate": 62.5}
    year = cli("report", "indicators", "--period", "2026", "--calendar", "--json").json()
    assert _contract(year)["waiting"] == {"tickets": 6, "served": 5, "avg_minutes": 15.6, "p90_minutes": 31.0}
    assert _contract(year)["satisfaction"]["answers"] == 9
    assert _contract(year)["digitisation"]["received"] == 7  # D5 too; the refused one never


def test_text_output_lists_the_feedback_targets(cli) -> None:  # type: ignore[no-untyped-def]
    out = _ok(cli("report", "indicators", "--period", "2026-10"))
    assert "Tỷ lệ hài lòng: 80,0% (chỉ tiêu: ≥ 95,0%) — chưa đạt" in out.out
    assert "Thời gian chờ bình quân: 16,5 phút (chỉ tiêu: ≤ 15 phút) — chưa đạt" in out.out
    assert "Tỷ lệ hồ sơ có thành phần được số hóa: 75,0% (chỉ tiêu: ≥ 100,0%) — chưa đạt" in out.out


def test_indicators_excel(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    target = tmp_path / "chi_so.xlsx"
    out = _ok(cli("report", "indicators", "--period", "2026-10", "--xlsx", str(target)))
    assert f"Đã ghi {target}" in out.out
    wb = load_workbook(target)
    assert wb.sheetnames == ["Bộ chỉ số", "Chỉ tiêu", "Xu hướng 12 tháng"]
    catalogue = wb["Bộ chỉ số"]  # issue #19: numbers in cells, shown with the unit's number format
    by_id = {catalogue.cell(r, 2).value: r for r in range(6, catalogue.max_row + 1)}
    satisfied = by_id["satisfaction"]
    assert [catalogue.cell(satisfied, c).value for c in (4, 5, 6, 7, 8)] == [80.0, 95.0, "chưa đạt", 4, 5]
    assert catalogue.cell(satisfied, 4).number_format == '0.0"%"'
    assert catalogue.cell(by_id["waiting_avg"], 4).value == 16.5
    ws = wb["Chỉ tiêu"]
    assert ws["A2"].value == "CHỈ SỐ KẾT QUẢ GIẢI QUYẾT TTHC SO VỚI CHỈ TIÊU"
    assert ws["A3"].value == "Kỳ báo cáo: tháng 10 năm 2026 (Từ ngày 15/09/2026 đến ngày 14/10/2026)"
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in (3, 4, 5)] for r in range(6, ws.max_row + 1)}
    # numbers in the cells, their unit and ≥ / ≤ in the number format (issue #18 item 12)
    assert rows["Tỷ lệ hài lòng"] == [80.0, 95.0, "chưa đạt"]
    assert rows["Thời gian chờ bình quân"] == [16.5, 15.0, "chưa đạt"]
    assert rows["Tỷ lệ hồ sơ có thành phần được số hóa"] == [75.0, 100.0, "chưa đạt"]
    satisfied = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 2).value == "Tỷ lệ hài lòng")
    assert (ws.cell(satisfied, 3).number_format, ws.cell(satisfied, 4).number_format) == ('0.0"%"', '"≥ "0.0"%"')
    assert rows["Số hóa hồ sơ"][:2] == [16.5, 22] and rows["Mức độ hài lòng"][:2] == [14.4, 18]
    assert "A2:F2" in {str(m) for m in ws.merged_cells.ranges}
    trend = wb["Xu hướng 12 tháng"]
    assert [c.value for c in trend[5]][:3] == ["Tháng", "Từ ngày", "Đến ngày"]
    october = [c.value for c in trend[trend.max_row]]
    assert [october[0], october[1].date(), october[2].date()] == ["2026-10", date(2026, 9, 15), date(2026, 10, 14)]
    assert trend.cell(trend.max_row, 2).number_format == "DD/MM/YYYY"
    assert october[7:] == [75.0, 80.0, 5, 16.5, 31.0]  # digitised %, satisfied %, answers, waiting avg / P90
