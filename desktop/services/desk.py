"""This desk's identity and rules context: its unit, sequence range, office hours and calendar."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.db.models import CalendarOverride, Setting, Unit
from desktop.errors import UserError
from desktop.rules.deadlines import DeadlineRules, OfficeHours
from desktop.rules.text import ascii_digits
from desktop.rules.unit_levels import level_codes
from desktop.rules.workcalendar import Override, WorkCalendar
from desktop.texts import LABELS

# The province package's days (its whole list; the next package replaces it): the "province" layer.
# Per-weekday office hours (e.g. a Saturday morning of reception): the desk's own, else the province's.


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def read_settings(session: Session, *wanted: settings.Setting) -> dict[str, Any]:
    """Several settings in one query, by key; a missing one is its declared default."""
    found = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_([w.key for w in wanted]))).all())
    return {w.key: w.default if found.get(w.key) is None else found[w.key] for w in wanted}


def put_setting(session: Session, key: str, value: Any) -> None:
    Setting.put(session, key, value)
    session.info.pop("_settings_cache", None)


def valid_setting(session: Session, setting: settings.Setting) -> Any:
    """The stored value if it would pass the Cài đặt page's own check, else the declared default (a value
    written by hand or by an older version never reaches the window as something it cannot use)."""
    try:
        return settings.check(setting, get_setting(session, setting.key, setting.default))
    except UserError:
        return setting.default


def idle_lock_minutes(session: Session) -> int:
    """Minutes of inactivity before the window locks (0 = never)."""
    return int(valid_setting(session, settings.IDLE_LOCK_MINUTES))


def receipt_paper(session: Session) -> str:
    """A4 unless the desk chose A5 (a small receipt printer)."""
    return str(valid_setting(session, settings.RECEIPT_PAPER))


def holds_nothing(session: Session) -> bool:
    """A database just created: no unit, no officer, no dossier (the first-run «Hủy» may delete it)."""
    from sqlalchemy import func

    from desktop.db.models import Dossier, Officer

    return not any(session.scalar(select(func.count()).select_from(model)) for model in (Unit, Officer, Dossier))


def save_settings(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Cài đặt › Chung's settings, checked against their declarations and stored together; administrators
    only. One bad value stores none of them (the caller's transaction rolls back)."""
    from desktop.services.permissions import Permission, require

    require(session, Permission.MANAGE_SETTINGS)
    declared = settings.declared()
    stored = {}
    for key, raw in values.items():
        if key not in declared:
            raise UserError(f"Không có cài đặt '{key}'.", field=key)
        stored[key] = settings.check(declared[key], raw)
    for key, value in stored.items():
        put_setting(session, key, value)
    return stored


def parse_seq_range(text: str) -> tuple[int, int]:
    try:
        low_s, high_s = text.replace(" ", "").split("-")
        low, high = int(low_s), int(high_s)
    except ValueError:
        raise UserError(
            f"Dải số thứ tự '{text}' không hợp lệ; nhập dạng 1-9999 hoặc 5000-9999.", field="seq_range"
        ) from None
    if not (1 <= low <= high <= 9999):
        raise UserError("Dải số thứ tự phải nằm trong 1–9999 và số đầu không lớn hơn số cuối.", field="seq_range")
    return low, high


def initialise_desk(
    session: Session,
    *,
    unit_code: str,
    unit_name: str,
    agency_id: str | None = None,
    level: str = "xa",
    seq_range: tuple[int, int] = (1, 9999),
    parent_code: str | None = None,
) -> Unit:
    """Create (or update) this desk's unit and local settings. Safe to run again."""
    from desktop.services.permissions import Permission, require

    require(session, Permission.MANAGE_SETTINGS)
    unit_code = (unit_code or "").strip()
    unit_name = (unit_name or "").strip()
    if not ascii_digits(unit_code) or len(unit_code) not in (2, 3, 5):
        raise UserError(
            "Mã đơn vị phải là mã số hành chính (2 chữ số cấp tỉnh, 3 chữ số cấp huyện cũ, 5 chữ số cấp xã).",
            field="unit_code",
        )
    if not unit_name:
        raise UserError("Tên đơn vị không được để trống.", field="unit_name")
    if level not in level_codes():
        raise UserError(f"Cấp đơn vị phải là một trong: {', '.join(level_codes())}.", field="level")
    put_setting(session, settings.UNIT_CODE.key, unit_code)
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        unit = Unit(code=unit_code, agency_id=agency_id or unit_code, name=unit_name, level=level)
        session.add(unit)
    else:
        unit.name = unit_name
        unit.level = level
        if agency_id:
            unit.agency_id = agency_id
    unit.parent_code = parent_code or unit.parent_code
    put_setting(session, settings.SEQ_RANGE.key, list(seq_range))
    if get_setting(session, settings.CODE_PATTERN.key) is None:
        put_setting(session, settings.CODE_PATTERN.key, settings.CODE_PATTERN.default)
    if get_setting(session, settings.DEVICE_ID.key) is None:
        put_setting(session, settings.DEVICE_ID.key, str(uuid.uuid4()))
    if get_setting(session, settings.EPOCH.key) is None:
        put_setting(session, settings.EPOCH.key, str(uuid.uuid4()))
    session.flush()
    return unit


