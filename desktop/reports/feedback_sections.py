"""Sections of ``report indicators`` owned by issue #4, each ``(session, start, end) -> dict``.

The reports module plugs ``SECTIONS`` into its registry; windows are inclusive whole days.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop.reports.digitisation import with_rates, counts
from desktop.services import queue, surveys


def digitisation_section(session: Session, start: date, end: date) -> dict[str, Any]:
    return with_rates(counts(session, start, end)[""])


def satisfaction_section(session: Session, start: date, end: date) -> dict[str, Any]:
    return surveys.satisfaction(session, start, end)


def waiting_section(session: Session, start: date, end: date) -> dict[str, Any]:
    return queue.waiting_stats(session, start, end)


SECTIONS = {"digitisation": digitisation_section, "satisfaction": satisfaction_section, "waiting": waiting_section}
