"""Every number of Biểu 06 on hand-chosen dossiers, official and calendar windows."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from desktop.reports.periodic import ReportIntegrityError, check_identities, periodic_report
from desktop.reports.periods import parse_period
from tests.reports import scenario


def groups(rec: tuple[int, ...], res: tuple[int, ...], inp: tuple[int, ...]) -> dict[str, dict[str, int]]:
    return {
        "received": dict(zip(("total", "new_online", "new_direct_postal", "postal", "carried_over"), rec, strict=True)),
        "resolved": dict(zip(("total", "early", "on_time", "late", "withdrawn"), res, strict=True)),
        "in_progress": dict(zip(("total", "within_deadline", "overdue"), inp, strict=True)),
    }


def row(field: str, rec: tuple[int, ...], res: tuple[int, ...], inp: tuple[int, ...]) -> dict[str, Any]:
    return {"field": field, **groups(rec, res, inp)}


Expected = tuple[str, str, list[dict[str, Any]], dict[str, Any], list[tuple[str, str, bool]]]


def _expected() -> dict[tuple[str, bool], Expected]:
    """(period, calendar) -> (start, end, rows, total, late list as [(letter, status, apology)]), from the
    hand-counted table in periodic_expected.toml."""
    table = tomllib.loads(Path(__file__).with_name("periodic_expected.toml").read_text(encoding="utf-8"))
    return {(p["label"], p["calendar"]): (*p["window"], [row(field, *counts) for field, counts in p["fields"].items()],
                                          groups(*p["total"]), [tuple(late) for late in p["late"]])
            for p in table["period"]}


EXPECTED = _expected()


@pytest.fixture
def built(db):  # type: ignore[no-untyped-def]
    return scenario.build(db)


@pytest.mark.parametrize(("label", "calendar"), list(EXPECTED))
def test_every_number(db, built, label: str, calendar: bool) -> None:  # type: ignore[no-untyped-def]
    start, end, rows, total, late = EXPECTED[(label, calendar)]
    with db.reading() as s:
        report = periodic_report(s, parse_period(label, calendar=calendar))
    assert report["unit"] == {"code": "10375", "name": "UBND xã Tân Lập"}
    assert report["period"]["label"] == label
    assert (report["period"]["start"], report["period"]["end"]) == (start, end)
    assert report["rows"] == rows
    assert report["total"] == total
    by_code = {code: letter for letter, code in built.items()}
    got = [(by_code[d["code"]], d["status"], d["apology_issued"]) for d in report["late_dossiers"]]
    assert sorted(got) == sorted(late)
    assert report["late_without_apology"] == sum(1 for _, status, apology in late if status == "late" and not apology)


def test_late_list_details(db, built) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        report = periodic_report(s, parse_period("2026-10"))
    items = {d["code"]: d for d in report["late_dossiers"]}
    a = items[built["A"]]
    assert a["due_at"] == "2026-09-15T17:00:00+07:00"
    assert a["resolved_at"] == "2026-09-16T10:00:00+07:00"
    assert a["reason"] == "Chờ xác minh thông tin nơi sinh"
    assert a["new_appointment"] == "2026-09-17"
    assert a["days_over"] == 1
    e = items[built["E"]]
    assert (e["status"], e["resolved_at"], e["reason"], e["apology_issued"]) == ("overdue", None, None, False)
    # I's due at the end of the window is the one in force then (14/10), not the later one after its supplement.
    assert items[built["I"]]["due_at"] == "2026-10-14T17:00:00+07:00"
    assert set(items) == {built["A"], built["E"], built["I"]}


@pytest.mark.parametrize(("label", "calendar"), [("2026-09", False), ("2026-10", False), ("2026-09", True),
                                                  ("2026-10", True), ("2026-Q3", False), ("2026-Q3", True),
                                                  ("2026-H1", False), ("2025", False), ("2025", True)])
def test_next_carried_over_equals_in_progress(db, built, label: str, calendar: bool) -> None:  # type: ignore[no-untyped-def]
    period = parse_period(label, calendar=calendar)
    with db.reading() as s:
        this = periodic_report(s, period)
        following = periodic_report(s, period.next())
    open_now = {r["field"]: r["in_progress"]["total"] for r in this["rows"]}
    carried = {r["field"]: r["received"]["carried_over"] for r in following["rows"]}
    for field in set(open_now) | set(carried):
        assert open_now.get(field, 0) == carried.get(field, 0), field
    assert this["total"]["in_progress"]["total"] == following["total"]["received"]["carried_over"]


def test_unit_filter_for_the_hub(db, built) -> None:  # type: ignore[no-untyped-def]
    period = parse_period("2026-10")
    with db.reading() as s:
        mine = periodic_report(s, period, unit_codes=["10375"])
        other = periodic_report(s, period, unit_codes=["99999"], unit=("99999", "UBND xã Khác"))
        default = periodic_report(s, period)
    assert mine["rows"] == default["rows"] and mine["unit"]["code"] == "10375"
    assert other["rows"] == [] and other["total"]["received"]["total"] == 0
    assert other["unit"] == {"code": "99999", "name": "UBND xã Khác"}


def test_identities_are_enforced() -> None:
    bad = groups((3, 1, 1, 0, 0), (1, 1, 0, 0, 0), (1, 1, 0))
    with pytest.raises(ReportIntegrityError, match=r"\(3\) ≠ \(4\)\+\(5\)\+\(6\)"):
        check_identities("Hộ tịch", bad)


def test_cli_json_contract(cli, db, built) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "periodic", "--period", "2026-10", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert set(data) >= {"unit", "period", "rows", "total", "late_dossiers"}
    assert {k: data["period"][k] for k in ("kind", "label", "start", "end")} == {
        "kind": "month", "label": "2026-10", "start": "2026-09-15", "end": "2026-10-14"}
    assert data["total"] == EXPECTED[("2026-10", False)][3]
    assert set(data["late_dossiers"][0]) >= {"code", "due_at", "resolved_at", "apology_issued", "reason"}
    cal = cli("report", "periodic", "--period", "2026-10", "--calendar", "--json").json()
    assert cal["period"]["start"] == "2026-10-01" and cal["total"] == EXPECTED[("2026-10", True)][3]
    late = cli("report", "late", "--period", "2026-Q4", "--json").json()
    assert len(late["late_dossiers"]) == 4 and late["late_without_apology"] == 1


def test_unit_setting_switches_to_calendar_windows(cli, db, built) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.desk import local_unit

    with db.transaction(officer="admin") as s:
        local_unit(s).calendar_windows = True
    data = cli("report", "periodic", "--period", "2026-10", "--json").json()
    assert data["period"]["start"] == "2026-10-01" and data["total"] == EXPECTED[("2026-10", True)][3]
    official = cli("report", "periodic", "--period", "2026-10", "--official", "--json").json()
    assert official["period"]["start"] == "2026-09-15" and official["total"] == EXPECTED[("2026-10", False)][3]


def test_bad_period_is_a_user_error(cli, db) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "periodic", "--period", "2026-13", "--json")
    assert result.code == 2
    assert "YYYY-MM" in result.err and "YYYY-Qn" in result.err


def test_window_not_over_judges_in_progress_now(db, built) -> None:  # type: ignore[no-untyped-def]
    """Official 2026-12 (15/11 → 14/12) seen on 20/11 16:00: a dossier due next week is not overdue yet."""
    from desktop.services import dossiers
    from desktop.services.dossiers import Applicant, Reception

    with db.transaction(officer="canbo") as s:
        x = dossiers.receive(s, Reception(procedure_code=scenario.HO_TICH, applicant=Applicant(name="Người nộp X"),
                                          at=scenario.t(2026, 11, 20, 9)))
        assert x.due_at > scenario.t(2026, 11, 24, 0)  # due next week
    with db.reading() as s:
        report = periodic_report(s, parse_period("2026-12"))
    assert report["as_of"] == "2026-11-20T16:00:00+07:00"
    assert report["total"] == groups((3, 0, 1, 0, 2), (0, 0, 0, 0, 0), (3, 1, 2))
    assert {d["code"] for d in report["late_dossiers"]} == {built["D"], built["I"]}
    overdue_d = next(d for d in report["late_dossiers"] if d["code"] == built["D"])
    assert overdue_d["days_over"] == (20 + 16)  # 15/10 → 20/11 (today), not to the window's end


def test_average_processing_days_summed_in_sql_equals_the_python_sum(db, built) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.processing_days import assert_same_averages

    assert_same_averages(db)
