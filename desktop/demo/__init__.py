"""Realistic synthetic dossiers for demos and benchmarks.

Uses the same deadline rules as reception and writes with bulk Core inserts (ORM is ~7× slower),
still logging every row in the change log so sync sees demo data like real data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.services.codes import format_code
from desktop.db.audit import append_inserted
from desktop.db.changelog import EPOCH_KEY
from desktop.db.models import ChangeLog, DailySequence, Dossier, DossierComponent, DossierEvent, Procedure
from desktop.rules.deadlines import classify
from desktop.errors import UserError
from desktop.rules.lifecycle import Status
from desktop.services.desk import CODE_PATTERN_KEY, DEFAULT_CODE_PATTERN, SEQ_RANGE_KEY, desk_context, get_setting
from desktop.services.dossiers import processing_time
from desktop.rules.text import fold
from desktop.rules.workcalendar import WorkCalendar

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Xuân", "Thu", "Hồng", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
         "Tuấn", "Vy", "Yến", "Ánh", "Đông", "Thủy"]
VILLAGES = ["Thôn Đông", "Thôn Tây", "Thôn Thượng", "Thôn Hạ", "Xóm Mới", "Ấp Bình An", "Bản Nà Lừa", "Tổ dân phố 3"]
BATCH = 5000


@dataclass(frozen=True)
class DemoResult:
    dossiers: int
    events: int


def _place(unit_name: str) -> str:
    """"UBND xã Tân Lập" -> "xã Tân Lập": an address names the place, not the People's Committee."""
    return unit_name[5:] if unit_name.upper().startswith("UBND ") else unit_name


def _office(calendar: WorkCalendar, moment: datetime) -> datetime:
    """Officers act in office hours on working days: a moment outside them moves to the next office slot,
    spread over that morning or afternoon by its own minute (no draw, so the random sequence is kept)."""
    local = clock.to_vn(moment)
    minutes = local.hour * 60 + local.minute
    morning, afternoon = 7 * 60 + 30, 13 * 60 + 30
    if calendar.is_working_day(local.date()):
        if morning <= minutes <= 11 * 60 + 30 or afternoon <= minutes <= 17 * 60:
            return moment
        if minutes < morning:
            return _at_minute(local.date(), morning + minutes * 7 % 240)
        if minutes < afternoon:
            return _at_minute(local.date(), afternoon + minutes * 7 % 210)
    return _at_minute(calendar.next_working_day(local.date()), morning + minutes * 7 % 240)


