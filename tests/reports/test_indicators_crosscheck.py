"""Issue #19: every catalogue indicator against counts built by hand (June 2026, calendar window)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop.db.models import Dossier, DossierComponent
from desktop.db.models_feedback import DutyDay, QueueTicket, SurveyAnswer
from desktop.reports.indicators import indicators
from desktop.reports.periods import parse_period
from desktop.services import dossiers
from desktop.services.dossiers import Applicant, Reception
from tests.reports.scenario import CHUNG_THUC, HKD, HO_TICH, offer_online, t

JUNE = parse_period("2026-06", calendar=True)


def _receive(s, name: str, code: str, at: datetime, **kw) -> Dossier:  # type: ignore[no-untyped-def]
    return dossiers.receive(s, Reception(procedure_code=code, applicant=Applicant(name=name), at=at, **kw))


def _survey(s, day: int, overall: str, field: str) -> None:  # type: ignore[no-untyped-def]
    s.add(SurveyAnswer(form_id="dossier", form_version=1, answered_at=t(2026, 6, day, 10), overall=overall,
                       field_name=field, answers={}))


@pytest.fixture
def june(db):  # type: ignore[no-untyped-def]
    """P1..P5 received in June 2026 (see the expected numbers in the test), two resolved a year before."""
    with db.transaction(officer="system") as s:
        offer_online(s)
        y1 = _receive(s, "Y1", HO_TICH, t(2025, 6, 2, 9))
        y2 = _receive(s, "Y2", HO_TICH, t(2025, 6, 10, 9))
        dossiers.record_result(s, y1.code, at=t(2025, 6, 6, 9))   # 4 days
        dossiers.record_result(s, y2.code, at=t(2025, 6, 12, 9))  # 2 days
        p1 = _receive(s, "P1", HO_TICH, t(2026, 6, 1, 9), channel="online", payment_method="online",
                      digitised_components=[0])
        p2 = _receive(s, "P2", HO_TICH, t(2026, 6, 2, 9), payment_method="cash", return_by_post=True)
        p3 = _receive(s, "P3", CHUNG_THUC, t(2026, 6, 3, 9), channel="postal", payment_method="bank_transfer")
        _receive(s, "P4", HKD, t(2026, 6, 4, 9))
        p5 = _receive(s, "P5", HO_TICH, t(2026, 6, 5, 9), payment_method="online")
        dossiers.refuse(s, procedure_code=HO_TICH, applicant=Applicant(name="R"), reason="Không thuộc thẩm quyền",
                        at=t(2026, 6, 8, 9))
        due = {d.applicant_name: d.due_at for d in (p1, p2, p3)}
        assert due == {"P1": t(2026, 6, 4, 17), "P2": t(2026, 6, 5, 17), "P3": t(2026, 6, 3, 17)}
        dossiers.record_result(s, p1.code, at=t(2026, 6, 2, 9))   # early, 1 day
        dossiers.record_result(s, p2.code, at=t(2026, 6, 5, 9))   # on time, 3 days
        dossiers.record_result(s, p3.code, at=t(2026, 6, 4, 21))  # late, 1.5 days
        s.get(Dossier, p1.id).result_digitised = True
        first = lambda d: s.scalar(select(DossierComponent).where(DossierComponent.dossier_id == d.id)
                                   .order_by(DossierComponent.position).limit(1))
        first(p2).reused_from_id = first(p1).id
        first(p5).national_portal = True
        for day, who, on in ((1, "canbo", True), (2, "canbo", True), (2, "canbo2", True), (3, "canbo2", False)):
            s.add(DutyDay(day=date(2026, 6, day), username=who, present=on, source="manual"))
        s.add(DutyDay(day=date(2026, 5, 30), username="canbo", present=True))
        _survey(s, 3, "rat_hai_long", "Hộ tịch")
        _survey(s, 4, "hai_long", "Hộ tịch")
        _survey(s, 5, "khong_hai_long", "Xây dựng")
        for number, waited in ((1, 10), (2, 20), (3, 20), (4, None)):
            s.add(QueueTicket(day=date(2026, 6, 9), number=number, arrived_at=t(2026, 6, 9, 8),
                              called_at=None if waited is None else t(2026, 6, 9, 8, waited)))
    return db


EXPECTED = {  # id: (numerator, denominator, value)
    "on_time": (2, 3, 66.7), "early": (1, 3, 33.3), "online": (1, 5, 20.0),
    "postal_share": (2, 5, 40.0),  # P3 sent by post, P2's result returned by post
    "online_payment": (2, 4, 50.0),  # P1, P5 online of P1, P2, P3, P5 paid; P4 pays nothing
    "online_service_procedures": (1, 2, 50.0),  # Hộ tịch (full) had an online dossier, Chứng thực (partial) none
    "online_service_use": (1, 4, 25.0),  # P1 of P1, P2, P3, P5 (P4's procedure is not offered online)
    "productivity_desk": (5, 3, 1.7),  # 5 received / 3 staff-days (canbo2's 03/06 struck off by a leader)
    "processing_time_change": (1.8333, 3.0, -38.9),  # (1 + 3 + 1.5)/3 days vs (4 + 2)/2 days
    "satisfaction": (2, 3, 66.7), "waiting_avg": (50.0, 3, 16.7),  # the numerator is the exact sum, not 16.7 × 3
    "digitised_components": (1, 5, 20.0), "reused": (2, 5, 40.0), "digitised_results": (1, 3, 33.3),
    "late_apologised": (0, 1, 0.0),  # P3 late without an apology
}


def test_every_indicator_against_hand_counts(june) -> None:  # type: ignore[no-untyped-def]
    with june.reading() as s:
        found = {e["id"]: e for e in indicators(s, JUNE)["indicators"]}
    assert set(EXPECTED) <= set(found)
    got = {k: (found[k]["numerator"], found[k]["denominator"], found[k]["value"]) for k in EXPECTED}
    assert got == EXPECTED
    for entry in found.values():
        assert set(entry) >= {"id", "name", "value", "target", "numerator", "denominator", "source"}
        assert entry["name"] and entry["source"]
    assert found["on_time"]["target"] == 98.0 and found["on_time"]["reading"] == "red"
    assert found["online_payment"]["target"] == 30.0 and found["online_payment"]["reading"] == "green"
    assert found["waiting_avg"]["target"] == 15.0 and found["waiting_avg"]["reading"] == "red"  # 1.7 over a 1.5-minute tenth
    assert found["processing_time_change"]["target"] == -20.0 and found["processing_time_change"]["reading"] == "green"
    assert found["postal_share"]["target"] is None and found["postal_share"]["reading"] == "grey"
    fields = {r["field"]: r for r in found["satisfaction"]["by_field"]}
    assert (fields["Hộ tịch"]["value"], fields["Hộ tịch"]["target"]) == (100.0, 95.0)
    assert (fields["Xây dựng"]["value"], fields["Xây dựng"]["target"], fields["Xây dựng"]["reading"]) == (0.0, 85.0, "red")
