"""Issue #17: the official calendar as data with its source, the uncertain 24/11, the province layer,
and due dates that move only when an officer applies the change."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.platform import clock
from desktop.db.session import Database
from desktop.rules.deadlines import DeadlineRules, ProcessingTime, TimeUnit
from desktop.services import calendar
from desktop.services.dossiers import Applicant, Reception, get_dossier, receive
from desktop.rules.workcalendar import WorkCalendar, _official_from, official_days


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=clock.VN_TZ)


def test_2026_new_year_swap_comes_from_the_government_file() -> None:
    cal = WorkCalendar()
    assert not cal.is_working_day(date(2026, 1, 2)) and cal.is_working_day(date(2026, 1, 10))
    off = cal.day_info(date(2026, 1, 2))
    assert (off.source, off.working) == ("government", False) and "12729/VPCP-KGVX" in off.basis
    assert cal.day_info(date(2026, 1, 1)).source == "statutory"


def test_three_working_days_across_new_year_2026() -> None:
    rules = DeadlineRules(WorkCalendar())
    start = rules.counting_start(vn(2025, 12, 31, 10))
    assert rules.due_at(start, ProcessingTime(3, TimeUnit.WORKING_DAYS)) == vn(2026, 1, 7, 17)
    # received on the swapped Friday: counts from Monday's opening
    assert rules.counting_start(vn(2026, 1, 2, 9)) == vn(2026, 1, 5, 7, 30)


def test_every_official_file_is_valid_and_sourced() -> None:
    for year in (2025, 2026, 2027):
        days = official_days(year)
        assert days, year
        assert all(o.basis and o.reason and o.source in ("statutory", "government") for o in days.values())
    assert official_days(2026)[date(2026, 11, 24)].uncertain
    assert official_days(2099) == {}


def test_bad_official_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "VN-2030.json").write_text('{"days": [{"date": "2031-01-01", "working": false}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="không thuộc năm"):
        _official_from(tmp_path, 2030)
    (tmp_path / "VN-2030.json").write_text('{"days": [{"date": "2030-01-02", "working": false, "source": "x"}]}',
                                           encoding="utf-8")
    with pytest.raises(ValueError, match="nguồn"):
        _official_from(tmp_path, 2030)


def test_years_without_a_file_fall_back_to_the_package() -> None:
    cal = WorkCalendar()
    info = cal.day_info(date(2028, 1, 1))
    assert (info.working, info.source) == (False, "statutory")


def test_calendar_show_json_lists_sources(cli) -> None:  # type: ignore[no-untyped-def]
    view = cli("calendar", "show", "--year", "2026", "--json").json()
    off = {d["date"]: d for d in view["days_off"]}
    work = {d["date"]: d for d in view["extra_working_days"]}
    assert off["2026-01-02"]["source"] == "government" and "12729" in off["2026-01-02"]["basis"]
    assert work["2026-01-10"]["source"] == "government"
    assert off["2026-02-17"]["source"] == "statutory"
    assert off["2026-11-24"]["uncertain"] is True and "2026-11-24" in view["uncertain"]
    text = cli("calendar", "show", "--year", "2026").out
    assert "2026-01-02" in text and "Chính phủ" in text and "chưa chắc chắn" in text


def test_uncertain_day_switched_by_admin_stays_marked(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("calendar", "working", "2026-11-24", "--reason", "Chưa áp dụng nghỉ 24/11").code == 0
    view = cli("calendar", "show", "--year", "2026", "--json").json()
    work = {d["date"]: d for d in view["extra_working_days"]}
    assert work["2026-11-24"]["source"] == "local" and work["2026-11-24"]["uncertain"] is True
    assert all(d["date"] != "2026-11-24" for d in view["days_off"])


def _receive(db: Database, at: datetime) -> str:
    with db.transaction(officer="setup") as s:
        return receive(s, Reception("1.004873", Applicant("Nguyễn Văn An"), at=at)).code


def test_calendar_change_lists_moved_dossiers_and_applies_on_request(db: Database, cli) -> None:  # type: ignore[no-untyped-def]
    code = _receive(db, vn(2026, 11, 16, 10))  # Mon + 3 → Thu 19/11
    with db.reading() as s:
        assert get_dossier(s, code).due_at == vn(2026, 11, 19, 17)
        assert calendar.due_changes(s) == []
    assert cli("calendar", "off", "2026-11-18", "--reason", "Nghỉ đột xuất").code == 0
    pending = cli("calendar", "pending", "--json").json()["dossiers"]
    assert [(p["code"], p["due_at"], p["new_due_at"]) for p in pending] == [
        (code, "2026-11-19T17:00:00+07:00", "2026-11-20T17:00:00+07:00")]
    with db.reading() as s:  # nothing recomputed silently
        assert get_dossier(s, code).due_at == vn(2026, 11, 19, 17)
    r = cli("calendar", "apply")
    assert r.code != 0 and "--all" in r.err
    r = cli("calendar", "apply", "000.00.00.H00-000000-0000")
    assert r.code != 0
    assert cli("calendar", "apply", code, "--json").json()["dossiers"][0]["new_due_at"] == "2026-11-20T17:00:00+07:00"
    with db.reading() as s:
        dossier = get_dossier(s, code)
        assert dossier.due_at == vn(2026, 11, 20, 17) and dossier.original_due_at == vn(2026, 11, 19, 17)
    assert cli("calendar", "pending", "--json").json()["dossiers"] == []


def test_province_layer_adds_and_takes_back_days(db: Database) -> None:
    with db.transaction(officer="setup") as s:
        calendar.set_province_days(s, [
            {"date": "2026-11-24", "working": True, "reason": "Tỉnh chưa áp dụng nghỉ 24/11",
             "legal_basis": "Công văn của UBND tỉnh"},
            {"date": "2026-12-31", "working": "false", "reason": "Nghỉ theo tỉnh"}])  # not a boolean: a day off
    with db.reading() as s:
        days = {d["date"]: d for d in calendar.year_view(s, 2026)["days"]}
    assert days["2026-11-24"]["working"] is True
    assert (days["2026-11-24"]["source"], days["2026-11-24"]["uncertain"]) == ("province", True)
    assert (days["2026-12-31"]["source"], days["2026-12-31"]["working"]) == ("province", False)
    with db.transaction(officer="setup") as s:  # the desk's own day wins over the province's
        calendar.set_override(s, date(2026, 12, 31), working=True, reason="Làm việc")
    with db.reading() as s:
        days = {d["date"]: d for d in calendar.year_view(s, 2026)["days"]}
    assert (days["2026-12-31"]["source"], days["2026-12-31"]["working"]) == ("local", True)
    with db.transaction(officer="setup") as s:  # the next package replaces the list: 24/11 falls back
        calendar.set_province_days(s, [])
        calendar.remove_override(s, date(2026, 12, 31))
    with db.reading() as s:
        days = {d["date"]: d for d in calendar.year_view(s, 2026)["days"]}
    assert "2026-12-31" not in days and days["2026-11-24"]["source"] == "government"


def test_saturday_morning_reception_counts_from_monday(db: Database, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("hours", "set", "--sat", "07:30-11:30").code == 0
    view = cli("hours", "show", "--json").json()
    assert view == {"source": "local", "week": {"mon": "07:30-11:30, 13:30-17:00", "tue": "07:30-11:30, 13:30-17:00",
                                                "wed": "07:30-11:30, 13:30-17:00", "thu": "07:30-11:30, 13:30-17:00",
                                                "fri": "07:30-11:30, 13:30-17:00", "sat": "07:30-11:30", "sun": ""}}
    saturday = vn(2026, 11, 14, 9)
    with db.transaction(officer="setup") as s:
        dossier = receive(s, Reception("1.004873", Applicant("Phạm Văn Dũng"), at=saturday))
        assert dossier.received_at == saturday
        assert dossier.counting_start == vn(2026, 11, 16, 7, 30)  # Monday's opening
        assert dossier.due_at == vn(2026, 11, 19, 17)  # 3 working days: Tue 17, Wed 18, Thu 19
        code = dossier.code
    from desktop.forms import render_form
    from tests.forms.test_forms import pdf_text

    with db.reading() as s:
        text = pdf_text(render_form(s, "receipt", code, tmp_path / "r.pdf"))
    assert "09 giờ 00 phút, ngày 14 tháng 11 năm 2026" in text  # Saturday's reception time is printed
    assert "17 giờ 00 phút, ngày 19 tháng 11 năm 2026" in text


def test_office_hours_per_weekday_and_bad_input(db: Database, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("hours", "set", "--fri", "07:00-11:00, 13:00-16:30").code == 0
    with db.transaction(officer="setup") as s:
        friday = receive(s, Reception("1.001193", Applicant("Võ Thị Em"), at=vn(2026, 11, 20, 9)))
        assert friday.due_at == vn(2026, 11, 20, 16, 30)  # Friday closes at 16:30
    for bad, message in ((["--sat", "11:30-07:30"], "sat"), (["--sun", "7h-9h"], "HH:MM-HH:MM"),
                         (["--mon", "", "--tue", "", "--wed", "", "--thu", "", "--fri", ""], "thứ Hai")):
        r = cli("hours", "set", *bad)
        assert r.code == 2 and message in r.err, (bad, r.err)
    assert cli("hours", "show", "--json").json()["week"]["fri"] == "07:00-11:00, 13:00-16:30"  # unchanged
    assert cli("hours", "reset").code == 0
    assert cli("hours", "show", "--json").json() == {"source": "default", "week": {
        **{k: "07:30-11:30, 13:30-17:00" for k in ("mon", "tue", "wed", "thu", "fri")}, "sat": "", "sun": ""}}
