from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import UserError
from desktop.services import queue

from tests.feedback.helpers import at, receive


def test_numbers_restart_each_day_and_call_next_takes_the_lowest(db):
    with db.transaction(officer="canbo") as s:
        a = queue.take_ticket(s, at=at("2026-11-18T07:40"))
        b = queue.take_ticket(s, at=at("2026-11-18T07:45"))
        c = queue.take_ticket(s, at=at("2026-11-19T07:30"))
        assert (a.number, b.number, c.number) == (1, 2, 1)
        first = queue.call_next(s, at=at("2026-11-18T07:50"))
        assert first.number == 1 and first.waiting_minutes == 10.0
        with pytest.raises(UserError, match="đã được gọi"):
            queue.call_ticket(s, 1, at=at("2026-11-18T07:55"))
        with pytest.raises(UserError, match="trước lúc lấy số"):
            queue.call_ticket(s, 2, at=at("2026-11-18T07:44"))
        with pytest.raises(UserError, match="Không có số thứ tự 9"):
            queue.call_ticket(s, 9, at=at("2026-11-18T08:00"))
        assert queue.call_next(s, at=at("2026-11-18T08:00")).number == 2
        assert queue.call_next(s, at=at("2026-11-18T08:05")) is None


def test_reception_from_a_called_ticket_links_them(db):
    with db.transaction() as s:
        queue.take_ticket(s, at=at("2026-11-18T08:00"))
        with pytest.raises(UserError, match="chưa được gọi"):
            code = receive(s, "2026-11-18T08:20")
            queue.link_dossier(s, 1, code)
        queue.call_ticket(s, 1, at=at("2026-11-18T08:10"))
        linked = queue.link_dossier(s, 1, code)
        assert linked.dossier_code == code and queue.waiting_list(s, date(2026, 11, 18))[0].dossier_code == code


def test_waiting_statistics_exact(db):
    # waits of 2, 4, 6, 8, 10, 12, 14, 16, 18, 60 minutes + one ticket never called
    waits = [2, 4, 6, 8, 10, 12, 14, 16, 18, 60]
    with db.transaction() as s:
        for minutes in waits:
            ticket = queue.take_ticket(s, at=at("2026-11-17T07:30"))
            queue.call_ticket(s, ticket.number, at=at(f"2026-11-17T{7 + (30 + minutes) // 60:02d}:{(30 + minutes) % 60:02d}"))
        queue.take_ticket(s, at=at("2026-11-17T16:00"))
        queue.call_ticket(s, queue.take_ticket(s, at=at("2026-10-31T08:00")).number, at=at("2026-10-31T09:00"))
        stats = queue.waiting_stats(s, date(2026, 11, 1), date(2026, 11, 30))
        daily = queue.waiting_series(s, date(2026, 10, 1), date(2026, 11, 30), by="day")
        monthly = queue.waiting_series(s, date(2026, 10, 1), date(2026, 11, 30), by="month")
    assert stats == {"tickets": 11, "served": 10, "avg_minutes": 15.0, "p90_minutes": 18.0, "target_minutes": 15.0,
                     "meets_target": True}
    assert [(d["period"], d["tickets"], d["avg_minutes"]) for d in daily] == [("2026-10-31", 1, 60.0),
                                                                            ("2026-11-17", 11, 15.0)]
    assert [m["period"] for m in monthly] == ["2026-10", "2026-11"]


def test_p90_nearest_rank():
    assert queue.p90([]) is None
    assert queue.p90([5]) == 5
    assert queue.p90(list(range(1, 21))) == 18  # ceil(0.9·20) = 18th value
    assert queue.p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) == 10  # ceil(9.9) = 10th value


def test_link_latest_reception_after_the_call(db):
    with db.transaction(officer="canbo") as s:
        queue.take_ticket(s, at=at("2026-11-20T08:00"))
        queue.call_ticket(s, 1, at=at("2026-11-20T08:05"))
        with pytest.raises(UserError, match="Chưa có hồ sơ nào"):
            queue.link_latest_reception(s, 1, officer="canbo", at=at("2026-11-20T08:06"))
        receive(s, "2026-11-20T08:04")  # before the call: not this citizen's
        code = receive(s, "2026-11-20T08:10")
        linked = queue.link_latest_reception(s, 1, officer="canbo", at=at("2026-11-20T08:12"))
    assert linked.dossier_code == code
