"""Display that needs Qt's translator (weekday names); every other format is in ``desktop/formatting.py``."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop.texts import WEEKDAY_LABELS
from desktop.platform import clock


def _t(text: str) -> str:
    return QCoreApplication.translate("Formatting", text)


WEEKDAYS = tuple(_t(label) for label in WEEKDAY_LABELS)


def appointment_text(value: datetime) -> str:
    """«10:00, Thứ Sáu 27/11/2026»: the weekday helps the citizen remember."""
    moment = clock.to_vn(value)
    return f"{moment:%H:%M}, {WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"
