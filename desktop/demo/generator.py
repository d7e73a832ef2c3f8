"""Realistic synthetic dossiers for demos and benchmarks (``generate``).

Uses the same deadline rules as reception and writes with bulk Core inserts (ORM is ~7× slower),
still logging every row in the change log so sync sees demo data like real data.
"""

from __future__ import annotations

import random
import zlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.services.codes import format_code
from desktop.db.audit import append_inserted
from desktop.db.models import (
    Apology, ChangeLog, DailySequence, Dossier, DossierComponent, DossierEvent, Procedure, Supplement,
)
from desktop.errors import UserError
from desktop.rules.lifecycle import Action, Status, advance
from desktop.services.desk import DeskContext, desk_context, get_setting
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
REFUSAL = "Hồ sơ không thuộc thẩm quyền giải quyết"


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


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _office_moment(rng: random.Random, day: datetime) -> datetime:
    minute = rng.choice([rng.randint(7 * 60 + 30, 11 * 60 + 30), rng.randint(13 * 60 + 30, 17 * 60 + 15)])
    return clock.at(day.date(), time(minute // 60, minute % 60))


@dataclass
class _Plan:
    """What every generated dossier draws from: the desk's rules, catalogue, code pattern and counters."""

    ctx: DeskContext
    procedures: list[Procedure]
    weights: list[int]
    rng: random.Random
    now: datetime
    pattern: str
    low: int
    high: int
    counters: dict[date, int]

    @property
    def calendar(self) -> WorkCalendar:
        return self.ctx.rules.calendar


@dataclass
class _Story:
    """One dossier's life, advanced by the same lifecycle rule as the services (``lifecycle.advance``)."""

    received_at: datetime
    counting_start: datetime
    due_at: datetime
    original_due: datetime
    status: Status = Status.RECEIVED
    events: list[tuple[str, datetime, str | None, dict[str, Any]]] = field(default_factory=list)
    supplement: dict[str, Any] | None = None  # the supplement round's row, when there was one
    result: str | None = None
    result_at: datetime | None = None
    returned_at: datetime | None = None
    withdrawn_at: datetime | None = None

    def act(self, action: Action, at: datetime, note: str | None = None, **data: Any) -> None:
        self.status, kind = advance(action, self.status, "demo")
        self.events.append((kind, at, note, data))


def _plan(session: Session, seed: int) -> _Plan:
    ctx = desk_context(session)
    procedures = list(session.scalars(select(Procedure).where(Procedure.active.is_(True), Procedure.deleted.is_(False))))
    if not procedures:
        raise UserError("Danh mục thủ tục trống; nạp danh mục trước khi tạo dữ liệu mẫu.")
    weights = [8 if p.field.name == "Chứng thực" else 5 if p.field.name == "Hộ tịch" else 1 for p in procedures]
    low, high = (int(v) for v in get_setting(session, settings.SEQ_RANGE.key, [1, 9999]))
    return _Plan(ctx=ctx, procedures=procedures, weights=weights, rng=random.Random(seed), now=clock.now(),
                 pattern=get_setting(session, settings.CODE_PATTERN.key, settings.CODE_PATTERN.default), low=low, high=high,
                 counters={row.day: row.next_value for row in session.scalars(select(DailySequence))})


def _reception(plan: _Plan, raw: datetime) -> tuple[datetime, str]:
    """When and how a dossier drawn at ``raw`` arrives: the counter is closed on days off, where only
    some online dossiers arrive."""
    rng, calendar = plan.rng, plan.calendar
    day_moment = raw
    off_day_draw = None if calendar.is_working_day(raw.date()) else rng.random()
    channel = rng.choices(["direct", "postal", "online"], weights=[62, 3, 35])[0]
    if off_day_draw is not None and (off_day_draw < 0.9 or channel != "online"):
        day_moment = clock.at(calendar.next_working_day(raw.date()), time(8))
    received_at = day_moment if channel == "online" else _office_moment(rng, day_moment)
    if received_at > plan.now:
        received_at = plan.now - timedelta(minutes=rng.randint(1, 600))
        if channel != "online":  # the counter was open: the last office moment before now
            received_at = _office_before(calendar, received_at)
    return received_at, channel


def _office_before(calendar: WorkCalendar, moment: datetime) -> datetime:
    """``moment`` if the counter was open then, else the end of the latest office session before it."""
    local = clock.to_vn(moment)
    minutes = local.hour * 60 + local.minute
    day = local.date()
    if calendar.is_working_day(day):
        if 7 * 60 + 30 <= minutes <= 11 * 60 + 30 or 13 * 60 + 30 <= minutes <= 17 * 60:
            return moment
        if minutes > 17 * 60:
            return _at_minute(day, 16 * 60 + minutes % 60)
        if minutes > 11 * 60 + 30:
            return _at_minute(day, 10 * 60 + 30 + minutes % 60)
    previous = day - timedelta(days=1)
    while not calendar.is_working_day(previous):
        previous -= timedelta(days=1)
    return _at_minute(previous, 16 * 60 + minutes % 60)


def _processing(plan: _Plan, story: _Story, rule: Any) -> None:
    """Start, maybe a supplement round, then withdrawal or a result (on time or late) and its return."""
    rng, calendar, now, rules = plan.rng, plan.calendar, plan.now, plan.ctx.rules
    started = _office(calendar, story.received_at + timedelta(minutes=rng.randint(5, 90)))
    if started >= now:
        return
    story.act(Action.START, started)
    cursor = started
    asked = _office(calendar, started + timedelta(hours=rng.randint(1, 30))) if rng.random() < 0.08 else None
    if asked is not None and asked < now:  # a supplement round (one asked for after "now" did not happen yet)
        story.act(Action.REQUEST_SUPPLEMENT, asked, SUPPLEMENT_ITEM)
        story.supplement = {"requested_at": asked, "items": [SUPPLEMENT_ITEM], "reason": SUPPLEMENT_REASON,
                            "requested_by": "demo", "previous_due_at": story.due_at}
        back = _office(calendar, asked + timedelta(days=rng.randint(1, 6)))
        if back >= now:
            return
        story.counting_start = rules.counting_start(back)
        story.due_at = rules.due_at(story.counting_start, rule)
        story.supplement |= {"received_at": back, "new_due_at": story.due_at}
        story.act(Action.RECEIVE_SUPPLEMENT, back, due_at=story.due_at.isoformat())
        cursor = back
    if rng.random() < 0.015:
        withdrawn_at = _office(calendar, cursor + timedelta(hours=rng.randint(1, 48)))
        if withdrawn_at < now:
            story.withdrawn_at = withdrawn_at
            story.act(Action.WITHDRAW, withdrawn_at, "Công dân rút hồ sơ")
        return
    late = rng.random() < 0.06
    span_h = (story.due_at - cursor).total_seconds() / 3600
    offset = span_h * (1 + rng.random() * 0.8) if late else span_h * rng.uniform(0.2, 0.99)
    candidate = _office(calendar, cursor + timedelta(hours=max(offset, 0.1)))
    if candidate >= now:
        return
    story.result_at, story.result = candidate, "approved" if rng.random() > 0.03 else "rejected"
    story.act(Action.RECORD_RESULT, candidate, result=story.result)
    back_home = _office(calendar, candidate + timedelta(hours=rng.randint(1, 72)))
    if back_home < now and rng.random() < 0.9:
        story.returned_at = back_home
        story.act(Action.RETURN_RESULT, back_home)


def _story(plan: _Plan, received_at: datetime, procedure: Procedure) -> _Story:
    rules, rule = plan.ctx.rules, processing_time(procedure)
    counting_start = rules.counting_start(received_at)
    due_at = rules.due_at(counting_start, rule)
    story = _Story(received_at=received_at, counting_start=counting_start, due_at=due_at, original_due=due_at)
    if plan.rng.random() < 0.04:
        story.status = Status.REFUSED
        story.events.append(("refused", received_at, REFUSAL, {}))
    else:
        story.events.append(("received", received_at, None, {"due_at": due_at.isoformat()}))
        _processing(plan, story, rule)
    return story


def _dossier_row(plan: _Plan, story: _Story, procedure: Procedure, code: str, channel: str) -> dict[str, Any]:
    rng, unit, refused = plan.rng, plan.ctx.unit, story.status == Status.REFUSED
    name = person_name(rng)
    id_number = f"0{rng.randint(1, 96):02d}{rng.randint(0, 999999999):09d}"
    return dict(
        id=str(uuid.uuid4()), owner_unit=unit.code, version=1, updated_at=plan.now, deleted=False, code=code,
        procedure_id=procedure.id, procedure_code=procedure.code, procedure_name=procedure.name,
        field_name=procedure.field.name, time_value=procedure.time_value, time_unit=procedure.time_unit,
        same_day_cutoff=procedure.same_day_cutoff, applicant_name=name, applicant_id_number=id_number,
        applicant_phone=f"09{rng.randint(10000000, 99999999)}", applicant_email=None,
        applicant_address=f"{rng.choice(VILLAGES)}, {_place(unit.name)}", organisation=None,
        search_text=fold(f"{code} {name} {id_number}"), sets_count=1, channel=channel, return_by_post=False,
        received_at=story.received_at, counting_start=None if refused else story.counting_start,
        due_at=None if refused else story.due_at, original_due_at=None if refused else story.original_due,
        status=story.status.value, received_by="demo", handler="demo", result=story.result,
        result_reason=REJECT_REASON if story.result == "rejected" else None,
        result_at=story.result_at, returned_at=story.returned_at, withdrawn_at=story.withdrawn_at,
        refusal_reason=REFUSAL if refused else None, fee_amount=None, notes=None, result_digitised=False,
        payment_method=None if refused else _payment(code, channel),
    )


def _payment(code: str, channel: str) -> str | None:
    """Fees paid in a plausible mix, from the code (no draw: the random sequence, and every demo figure
    that follows from it, stays as it was): online dossiers mostly pay online, counter ones in cash."""
    bucket = zlib.crc32(code.encode()) % 10
    if channel == "online":
        return "online" if bucket < 6 else None
    return "cash" if bucket < 4 else "bank_transfer" if bucket < 6 else None


def _next_code(plan: _Plan, day: date) -> str | None:
    """The day's next dossier code, or None when the day's number range is used up."""
    seq = max(plan.counters.get(day, plan.low), plan.low)
    if seq > plan.high:
        return None
    plan.counters[day] = seq + 1
    unit = plan.ctx.unit
    return format_code(plan.pattern, agency_id=unit.agency_id, unit_code=unit.code, day=day, seq=seq)


def generate(session: Session, *, dossiers: int, months: int = 12, seed: int = 1,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Insert ``dossiers`` dossiers received over the last ``months`` months, ending now."""
    if dossiers < 0 or months < 1:
        raise UserError("Số hồ sơ phải ≥ 0 và số tháng ≥ 1.", field="dossiers")
    plan = _plan(session, seed)
    start = plan.now - timedelta(days=30 * months)
    span = (plan.now - start).total_seconds()
    epoch = get_setting(session, settings.EPOCH.key) or ""
    moments = sorted(start + timedelta(seconds=plan.rng.random() * span) for _ in range(dossiers))  # codes follow time
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    total_events = 0
    for index, raw in enumerate(moments):
        received_at, channel = _reception(plan, raw)
        procedure = plan.rng.choices(plan.procedures, weights=plan.weights)[0]
        code = _next_code(plan, received_at.date())
        if code is None:
            continue
        story = _story(plan, received_at, procedure)
        dossier = _dossier_row(plan, story, procedure, code, channel)
        rows["dossier"].append(dossier)
        _children(plan, rows, dossier["id"], procedure, story)
        total_events += len(story.events)
        if len(rows["dossier"]) >= BATCH:
            _flush(session, rows, epoch, plan.now)
            if progress:
                progress(index + 1, dossiers)
    _flush(session, rows, epoch, plan.now)
    _store_counters(session, plan.counters)
    if progress:
        progress(dossiers, dossiers)
    count = session.scalar(select(func.count()).select_from(Dossier)) or 0
    return DemoResult(dossiers=int(count), events=total_events)


def _children(plan: _Plan, rows: dict[str, list[dict[str, Any]]], dossier_id: str, procedure: Procedure,
              story: _Story) -> None:
    base = dict(owner_unit=plan.ctx.unit.code, version=1, updated_at=plan.now, deleted=False, dossier_id=dossier_id)
    for position, comp in enumerate(procedure.components or []):
        rows["dossier_component"].append(dict(base, id=str(uuid.uuid4()), position=position, name=comp, submitted=True,
                                              digitised=plan.rng.random() < 0.6, national_portal=False))
    for kind, at, note, data in story.events:
        rows["dossier_event"].append(dict(base, id=str(uuid.uuid4()), kind=kind, at=at, officer="demo", note=note,
                                          data=data))
    if story.supplement is not None:
        rows["supplement"].append(dict(base, id=str(uuid.uuid4())) | {"received_at": None, "new_due_at": None}
                                  | story.supplement)
    if story.result_at is not None and story.result_at > story.due_at and zlib.crc32(dossier_id.encode()) % 10 < 7:
        apology = _apology(plan, base, story)  # most late dossiers got their letter in time
        rows["apology"].append(apology)
        rows["dossier_event"].append(dict(base, id=str(uuid.uuid4()), kind="apology_issued", at=apology["issued_at"],
                                          officer="demo", note=APOLOGY_REASON,
                                          data={"new_appointment": apology["new_appointment"].isoformat()}))


def _apology(plan: _Plan, base: dict[str, Any], story: _Story) -> dict[str, Any]:
    """The apology and new appointment, issued on the due day before the deadline passed."""
    issued = max(story.counting_start, story.due_at - timedelta(hours=3))
    return dict(base, id=str(uuid.uuid4()), reason=APOLOGY_REASON, issued_at=issued, issued_by="demo",
                new_appointment=clock.to_vn(story.result_at).date() if story.result_at else story.due_at.date(),
                delivered_at=None)


def _store_counters(session: Session, counters: dict[date, int]) -> None:
    for day, value in counters.items():
        row = session.get(DailySequence, day)
        if row is None:
            session.add(DailySequence(day=day, next_value=value))
        else:
            row.next_value = max(row.next_value, value)
    session.flush()


TABLES = {"dossier": Dossier.__table__, "dossier_component": DossierComponent.__table__,
          "dossier_event": DossierEvent.__table__, "supplement": Supplement.__table__, "apology": Apology.__table__}
SUPPLEMENT_ITEM = "Bổ sung bản sao giấy tờ tùy thân"
SUPPLEMENT_REASON = "Bản sao giấy tờ tùy thân đã nộp không rõ nét"
APOLOGY_REASON = "Hồ sơ cần xác minh thêm thông tin với cơ quan liên quan"
REJECT_REASON = "Hồ sơ không đủ điều kiện giải quyết theo quy định"


def _flush(session: Session, rows: dict[str, list[dict[str, Any]]], epoch: str, now: datetime) -> None:
    """The documented bulk path: Core inserts, each row in the change log and the audit trail like a service's."""
    if not rows["dossier"]:
        return
    for name, table in TABLES.items():
        if rows[name]:
            session.execute(table.insert(), rows[name])
    session.execute(ChangeLog.__table__.insert(), [
        dict(epoch=epoch, table_name=name, record_id=row["id"], version=1, op="upsert", at=now, officer="demo")
        for name in TABLES for row in rows[name]])
    for name, table in TABLES.items():
        append_inserted(session, table, [row["id"] for row in rows[name]])  # the demo's rows are audited like any
        rows[name].clear()
