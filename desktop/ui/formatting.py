"""Display that needs Qt's translator (weekday names); every other format is in ``desktop/formatting.py``."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop.platform import clock


def _t(text: str) -> str:
    return QCoreApplication.translate("Formatting", text)


WEEKDAYS = (_t("Thứ Hai"), _t("Thứ Ba"), _t("Thứ Tư"), _t("Thứ Năm"), _t("Thứ Sáu"), _t("Thứ Bảy"), _t("Chủ nhật"))


def appointment_text(value: datetime) -> str:
    """«10:00, Thứ Sáu 27/11/2026»: the weekday helps the citizen remember."""
    moment = clock.to_vn(value)
    return f"{moment:%H:%M}, {WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"
