"""Import a commune's existing ledger (sổ theo dõi hồ sơ) as dossiers: plan (preview), then apply.

A documented bulk path beside :mod:`desktop.services.dossiers` (which only knows "now"): it shares
their rules — the same permission check, applicant validation, code generator (for rows without a
code), deadline rules (for rows without an appointment), statuses and timeline events — so every
report, indicator and the sync see an imported dossier exactly like one received at the counter:
``received`` at the ledger's reception date with its due date, ``started`` at the transfer date,
``resolved`` at the result date, ``returned`` / ``withdrawn`` likewise. Its original code and dates
are kept; a synced ``dossier_import`` row says which file and row it came from.

Nothing is written by :func:`plan_import`; :func:`apply_import` writes in the caller's transaction,
re-planning inside it so a file planned earlier can never add a dossier twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.platform import clock

from desktop.rules import validation
from desktop.db.models import Dossier
from desktop.errors import UserError
from desktop.history import dates
from desktop.history.export_all import SUPPLEMENT_SHEET
from desktop.history.columns import (
    DATE_FIELDS,
    block_texts,
    FIELD_LABELS,
    IGNORED,
    ColumnMap,
    Mapping,
    detect,
    is_column_number_row,
    map_headers,
)
from desktop.history.matching import Match, ProcedureMatcher
from desktop.history.ledger_write import read_supplements, write_row
from desktop.history.plan import FuzzyMatch, ImportPlan, Options, PlannedRow, _Refused
from desktop.history.reader import read_rows
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.services.desk import DeskContext, desk_context
from desktop.services.reception import Applicant, deadline, validated_applicant
from desktop.services.permissions import Permission, require
from desktop.rules.text import ascii_digits, fold, nfc
from desktop.texts import LABELS

Progress = Callable[[int, int], None]
FLUSH_EVERY = 500
_PHONE = re.compile(r"(?:\+84|0)[\d .]{8,13}\d")
_CHANNELS = {"truc tuyen": "online", "online": "online", "buu chinh": "postal", "postal": "postal",
             "truc tiep": "direct", "direct": "direct"}
_STATUS_WORDS = {fold(label): status for status, label in STATUS_LABELS.items()}
_STATUS_WORDS.update({s.value: s.value for s in Status})


def plan_import(session: Session, path: str | Path, options: Options | None = None, *,
                ctx: DeskContext | None = None) -> ImportPlan:
    """Read, recognise, match and check every row; write nothing."""
    require(session, Permission.MANAGE_SETTINGS)
    options = options or Options()
    ctx = ctx or desk_context(session)
    sheet, rows = read_rows(path, options.sheet)
    columns = _columns(rows, options.mapping)
    for key in ("applicant", "received"):
        if columns.index_of(key) is None:
            raise UserError(f"Không xác định được cột «{FIELD_LABELS[key]}» trong trang tính '{sheet}'; "
                            "hãy sửa ánh xạ cột.", field="mapping")
    if columns.index_of("procedure") is None and columns.index_of("procedure_code") is None:
        raise UserError(f"Không xác định được cột «{FIELD_LABELS['procedure']}» hay «{FIELD_LABELS['procedure_code']}»"
                        f" trong trang tính '{sheet}'; hãy sửa ánh xạ cột.", field="mapping")
    plan = ImportPlan(source_file=Path(path).name, sheet=sheet, columns=columns)
    if sheet != SUPPLEMENT_SHEET:
        plan.supplements = read_supplements(path)
    matcher = ProcedureMatcher(session, options.mapping.procedures)
    existing_codes, existing_keys = _existing(session)
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple[str, str, Any], int] = {}
    now = clock.now()
    for index in range(columns.header_rows[1], len(rows)):
        values = rows[index]
        number = index + 1
        cells = {key: _get(values, col) for col, key in columns.columns.items() if key != IGNORED}
        if _skip(values, cells):
            continue
        try:
            planned = _plan_row(number, cells, matcher, options, plan, ctx, now)
        except _Refused as exc:
            plan.refused.append((number, str(exc)))
            continue
        if planned.code:
            folded = planned.code.casefold()
            if folded in existing_codes:
                plan.duplicates.append((number, f"Mã hồ sơ {planned.code} đã có trong phần mềm."))
                continue
            if folded in seen_codes:
                plan.duplicates.append((number, f"Trùng mã hồ sơ {planned.code} với dòng {seen_codes[folded]}."))
                continue
            seen_codes[folded] = number
        else:
            key = (planned.procedure.code, fold(planned.applicant.name), planned.received_at.date())
            if key in existing_keys:
                plan.duplicates.append((number, "Hồ sơ cùng thủ tục, người nộp và ngày nhận đã có trong phần mềm."))
                continue
            if key in seen_keys:
                plan.duplicates.append((number, f"Trùng thủ tục, người nộp và ngày nhận với dòng {seen_keys[key]}."))
                continue
            seen_keys[key] = number
        plan.rows.append(planned)
    return plan


def apply_import(session: Session, path: str | Path, options: Options | None = None, *,
                 progress: Progress | None = None) -> ImportPlan:
    """Plan again inside the caller's transaction, then write every planned row (all or nothing)."""
    ctx = desk_context(session)
    plan = plan_import(session, path, options, ctx=ctx)
    officer = session.info.get("officer")
    moment = clock.now()
    total = len(plan.rows)
    for done, row in enumerate(plan.rows, start=1):
        write_row(session, ctx, plan, row, officer, moment)
        if done % FLUSH_EVERY == 0:
            session.flush()
            session.expunge_all()
            if progress:
                progress(done, total)
    session.flush()
    if progress:
        progress(total, total)
    plan.imported = total
    plan.written = True
    return plan


