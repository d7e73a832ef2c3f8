"""Vietnamese display of dates and moments (display only; no rules here)."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from desktop.platform import clock


def _t(text: str) -> str:
    return QCoreApplication.translate("Formatting", text)


WEEKDAYS = (_t("Thứ Hai"), _t("Thứ Ba"), _t("Thứ Tư"), _t("Thứ Năm"), _t("Thứ Sáu"), _t("Thứ Bảy"), _t("Chủ nhật"))


def day_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def moment_text(value: datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return clock.to_vn(value).strftime("%H:%M %d/%m/%Y")


def appointment_text(value: datetime) -> str:
    """«10:00, Thứ Sáu 27/11/2026»: the weekday helps the citizen remember."""
    moment = clock.to_vn(value)
    return f"{moment:%H:%M}, {WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"
