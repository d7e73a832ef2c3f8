"""Tables of issue #4 and #19: survey answers, queue tickets and desk staff on duty (synced, owned by the commune).

Digitisation needs no table of its own: the flags live on ``dossier_component`` and ``dossier``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.db.models import Base, Synced
from desktop.db.types import VNDateTime


class SurveyAnswer(Synced, Base):
    """One filled questionnaire; keeps the form id and version it was answered on.

    ``overall`` duplicates the 3-level answer of per-dossier forms so the satisfaction rate is one
    indexed query; ``answers`` holds every answered question (unanswered ones are absent).
    """

    __tablename__ = "survey_answer"
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(VNDateTime())
    source: Mapped[str] = mapped_column(String(8), default="officer")  # officer | kiosk
    officer: Mapped[str | None] = mapped_column(String(64), default=None)
    dossier_id: Mapped[str | None] = mapped_column(String(36), default=None)
    dossier_code: Mapped[str | None] = mapped_column(String(64), default=None)
    field_name: Mapped[str | None] = mapped_column(String(255), default=None)
    overall: Mapped[str | None] = mapped_column(String(16), default=None)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_survey_answer_form_at", "form_id", "answered_at"),)


class QueueTicket(Synced, Base):
    """A số thứ tự at the desk: arrival, the moment it was called, and the dossier it led to."""

    __tablename__ = "queue_ticket"
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    arrived_at: Mapped[datetime] = mapped_column(VNDateTime())
    called_at: Mapped[datetime | None] = mapped_column(VNDateTime(), default=None)
    called_by: Mapped[str | None] = mapped_column(String(64), default=None)
    dossier_id: Mapped[str | None] = mapped_column(String(36), default=None)
    dossier_code: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        Index("ix_queue_ticket_day_number", "day", "number"),
        Index("ix_queue_ticket_arrived_at", "arrived_at"),
    )


FEEDBACK_SYNCED_MODELS: tuple[type[Synced], ...] = (SurveyAnswer, QueueTicket)


class DutyDay(Synced, Base):
    """One desk staff member on duty one day: written at their first log-in of the day, correctable by a
    leader (``source`` "manual", ``present`` False for someone who logged in but was not on the desk).
    The denominator of «năng suất tiếp nhận» (dossiers received per staff member on duty)."""

    __tablename__ = "duty_day"
    day: Mapped[date] = mapped_column(Date)
    username: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8), default="login")
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("day", "username", name="uq_duty_day_day_username"),)
