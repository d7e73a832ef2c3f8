"""Services: reception, supplement restart, apology, results, illegal transitions, change log."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop.platform import clock
from desktop.db.models import ChangeLog, Dossier, DossierEvent
from desktop.errors import IllegalTransition, UserError
from desktop.rules.lifecycle import Status
from desktop.services import dossiers
from desktop.services.desk import initialise_desk


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=clock.VN_TZ)


def receive(db, code: str = "1.004873", at: datetime = vn(2026, 11, 16, 10), **kw) -> str:  # type: ignore[no-untyped-def]
    with db.transaction(officer="canbo1") as s:
        d = dossiers.receive(s, dossiers.Reception(
            procedure_code=code, applicant=dossiers.Applicant(name=kw.pop("name", "Nguyễn Văn An"),
                                                              id_number=kw.pop("id_number", "001203004005")),
            at=at, **kw))
        return d.code


def get(db, code: str) -> Dossier:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        return dossiers.get_dossier(s, code)


def test_receive_sets_code_counting_start_and_due(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    d = get(db, code)
    assert code == "000.00.23.H49-261116-0001"
    assert d.status == Status.RECEIVED
    assert d.counting_start == vn(2026, 11, 16, 10)
    assert d.due_at == vn(2026, 11, 19, 17) == d.original_due_at
    assert d.received_by == "canbo1"


def test_daily_sequence_and_range(db) -> None:  # type: ignore[no-untyped-def]
    assert receive(db).endswith("-0001")
    assert receive(db).endswith("-0002")
    assert receive(db, at=vn(2026, 11, 17, 9)).endswith("261117-0001")


def test_second_desk_range_never_collides(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        initialise_desk(s, unit_code="10375", unit_name="UBND xã Tân Lập", seq_range=(5000, 5001))
    assert receive(db).endswith("-5000")
    assert receive(db).endswith("-5001")
    with pytest.raises(UserError, match="hết dải số"):
        receive(db)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Dossier)) == 2


def test_supplement_restarts_clock_in_full(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)  # Mon 16/11 10:00, 3 working days -> Thu 19/11 17:00
    with db.transaction() as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 11))
        dossiers.request_supplement(s, code, items="Bản sao CCCD; Giấy xác nhận cư trú", at=vn(2026, 11, 17, 9))
    assert get(db, code).status == Status.AWAITING_SUPPLEMENT
    with db.transaction() as s:
        dossiers.receive_supplement(s, code, at=vn(2026, 11, 19, 16))  # Thu 16:00 -> +3 = Tue? 24 off -> Wed 25
    d = get(db, code)
    assert d.status == Status.IN_PROGRESS
    assert d.counting_start == vn(2026, 11, 19, 16)
    assert d.due_at == vn(2026, 11, 25, 17)
    assert d.original_due_at == vn(2026, 11, 19, 17)


def test_supplement_received_after_hours_counts_next_day(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s:
        dossiers.request_supplement(s, code, items=["Tờ khai"], at=vn(2026, 11, 16, 14))
        dossiers.receive_supplement(s, code, at=vn(2026, 11, 16, 18))
    d = get(db, code)
    assert d.counting_start == vn(2026, 11, 17, 7, 30)
    assert d.due_at == vn(2026, 11, 20, 17)


def test_apology_keeps_due_at_and_late_stays_late(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 11))
        dossiers.issue_apology(s, code, new_date=date(2026, 11, 23), reason="Chờ xác minh", at=vn(2026, 11, 19, 9))
        dossiers.record_result(s, code, at=vn(2026, 11, 20, 10))
    d = get(db, code)
    assert d.due_at == vn(2026, 11, 19, 17)
    with db.reading() as s:
        from desktop.services.queries import dossier_detail

        detail = dossier_detail(s, code)
    assert detail.data["classification"] == "late"
    assert detail.apologies[0]["new_appointment"] == "2026-11-23"


def test_apology_date_must_be_later_working_day(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s, pytest.raises(UserError, match="phải sau"):
        dossiers.issue_apology(s, code, new_date=date(2026, 11, 18), reason="x")
    with db.transaction() as s, pytest.raises(UserError, match="không phải ngày làm việc"):
        dossiers.issue_apology(s, code, new_date=date(2026, 11, 22), reason="x")


@pytest.mark.parametrize(
    ("result_at", "expected"),
    [(vn(2026, 11, 18, 9), "early"), (vn(2026, 11, 19, 16), "on_time"), (vn(2026, 11, 19, 17, 5), "late")],
)
def test_classification_through_service(db, result_at: datetime, expected: str) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 10, 5))
        dossiers.record_result(s, code, at=result_at)
        dossiers.return_result(s, code, at=vn(2026, 11, 20, 9))
    with db.reading() as s:
        from desktop.services.queries import dossier_detail

        assert dossier_detail(s, code).data["classification"] == expected


def test_full_path_writes_timeline(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction(officer="lanhdao") as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 11))
        dossiers.record_result(s, code, rejected=True, reason="Không đủ điều kiện", at=vn(2026, 11, 18, 9))
        dossiers.return_result(s, code, at=vn(2026, 11, 18, 10))
    with db.reading() as s:
        kinds = [e.kind for e in s.scalars(select(DossierEvent).order_by(DossierEvent.at))]
    assert kinds == ["received", "started", "resolved", "returned"]
    d = get(db, code)
    assert (d.status, d.result, d.result_reason) == ("returned", "rejected", "Không đủ điều kiện")


ILLEGAL = [
    ("return", lambda s, c: dossiers.return_result(s, c, at=vn(2026, 11, 16, 12))),
    ("start twice", lambda s, c: (dossiers.start(s, c, at=vn(2026, 11, 16, 11)),
                                  dossiers.start(s, c, at=vn(2026, 11, 16, 12)))),
    ("supplement received without request", lambda s, c: dossiers.receive_supplement(s, c, at=vn(2026, 11, 16, 12))),
]


@pytest.mark.parametrize(("name", "action"), ILLEGAL)
def test_illegal_transitions_change_nothing(db, name, action) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.reading() as s:
        before = (s.scalar(select(func.count()).select_from(ChangeLog)), get(db, code).version)
    with pytest.raises(IllegalTransition, match="Không thể"), db.transaction() as s:
        action(s, code)
    with db.reading() as s:
        assert (s.scalar(select(func.count()).select_from(ChangeLog)), get(db, code).version) == before
    assert get(db, code).status == Status.RECEIVED


def test_closed_dossiers_refuse_everything(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s:
        dossiers.withdraw(s, code, at=vn(2026, 11, 16, 12))
    for action in (lambda s: dossiers.start(s, code), lambda s: dossiers.withdraw(s, code),
                   lambda s: dossiers.request_supplement(s, code, items="x"),
                   lambda s: dossiers.issue_apology(s, code, new_date=date(2026, 11, 30), reason="x")):
        with pytest.raises(IllegalTransition), db.transaction() as s:
            action(s)


def test_refused_dossier_is_recorded_not_received(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        d = dossiers.refuse(s, procedure_code="1.001193", applicant=dossiers.Applicant(name="Lê Thị Hoa"),
                            reason="Không thuộc thẩm quyền", at=vn(2026, 11, 16, 9))
        assert d.status == Status.REFUSED and d.due_at is None
    with pytest.raises(IllegalTransition), db.transaction() as s:
        dossiers.start(s, d.code)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": "00120300400a"}, "id_number"),
        ({"name": "   "}, "applicant"),
        ({"channel": "fax"}, "channel"),
        ({"at": vn(2026, 12, 1, 9)}, "at"),
        ({"sets_count": 0}, "sets_count"),
    ],
)
def test_bad_input_names_field_and_writes_nothing(db, kwargs, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError) as info:
        receive(db, **kwargs)
    assert info.value.field == field
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Dossier)) == 0
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.table_name == "dossier")) == 0


def test_unknown_or_inactive_procedure(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="Không tìm thấy thủ tục"):
        receive(db, code="9.999999")


def test_action_time_before_reception_refused(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with pytest.raises(UserError, match="sớm hơn"), db.transaction() as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 9))


def test_change_log_versions_increase(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db)
    with db.transaction() as s:
        dossiers.start(s, code, at=vn(2026, 11, 16, 11))
    d = get(db, code)
    with db.reading() as s:
        entries = list(s.scalars(select(ChangeLog).where(ChangeLog.record_id == d.id).order_by(ChangeLog.seq)))
    assert [e.version for e in entries] == [1, 2]
    assert d.version == 2 and all(e.epoch for e in entries)
    assert entries[0].officer == "canbo1"


def test_result_at_the_counter_hands_over_implicitly(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db, code="2.000815", at=vn(2026, 11, 16, 9))
    with db.transaction() as s:
        dossiers.record_result(s, code, at=vn(2026, 11, 16, 9, 20))
    with db.reading() as s:
        from desktop.services.queries import dossier_detail

        detail = dossier_detail(s, code)
    assert [e["kind"] for e in detail.events] == ["received", "started", "resolved"]
    assert detail.data["classification"] == "on_time"


def test_services_end_where_the_shared_outcome_rule_says(db) -> None:  # type: ignore[no-untyped-def]
    """The demo's bulk path advances dossiers by ``lifecycle.OUTCOME``; the services must agree with it."""
    from desktop.rules.lifecycle import OUTCOME, Action

    code = receive(db)
    steps = [(Action.START, lambda s: dossiers.start(s, code, at=vn(2026, 11, 16, 11))),
             (Action.REQUEST_SUPPLEMENT, lambda s: dossiers.request_supplement(s, code, items="Bản sao CCCD",
                                                                              at=vn(2026, 11, 16, 14))),
             (Action.RECEIVE_SUPPLEMENT, lambda s: dossiers.receive_supplement(s, code, at=vn(2026, 11, 17, 9))),
             (Action.RECORD_RESULT, lambda s: dossiers.record_result(s, code, at=vn(2026, 11, 17, 10))),
             (Action.RETURN_RESULT, lambda s: dossiers.return_result(s, code, at=vn(2026, 11, 17, 15)))]
    for action, step in steps:
        with db.transaction(officer="canbo1") as s:
            step(s)
        with db.reading() as s:
            d = dossiers.get_dossier(s, code)
            last = s.scalars(select(DossierEvent.kind).where(DossierEvent.dossier_id == d.id)
                             .order_by(DossierEvent.at.desc(), DossierEvent.updated_at.desc()).limit(1)).one()
        assert (d.status, last) == OUTCOME[action], action
    other = receive(db, at=vn(2026, 11, 16, 10, 30))
    with db.transaction(officer="canbo1") as s:
        dossiers.withdraw(s, other, at=vn(2026, 11, 16, 15), reason="Công dân rút")
    assert get(db, other).status == OUTCOME[Action.WITHDRAW][0]
