"""Dossier codes: the national form ``<agency id>-<yyMMdd>-<4-digit daily sequence>`` by default.

Each desk draws its daily numbers from its own range so two offline PCs of one commune never collide.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db.models import DailySequence, Dossier
from desktop.errors import UserError


def format_code(pattern: str, *, agency_id: str, unit_code: str, day: date, seq: int) -> str:
    try:
        return pattern.format(
            agency_id=agency_id, unit_code=unit_code, yymmdd=day.strftime("%y%m%d"),
            yyyymmdd=day.strftime("%Y%m%d"), seq=seq,
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"Mẫu mã hồ sơ '{pattern}' không hợp lệ: {exc}", field="code_pattern") from None


def next_code(
    session: Session, *, pattern: str, agency_id: str, unit_code: str, day: date, seq_range: tuple[int, int]
) -> str:
    """Take the next free number of ``day`` from this desk's range; skip numbers already used."""
    low, high = seq_range
    counter = session.get(DailySequence, day)
    value = max(counter.next_value if counter else low, low)
    while value <= high:
        code = format_code(pattern, agency_id=agency_id, unit_code=unit_code, day=day, seq=value)
        if session.scalar(select(Dossier.id).where(Dossier.code == code)) is None:
            if counter is None:
                session.add(DailySequence(day=day, next_value=value + 1))
            else:
                counter.next_value = value + 1
            return code
        value += 1
    raise UserError(
        f"Đã dùng hết dải số thứ tự hồ sơ của máy này trong ngày {day:%d/%m/%Y} ({low:04d}–{high:04d}). "
        "Liên hệ quản trị để mở rộng dải số (Cài đặt › Dải số thứ tự).",
        code="seq_exhausted",
    )