# -- planning helpers ------------------------------------------------------------------------------
def _columns(rows: Sequence[Sequence[Any]], mapping: Mapping) -> ColumnMap:
    if mapping.header_rows:
        first, last = mapping.header_rows
        texts = block_texts(rows, first - 1, last - first + 1)
        detected = ColumnMap(header_rows=(first, last), columns=map_headers(texts), headers=texts)
    else:
        try:
            detected = detect(rows)
        except UserError:
            if not mapping.columns:
                raise
            detected = ColumnMap(header_rows=(0, 0))
    if mapping.columns:
        columns = {col: key for col, key in detected.columns.items() if key not in mapping.columns.values()}
        for col, key in mapping.columns.items():
            columns.pop(col, None)
            columns[col] = key
        detected.columns = dict(sorted(columns.items()))
    return detected


def _existing(session: Session) -> tuple[set[str], set[tuple[str, str, Any]]]:
    codes: set[str] = set()
    keys: set[tuple[str, str, Any]] = set()
    query = select(Dossier.code, Dossier.procedure_code, Dossier.applicant_name, Dossier.received_at).where(
        Dossier.deleted.is_(False))
    for code, procedure_code, name, received in session.execute(query):
        codes.add(code.casefold())
        keys.add((procedure_code, fold(name), clock.to_vn(received).date()))
    return codes, keys


def _get(values: Sequence[Any], col: int) -> Any:
    value = values[col] if col < len(values) else None
    if isinstance(value, str):
        value = value.strip() or None
    return value


def _skip(values: Sequence[Any], cells: dict[str, Any]) -> bool:
    """Blank lines, the "(1) (2) (3)" line, repeated headers, rows holding only a serial number."""
    if not any(v not in (None, "") for v in values) or is_column_number_row(values):
        return True
    meaningful = {k: v for k, v in cells.items() if v is not None and k not in ("stt", "signature")}
    if not meaningful:
        return True
    texts = {i: str(v) for i, v in enumerate(values) if isinstance(v, str)}
    return len(map_headers(texts)) >= 4  # a header repeated on every printed page


def _text(cells: dict[str, Any], key: str) -> str | None:
    value = cells.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = f"{value:%d/%m/%Y}"
    return nfc(str(value))


def _date(cells: dict[str, Any], key: str, default: time) -> datetime | None:
    try:
        return dates.parse(cells.get(key), default)
    except dates.BadDate as exc:
        raise _Refused(f"Cột «{FIELD_LABELS[key]}»: {exc}.") from None


