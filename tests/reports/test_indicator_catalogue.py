"""The indicator catalogue (issue #19): every indicator of `report indicators --json` checked against
counts worked out by hand from a small October 2026 (calendar month) built below.

D1 Hộ tịch (offered online, full) online, 05/10 08:00, fee paid online, component 1 digitised and reused
   from the national portal; result 06/10 08:00 (early, 1.0 day), result digitised
D2 Hộ tịch, direct, 07/10 09:00, cash, result by post, component digitised; result 09/10 09:00 (early, 2.0)
D3 Chứng thực (offered online, partial), postal, 14/10 09:00, bank transfer; result 14/10 11:00
   (same day: on time, 2 h)
D4 Hộ tịch, direct, 12/10 09:00, due 15/10; apology 15/10; result 26/10 09:00 (late, 14.0)
D5 Hộ tịch, direct, 13/10 09:00; result 27/10 09:00 (late, no apology, 14.0)
D6 Hộ tịch, direct, 20/10 09:00, still open
P  Hộ tịch, direct, 06/10/2025 09:00, result 16/10/2025 09:00: October 2025 averages 10.0 days
Duty: canbo 05/10, 07/10, 12/10 (then struck off by a leader), lanhdao 05/10 → 3 staff-days.
Surveys: D1 rất hài lòng, D2 hài lòng, D3 không hài lòng. Queue: waits of 10 and 20 minutes on 05/10.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from desktop.errors import PermissionDenied, UserError
from desktop.platform import clock
from desktop.reports.indicator_catalogue import bundled, quotient, reading, validate
from desktop.services import digitisation, dossiers, duty, queue, surveys
from desktop.services.dossiers import Applicant, Reception
from tests.reports.scenario import CHUNG_THUC, HO_TICH, offer_online


def t(mo: int, d: int, h: int, mi: int = 0, y: int = 2026) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=clock.VN_TZ)


def _receive(s: Any, name: str, procedure: str, at: datetime, **extra: Any) -> str:
    return dossiers.receive(s, Reception(procedure_code=procedure, applicant=Applicant(name=name), at=at,
                                         **extra)).code


@pytest.fixture
def october(db):  # type: ignore[no-untyped-def]
    with db.transaction(officer="system") as s:
        offer_online(s)
        c = {
            "P": _receive(s, "Người nộp P", HO_TICH, t(10, 6, 9, y=2025)),
            "D1": _receive(s, "Người nộp Một", HO_TICH, t(10, 5, 8), channel="online", payment_method="online",
                           digitised_components=[0]),
            "D2": _receive(s, "Người nộp Hai", HO_TICH, t(10, 7, 9), payment_method="cash", return_by_post=True,
                           digitised_components=[0]),
            "D3": _receive(s, "Người nộp Ba", CHUNG_THUC, t(10, 14, 9), channel="postal",
                           payment_method="bank_transfer"),
            "D4": _receive(s, "Người nộp Bốn", HO_TICH, t(10, 12, 9)),
            "D5": _receive(s, "Người nộp Năm", HO_TICH, t(10, 13, 9)),
            "D6": _receive(s, "Người nộp Sáu", HO_TICH, t(10, 20, 9)),
        }
        dossiers.record_result(s, c["P"], at=t(10, 16, 9, y=2025))
        digitisation.digitise_component(s, c["D1"], 1, national_portal=True, at=t(10, 5, 8, 30))
        for key, moment in (("D1", t(10, 6, 8)), ("D2", t(10, 9, 9)), ("D3", t(10, 14, 11))):
            dossiers.record_result(s, c[key], at=moment)
        digitisation.digitise_result(s, c["D1"], at=t(10, 6, 9))
        dossiers.issue_apology(s, c["D4"], new_date=date(2026, 10, 26), reason="Chờ xác minh", at=t(10, 15, 10))
        dossiers.record_result(s, c["D4"], at=t(10, 26, 9))
        dossiers.record_result(s, c["D5"], at=t(10, 27, 9))
        for key, overall in (("D1", "rat_hai_long"), ("D2", "hai_long"), ("D3", "khong_hai_long")):
            surveys.record_answer(s, {"overall": overall}, dossier_code=c[key], at=t(10, 20, 10))
        for arrived, called in ((t(10, 5, 8), t(10, 5, 8, 10)), (t(10, 5, 8, 5), t(10, 5, 8, 25))):
            ticket = queue.take_ticket(s, at=arrived)
            queue.call_ticket(s, ticket.number, at=called)
        for day, name in ((date(2026, 10, 5), "canbo"), (date(2026, 10, 7), "canbo"), (date(2026, 10, 12), "canbo"),
                          (date(2026, 10, 5), "lanhdao")):
            duty.record_login(s, name, day)
    with db.transaction(officer="lanhdao") as s:
        assert duty.set_on_duty(s, date(2026, 10, 12), []) == []  # logged in to look something up only
    return c


EXPECTED = {  # id: (numerator, denominator, value)
    "on_time": (3, 5, 60.0),
    "early": (2, 5, 40.0),
    "online": (1, 6, 16.7),
    "postal_share": (2, 6, 33.3),  # D3 received by post, D2's result sent by post
    "online_payment": (1, 3, 33.3),
    "online_service_use": (1, 6, 16.7),  # D1..D6 all of offered procedures, D1 online
    "online_service_procedures": (1, 2, 50.0),
    "productivity_desk": (6, 3, 2.0),
    "processing_time_change": (6.2167, 10.0, -37.8),  # (1 + 2 + 2/24 + 14 + 14) / 5 = 6.2167 days vs 10.0
    "satisfaction": (2, 3, 66.7),
    "waiting_avg": (30.0, 2, 15.0),
    "digitised_components": (2, 6, 33.3),
    "reused": (1, 6, 16.7),
    "digitised_results": (1, 5, 20.0),
    "late_apologised": (1, 2, 50.0),
}


def test_report_indicators_json_has_every_catalogue_indicator(cli, october) -> None:  # type: ignore[no-untyped-def]
    data = cli("report", "indicators", "--period", "2026-10", "--calendar", "--json").json()
    assert {"targets", "self_assessment", "sections", "trend", "digitisation"} <= set(data)  # the old keys stay
    entries = {e["id"]: e for e in data["indicators"]}
    assert list(entries) == [spec["id"] for spec in bundled()["indicators"]]
    for entry in entries.values():
        assert {"id", "name", "value", "target", "numerator", "denominator", "source"} <= set(entry)
    got = {key: (entries[key]["numerator"], entries[key]["denominator"], entries[key]["value"]) for key in EXPECTED}
    assert got == EXPECTED


def test_targets_come_from_one_place(cli, october) -> None:  # type: ignore[no-untyped-def]
    entries = {e["id"]: e for e in cli("report", "indicators", "--period", "2026-10", "--calendar",
                                       "--json").json()["indicators"]}
    targets = {key: entries[key]["target"] for key in entries}
    assert targets == {
        "on_time": 98.0, "early": 25.0, "online": 50.0, "postal_share": None, "online_payment": 30.0,
        "online_service_use": 50.0, "online_service_procedures": None,
        "productivity_desk": 4.8,  # 1,200 dossiers a year (rural) / 250 working days
        "processing_time_change": -20.0, "satisfaction": 95.0, "waiting_avg": 15.0,
        "digitised_components": 100.0, "reused": 80.0, "digitised_results": 100.0, "late_apologised": 100.0,
    }
    readings = {key: entries[key]["reading"] for key in entries}
    assert readings["processing_time_change"] == "green" and readings["waiting_avg"] == "green"
    assert readings["on_time"] == "red" and readings["postal_share"] == "grey"
    assert readings["online_payment"] == "green"  # 33.3 ≥ 30
    # the year so far is the forecast; September had nothing
    assert entries["on_time"]["forecast"] is not None and entries["on_time"]["previous"] is None
    fields = {row["field"]: row for row in entries["satisfaction"]["by_field"]}
    assert (fields["Hộ tịch"]["numerator"], fields["Hộ tịch"]["denominator"], fields["Hộ tịch"]["target"]) \
        == (2, 2, 95.0)


def test_online_payment_counts_in_the_766_self_assessment(cli, october) -> None:  # type: ignore[no-untyped-def]
    groups = {g["key"]: g for g in cli("report", "indicators", "--period", "2026-10", "--calendar",
                                       "--json").json()["self_assessment"]["groups"]}
    assert groups["online_payment"]["points"] == 3.33 and "(1/3)" in groups["online_payment"]["formula"]
    assert groups["transparency"]["points"] is None
    assert "không tính được ở cấp xã" in groups["transparency"]["formula"]


def _staff(db: Any) -> None:
    from desktop.services import officers

    with db.transaction(officer="setup") as s:
        officers.create_officer(s, username="canbo", full_name="Nguyễn Thị Lan", password="matkhau1")
        officers.create_officer(s, username="lanhdao", full_name="Trần Văn Bình", password="matkhau2", role="leader")


def test_payment_and_duty_are_checked(db) -> None:  # type: ignore[no-untyped-def]
    _staff(db)
    with db.transaction(officer="canbo") as s, pytest.raises(UserError, match="Hình thức thanh toán"):
        _receive(s, "Người nộp", HO_TICH, t(11, 2, 9), payment_method="bitcoin")
    with db.transaction(officer="canbo") as s, pytest.raises(PermissionDenied):
        duty.set_on_duty(s, date(2026, 10, 5), ["canbo"])
    with db.transaction(officer="lanhdao") as s, pytest.raises(UserError, match="khongco"):
        duty.set_on_duty(s, date(2026, 10, 5), ["canbo", "khongco"])
    with db.transaction(officer="lanhdao") as s, pytest.raises(UserError, match="21/11/2026 chưa đến"):
        duty.set_on_duty(s, date(2026, 11, 21), ["canbo"])  # the test clock's tomorrow


def test_a_log_in_puts_the_officer_on_duty(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.services import officers

    _staff(db)
    officers.login(db, "canbo", "matkhau1")
    with db.reading() as s:
        assert duty.on_duty(s, clock.today()) == ["canbo"]


def test_the_catalogue_is_checked() -> None:
    with pytest.raises(UserError, match="thiếu"):
        validate({"indicators": [{"id": "x"}]})
    entry = dict(bundled()["indicators"][0])
    with pytest.raises(UserError, match="trùng"):
        validate({"indicators": [entry, entry]})
    with pytest.raises(UserError, match="đơn vị"):
        validate({"indicators": [entry | {"unit": "kg"}]})
    for target in ({"feedback": "nodot"}, {"report": "x"}, {"by_year": {"2026": "98"}}, {"by_year": {"26": 98}},
                   {"ghost": 1}, "98"):  # a province's catalogue is input: a bad target is refused up front
        with pytest.raises(UserError, match="chỉ tiêu|by_year"):
            validate({"indicators": [entry | {"target": target}]})
    with pytest.raises(UserError, match="phải là chữ"):
        validate({"indicators": [entry | {"name": ["x"]}]})
    assert quotient("percent", 1, 0) is None and quotient("change_percent", 8, 10) == -20.0
    assert reading(None, 90, "min") == "grey" and reading(95, 90, "min") == "green"
    assert reading(85, 90, "min") == "amber" and reading(60, 90, "min") == "red"
    assert reading(16, 15, "max") == "amber" and reading(40, 15, "max") == "red"



def test_duty_command(cli, db) -> None:  # type: ignore[no-untyped-def]
    _staff(db)
    set_ = cli("duty", "set", "--day", "2026-10-05", "--staff", "canbo", "--staff", "lanhdao", "--json")
    assert set_.code == 0, set_.err
    assert set_.json() == {"day": "2026-10-05", "on_duty": ["canbo", "lanhdao"], "count": 2}
    assert "1 cán bộ trực — canbo" in cli("duty", "set", "--day", "2026-10-05", "--staff", "canbo").out
    bad = cli("duty", "set", "--day", "2026-10-05", "--staff", "ai_do")
    assert bad.code != 0 and "ai_do" in bad.err
    assert cli("duty", "show", "--day", "2026-10-05", "--json").json()["on_duty"] == ["canbo"]
