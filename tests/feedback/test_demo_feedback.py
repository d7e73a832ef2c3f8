from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desktop import demo
from desktop.db.models import ChangeLog
from desktop.db.models_feedback import QueueTicket, SurveyAnswer
from desktop.reports.feedback_sections import SECTIONS


def test_demo_hook_adds_surveys_tickets_and_digitised_results(db):
    assert demo._feedback_demo in demo.DEMO_HOOKS
    with db.transaction(officer="demo") as s:
        demo.generate(s, dossiers=400, months=6, seed=3)
        demo._feedback_demo(s)
    with db.reading() as s:
        answers = s.scalar(select(func.count()).select_from(SurveyAnswer))
        tickets = s.scalar(select(func.count()).select_from(QueueTicket))
        logged = s.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name.in_(["survey_answer", "queue_ticket"])))
        window = (date(2026, 5, 1), date(2026, 11, 20))
        dig, sat, wait = (SECTIONS[name](s, *window) for name in ("digitisation", "satisfaction", "waiting"))
    assert answers > 0 and tickets > 0 and logged == answers + tickets
    assert 0 < dig["results_digitised"] < dig["resolved"]
    assert sat["answers"] > 0 and 0 < sat["rate"] <= 100
    assert wait["served"] == wait["tickets"] > 0 and wait["avg_minutes"] > 0