def _at_minute(day: date, minute_of_day: int) -> datetime:
    return clock.at(day, time(minute_of_day // 60, minute_of_day % 60))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _office_moment(rng: random.Random, day: datetime) -> datetime:
    minute = rng.choice([rng.randint(7 * 60 + 30, 11 * 60 + 30), rng.randint(13 * 60 + 30, 17 * 60 + 15)])
    return clock.at(day.date(), time(minute // 60, minute % 60))


def generate(session: Session, *, dossiers: int, months: int = 12, seed: int = 1,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Insert ``dossiers`` dossiers received over the last ``months`` months, ending now."""
    if dossiers < 0 or months < 1:
        raise UserError("Số hồ sơ phải ≥ 0 và số tháng ≥ 1.", field="dossiers")
    ctx = desk_context(session)
    procedures = list(session.scalars(select(Procedure).where(Procedure.active.is_(True), Procedure.deleted.is_(False))))
    if not procedures:
        raise UserError("Danh mục thủ tục trống; nạp danh mục trước khi tạo dữ liệu mẫu.")
    rng = random.Random(seed)
    weights = [8 if p.field.name == "Chứng thực" else 5 if p.field.name == "Hộ tịch" else 1 for p in procedures]
    now = clock.now()
    start = now - timedelta(days=30 * months)
    span = (now - start).total_seconds()
    epoch = get_setting(session, EPOCH_KEY) or ""
    pattern = get_setting(session, CODE_PATTERN_KEY, DEFAULT_CODE_PATTERN)
    low, high = (int(v) for v in get_setting(session, SEQ_RANGE_KEY, [1, 9999]))
    counters = {row.day: row.next_value for row in session.scalars(select(DailySequence))}
    calendar = ctx.rules.calendar
    unit = ctx.unit

    # received moments, sorted so codes follow time
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(dossiers))
    dossier_rows: list[dict] = []
    component_rows: list[dict] = []
    event_rows: list[dict] = []
    total_events = 0
    for index, raw in enumerate(moments):
        day_moment = raw
        off_day_draw = None if calendar.is_working_day(raw.date()) else rng.random()
        channel = rng.choices(["direct", "postal", "online"], weights=[62, 3, 35])[0]
        # the counter is closed on days off: only some online dossiers arrive then
        if off_day_draw is not None and (off_day_draw < 0.9 or channel != "online"):
            day_moment = clock.at(calendar.next_working_day(raw.date()), time(8))
        received_at = day_moment if channel == "online" else _office_moment(rng, day_moment)
        if received_at > now:
            received_at = now - timedelta(minutes=rng.randint(1, 600))
        procedure = rng.choices(procedures, weights=weights)[0]
        day = received_at.date()
        seq = max(counters.get(day, low), low)
        if seq > high:
            continue
        counters[day] = seq + 1
        code = format_code(pattern, agency_id=unit.agency_id, unit_code=unit.code, day=day, seq=seq)
        rule = processing_time(procedure)
        counting_start = ctx.rules.counting_start(received_at)
        due_at = ctx.rules.due_at(counting_start, rule)
        dossier_id = str(uuid.uuid4())
        events = [("received", received_at, None)]
        status = Status.RECEIVED
        result_at = returned_at = withdrawn_at = None
        result = None
        original_due = due_at
        roll = rng.random()
        if roll < 0.04:
            status = Status.REFUSED
            events = [("refused", received_at, "Hồ sơ không thuộc thẩm quyền giải quyết")]
        else:
            started = _office(calendar, received_at + timedelta(minutes=rng.randint(5, 90)))
            if started < now:
                status = Status.IN_PROGRESS
                events.append(("started", started, None))
                cursor = started
                if rng.random() < 0.08:  # supplement
                    asked = _office(calendar, started + timedelta(hours=rng.randint(1, 30)))
                    if asked < now:
                        events.append(("supplement_requested", asked, "Bổ sung bản sao giấy tờ tùy thân"))
                        status = Status.AWAITING_SUPPLEMENT
                        back = _office(calendar, asked + timedelta(days=rng.randint(1, 6)))
                        if back < now:
                            counting_start = ctx.rules.counting_start(back)
                            due_at = ctx.rules.due_at(counting_start, rule)
                            events.append(("supplement_received", back, None))
                            status = Status.IN_PROGRESS
                            cursor = back
                if status == Status.IN_PROGRESS:
                    if rng.random() < 0.015:
                        withdrawn_at = _office(calendar, cursor + timedelta(hours=rng.randint(1, 48)))
                        if withdrawn_at < now:
                            status = Status.WITHDRAWN
                            events.append(("withdrawn", withdrawn_at, "Công dân rút hồ sơ"))
                        else:
                            withdrawn_at = None
                    else:
                        late = rng.random() < 0.06
                        span_h = (due_at - cursor).total_seconds() / 3600
                        offset = span_h * (1 + rng.random() * 0.8) if late else span_h * rng.uniform(0.2, 0.99)
                        candidate = _office(calendar, cursor + timedelta(hours=max(offset, 0.1)))
                        if candidate < now:
                            result_at = candidate
                            result = "approved" if rng.random() > 0.03 else "rejected"
                            status = Status.RESOLVED
                            events.append(("resolved", result_at, None))
                            back_home = _office(calendar, result_at + timedelta(hours=rng.randint(1, 72)))
                            if back_home < now and rng.random() < 0.9:
                                returned_at = back_home
                                status = Status.RETURNED
                                events.append(("returned", returned_at, None))
        name = _name(rng)
        id_number = f"0{rng.randint(1, 96):02d}{rng.randint(0, 999999999):09d}"
        dossier_rows.append(dict(
            id=dossier_id, owner_unit=unit.code, version=1, updated_at=now, deleted=False, code=code,
            procedure_id=procedure.id, procedure_code=procedure.code, procedure_name=procedure.name,
            field_name=procedure.field.name, time_value=procedure.time_value, time_unit=procedure.time_unit,
            same_day_cutoff=procedure.same_day_cutoff, applicant_name=name, applicant_id_number=id_number,
            applicant_phone=f"09{rng.randint(10000000, 99999999)}", applicant_email=None,
            applicant_address=f"{rng.choice(VILLAGES)}, {_place(unit.name)}", organisation=None,
            search_text=fold(f"{code} {name} {id_number}"), sets_count=1, channel=channel, return_by_post=False,
            received_at=received_at, counting_start=None if status == Status.REFUSED else counting_start,
            due_at=None if status == Status.REFUSED else due_at,
            original_due_at=None if status == Status.REFUSED else original_due, status=status.value,
            received_by="demo", handler="demo", result=result, result_reason=None, result_at=result_at,
            returned_at=returned_at, withdrawn_at=withdrawn_at,
            refusal_reason="Hồ sơ không thuộc thẩm quyền giải quyết" if status == Status.REFUSED else None,
            fee_amount=None, notes=None, result_digitised=False,
        ))
        for position, comp in enumerate(procedure.components or []):
            component_rows.append(dict(id=str(uuid.uuid4()), owner_unit=unit.code, version=1, updated_at=now,
                                       deleted=False, dossier_id=dossier_id, position=position, name=comp,
                                       submitted=True, digitised=rng.random() < 0.6, national_portal=False))
        for kind, at, note in events:
            event_rows.append(dict(id=str(uuid.uuid4()), owner_unit=unit.code, version=1, updated_at=now, deleted=False,
                                   dossier_id=dossier_id, kind=kind, at=at, officer="demo", note=note, data={}))
        total_events += len(events)
        # classification sanity: a late dossier the demo made must classify late
        _ = classify(result_at, due_at)
        if len(dossier_rows) >= BATCH:
            _flush(session, dossier_rows, component_rows, event_rows, epoch, now)
            if progress:
                progress(index + 1, dossiers)
    _flush(session, dossier_rows, component_rows, event_rows, epoch, now)
    for day, value in counters.items():
        row = session.get(DailySequence, day)
        if row is None:
            session.add(DailySequence(day=day, next_value=value))
        else:
            row.next_value = max(row.next_value, value)
    session.flush()
    if progress:
        progress(dossiers, dossiers)
    count = session.scalar(select(func.count()).select_from(Dossier)) or 0
    return DemoResult(dossiers=int(count), events=total_events)


def _flush(session: Session, dossier_rows: list[dict], component_rows: list[dict], event_rows: list[dict],
           epoch: str, now: datetime) -> None:
    if not dossier_rows:
        return
    session.execute(Dossier.__table__.insert(), dossier_rows)
    if component_rows:
        session.execute(DossierComponent.__table__.insert(), component_rows)
    session.execute(DossierEvent.__table__.insert(), event_rows)
    log_rows = [dict(epoch=epoch, table_name=table, record_id=row["id"], version=1, op="upsert", at=now, officer="demo")
                for table, rows in (("dossier", dossier_rows), ("dossier_component", component_rows),
                                    ("dossier_event", event_rows)) for row in rows]
    session.execute(ChangeLog.__table__.insert(), log_rows)
    for table, rows in ((Dossier.__table__, dossier_rows), (DossierComponent.__table__, component_rows),
                        (DossierEvent.__table__, event_rows)):
        append_inserted(session, table, [row["id"] for row in rows])  # the demo's rows are audited like any
    dossier_rows.clear()
    component_rows.clear()
    event_rows.clear()


DEMO_UNIT = {"unit_code": "10375", "unit_name": "UBND xã Tân Lập", "agency_id": "000.00.23.H49"}


def ensure_demo_database(db_path: object, *, dossiers: int = 3000) -> bool:
    """Quick start: a fresh database gets a demo unit, the starter catalogue and demo dossiers."""
    from desktop.db.session import open_database
    from desktop.services import catalog, desk

    db = open_database(str(db_path))
    try:
        with db.transaction(officer="demo") as session:
            if desk.is_initialised(session):
                return False
            desk.initialise_desk(session, **DEMO_UNIT)
            catalog.import_starter(session)
            session.flush()
            generate(session, dossiers=dossiers, months=14, seed=7)
            for hook in DEMO_HOOKS:
                hook(session)
        return True
    finally:
        db.dispose()


# (username, full name, password, role): printed on the log-in dialog of a demo database.
DEMO_OFFICERS = (
    ("admin", "Quản trị hệ thống", "admin123", "admin"),
    ("canbo", "Nguyễn Thị Lan", "canbo123", "officer"),
    ("lanhdao", "Trần Văn Hùng", "lanhdao123", "leader"),
)
DEMO_FLAG_KEY = "demo_database"


def _demo_officers(session: Session) -> None:
    from desktop.services import officers
    from desktop.services.desk import put_setting

    for username, full_name, password, role in DEMO_OFFICERS:
        officers.create_officer(session, username=username, full_name=full_name, password=password, role=role)
    put_setting(session, DEMO_FLAG_KEY, True)


def demo_login_hint(session: Session) -> str | None:
    """The demo accounts, for the log-in dialog, when this database was made by the demo (else None)."""
    from desktop.services.desk import get_setting
    from desktop.services.permissions import ROLE_LABELS

    if not get_setting(session, DEMO_FLAG_KEY):
        return None
    accounts = ", ".join(f"{username} / {password} ({ROLE_LABELS[role].lower()})"
                         for username, _name, password, role in DEMO_OFFICERS)
    return f"Dữ liệu mẫu — tài khoản dùng thử: {accounts}."


# Later features (surveys, queue…) append their demo rows here.
DEMO_HOOKS: list[Callable[[Session], None]] = [_demo_officers]


def _feedback_demo(session: Session) -> None:
    from desktop.demo.feedback import add_demo_rows  # issue #4: surveys, queue tickets, digitised results

    add_demo_rows(session)


DEMO_HOOKS.append(_feedback_demo)