def local_unit(session: Session) -> Unit:
    code = get_setting(session, settings.UNIT_CODE.key)
    unit = session.scalar(select(Unit).where(Unit.code == code)) if code else None
    if unit is None:
        raise UserError(
            "Máy này chưa được khởi tạo đơn vị. Chạy 'python -m desktop init --unit-code … --unit-name …' "
            "hoặc hoàn tất trình hướng dẫn cài đặt."
        , code="not_initialised")
    return unit


def is_initialised(session: Session) -> bool:
    return get_setting(session, settings.UNIT_CODE.key) is not None


def office_hours(unit: Unit, session: Session | None = None) -> OfficeHours:
    """The unit's hours, with per-weekday sessions from the desk's setting, else the province package's."""
    hours = OfficeHours.from_strings(
        unit.morning_start, unit.morning_end, unit.afternoon_start, unit.afternoon_end, unit.reception_cutoff
    )
    week = None
    if session is not None:
        week = get_setting(session, settings.OFFICE_HOURS.key) or get_setting(session, settings.PROVINCE_OFFICE_HOURS.key)
    if not week:
        return hours
    try:
        return hours.with_week(week)
    except (ValueError, AttributeError, TypeError):  # a stored value was checked on save; never crash a count
        return hours


def weekly_hours_from(raw: Any, where: str) -> dict[str, str]:
    """Validate {"mon": "07:30-11:30, 13:30-17:00", …}; a clear Vietnamese error naming the field."""
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise UserError(f"{where}: cần dạng {{\"mon\": \"07:30-11:30, 13:30-17:00\", …, \"sat\": \"07:30-11:30\"}}.",
                        field="office_hours")
    try:
        hours = OfficeHours().with_week(raw)
    except ValueError as exc:
        raise UserError(f"{where}: {exc}.", field="office_hours") from None
    if not any(hours.receiving(i) for i in range(5)):
        raise UserError(f"{where}: phải có giờ làm việc từ thứ Hai đến thứ Sáu.", field="office_hours")
    return {k: raw[k] for k in raw}


def set_office_hours(session: Session, week: dict[str, str] | None) -> None:
    """The desk's own weekly hours (``None`` = back to the province's or the unit's)."""
    from desktop.services.permissions import Permission, require

    require(session, Permission.MANAGE_SETTINGS)
    put_setting(session, settings.OFFICE_HOURS.key, weekly_hours_from(week, LABELS["office_hours"])
                if week else None)


def load_calendar(session: Session) -> WorkCalendar:
    rows = session.scalars(select(CalendarOverride).where(CalendarOverride.deleted.is_(False)))
    province = [Override(date.fromisoformat(d["date"]), bool(d.get("working", False)), str(d.get("reason") or ""),
                         "province", str(d.get("legal_basis") or ""))
                for d in get_setting(session, settings.PROVINCE_CALENDAR.key, None) or []]
    local = [Override(r.day, r.working, r.reason, "local", r.legal_basis or "") for r in rows]
    return WorkCalendar.with_overrides([*province, *local])  # the desk's own day wins over the province's


@dataclass(frozen=True)
class DeskContext:
    unit: Unit
    rules: DeadlineRules


def desk_context(session: Session) -> DeskContext:
    unit = local_unit(session)
    return DeskContext(unit=unit, rules=DeadlineRules(load_calendar(session), office_hours(unit, session)))