def _plan_row(number: int, cells: dict[str, Any], matcher: ProcedureMatcher, options: Options, plan: ImportPlan,
              ctx: DeskContext, now: datetime) -> PlannedRow:
    name_text = _text(cells, "procedure")
    match: Match = matcher.match(_text(cells, "procedure_code"), name_text)
    if match.procedure is None:
        shown = name_text or _text(cells, "procedure_code") or ""
        raise _Refused(f"Không tìm thấy thủ tục «{shown}» trong danh mục (theo mã hoặc tên)." if shown
                       else "Thiếu tên thủ tục hành chính.")
    if match.how == "fuzzy":
        folded = fold(name_text)
        accepted = options.accept_fuzzy or folded in options.confirmed_names
        entry = plan.fuzzy.setdefault(folded, FuzzyMatch(name_text or "", match.procedure.code, match.procedure.name,
                                                         match.score, [], accepted))
        entry.rows.append(number)
        if not accepted:
            raise _Refused(f"Tên thủ tục «{name_text}» chỉ gần giống «{match.procedure.name}» "
                           f"(mã {match.procedure.code}); cần xác nhận trước khi nhập.")
    opening = _hhmm(ctx.unit.morning_start, time(7, 30))
    closing = _hhmm(ctx.unit.afternoon_end, time(17, 0))
    moments = {key: _date(cells, key, opening if key in ("received", "transferred") else closing)
               for key in DATE_FIELDS}
    received = moments["received"]
    if received is None:
        raise _Refused("Thiếu «Ngày nhận».")
    try:
        applicant = _applicant(cells)
    except UserError as exc:
        raise _Refused(exc.message) from None
    for key, moment in moments.items():
        if moment is None:
            continue
        try:
            if key == "due":  # an appointment may lie in the future, but not past what the sync carries
                validation.appointment(moment, field=key)
            else:
                validation.moment(moment, field=key)
        except UserError as exc:
            raise _Refused(f"Cột «{FIELD_LABELS[key]}»: {exc.message}") from None
        if key != "received" and moment < received and not (key == "due" and moment.date() >= received.date()):
            raise _Refused(f"«{FIELD_LABELS[key]}» ({moment:%d/%m/%Y}) sớm hơn «Ngày nhận» ({received:%d/%m/%Y}).")
    result, returned = moments["result"], moments["returned"]
    if returned is not None and result is None:
        result = returned  # a ledger that records only the hand-over: the result existed by then
    if result is not None and returned is not None and returned < result:
        if returned.date() < result.date():
            raise _Refused(f"«Ngày trả» ({returned:%d/%m/%Y}) sớm hơn «Ngày có kết quả» ({result:%d/%m/%Y}).")
        returned = result
    code = _text(cells, "code")
    if code is not None:
        try:
            code = validation.required_text(code, LABELS["dossier_code"], "code", max_len=64)
        except UserError as exc:
            raise _Refused(exc.message) from None
    status_word = _STATUS_WORDS.get(fold(_text(cells, "status")) or "", "")
    status, withdrawn = _status(status_word, moments, result, returned)
    due = moments["due"]
    if due is None and status != Status.REFUSED:
        due = deadline(ctx, match.procedure, received)[1]  # the rule the desk would have applied
    channel_text = fold(_text(cells, "channel"))
    channel = next((v for k, v in _CHANNELS.items() if k in channel_text), "direct") if channel_text else "direct"
    sets = _text(cells, "sets")
    try:
        sets_count = validation.sets_count(int(sets)) if sets and ascii_digits(sets) else 1
    except UserError as exc:
        raise _Refused(exc.message) from None
    outcome = fold(_text(cells, "outcome"))
    rejected = bool(outcome) and any(w in outcome for w in ("khong", "tu choi", "rejected"))
    try:
        notes = validation.optional_text(_text(cells, "notes"), LABELS["note"], "notes", max_len=4000)
    except UserError as exc:
        raise _Refused(exc.message) from None
    return PlannedRow(row=number, procedure=match.procedure, applicant=applicant, code=code, received_at=received,
                      due_at=due, transferred_at=moments["transferred"], result_at=result if status in (
                          Status.RESOLVED, Status.RETURNED) else None,
                      returned_at=returned if status == Status.RETURNED else None, withdrawn_at=withdrawn,
                      status=status, channel=channel, sets_count=sets_count, rejected=rejected, notes=notes)


def _status(word: str, moments: dict[str, datetime | None], result: datetime | None,
            returned: datetime | None) -> tuple[str, datetime | None]:
    """What the row's dates (or its status column, for states dates cannot show) make of it."""
    if word == Status.REFUSED:
        return Status.REFUSED, None
    withdrawn = moments["withdrawn"]
    if withdrawn is not None or (word == Status.WITHDRAWN and result is None):
        when = withdrawn or max(m for m in (moments["received"], moments["transferred"]) if m is not None)
        return Status.WITHDRAWN, when
    if returned is not None:
        return Status.RETURNED, None
    if result is not None:
        return Status.RESOLVED, None
    if word == Status.AWAITING_SUPPLEMENT:
        return Status.AWAITING_SUPPLEMENT, None
    if moments["transferred"] is not None or word == Status.IN_PROGRESS:
        return Status.IN_PROGRESS, None
    return Status.RECEIVED, None


def _applicant(cells: dict[str, Any]) -> Applicant:
    address = _text(cells, "address")
    phone = _text(cells, "phone")
    if phone is None and address:
        found = _PHONE.search(address)
        if found:
            phone = found.group(0)
    if phone is not None:
        digits = re.sub(r"[ .]", "", phone)
        try:
            phone = validation.phone(digits)
        except UserError:
            address = f"{address}; ĐT: {phone}" if address and phone not in address else (address or f"ĐT: {phone}")
            phone = None
    return validated_applicant(Applicant(name=_text(cells, "applicant") or "", id_number=_text(cells, "id_number"),
                                         phone=phone, address=address, email=_text(cells, "email"),
                                         organisation=_text(cells, "organisation")))


def _hhmm(text: str | None, fallback: time) -> time:
    try:
        hours, minutes = (int(p) for p in (text or "").split(":"))
        return time(hours, minutes)
    except ValueError:
        return fallback
