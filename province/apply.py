"""Applying a batch's changes inside the import transaction.

Each record: "insert, or update only if the incoming version is newer" (one guarded upsert per table,
``ON CONFLICT (id) DO UPDATE ... WHERE version < excluded.version``, same SQL on SQLite and
PostgreSQL), sent only for the rows that win against the stored version. Before it, a business-key clash (same dossier code, another id) is set aside as a
conflict, never overwritten. After it, a change that lost to a newer stored version written by ANOTHER
device or epoch, and that differs from it, is kept as a conflict too (a restored desk's edit, or two
desks editing one record); a stale copy from the same device and epoch is simply unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from desktop.sync import canonical, tables
from desktop.sync.errors import MESSAGES
from province import staging
from province.id_lists import id_conditions
from province.models import HubConflict, HubRecordOrigin
from province.ownership import NOT_OWNER, DossierPartRule, rule_for
from province.schema import DATA_TABLES, business_keys

MOVED_PART = "moved_part"  # a dossier's part naming another dossier than the stored one (session 12)
PROBLEM_MESSAGES = {
    "business_key": "Khóa nghiệp vụ (ví dụ mã hồ sơ) trùng với một bản ghi khác đã có ở tỉnh; "
                    "tỉnh giữ cả hai và chờ cán bộ kiểm tra.",
    "stale_version": "Tỉnh đã có phiên bản mới hơn của bản ghi này từ máy khác hoặc từ trước khi máy được "
                     "khôi phục; tỉnh giữ cả hai và chờ cán bộ kiểm tra.",
    "wrong_owner": MESSAGES["wrong_owner"],
    NOT_OWNER: MESSAGES[NOT_OWNER],
    "unknown_table": MESSAGES["unknown_table"],
    "bad_record": "Bản ghi không đọc được (thiếu mã hoặc sai kiểu dữ liệu).",
    MOVED_PART: "Thành phần, sự kiện, yêu cầu bổ sung hoặc thư xin lỗi không thể chuyển sang hồ sơ khác; "
                "tỉnh giữ nguyên bản ghi đã có và bỏ qua thay đổi này.",
}


@dataclass(kw_only=True)
class ChangeCounts:
    """How a batch's changes fared: counted by the apply step and reported by the import, one set of names."""

    applied: int = 0
    skipped: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(ChangeCounts)}


@dataclass(kw_only=True)
class ApplyOutcome(ChangeCounts):
    problems: list[dict[str, Any]] = field(default_factory=list)
    # table → the typed rows of the records new to the hub that the direct COPY wrote (this transaction
    # created their origins): the refold and the report aggregates take them as written (session 11)
    inserted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def problem(self, change: dict[str, Any], code: str, *, conflict: bool) -> None:
        if conflict:
            self.conflicts += 1
        else:
            self.rejected += 1
        self.problems.append({"table": change["table"], "record_id": change["record_id"],
                              "version": change["version"], "code": code, "message": PROBLEM_MESSAGES[code]})


def apply_changes(session: Session, changes: Sequence[dict[str, Any]], *, device_id: str, unit_code: str,
                  batch_id: str, covered: dict[str, list[list[int]]], now: datetime) -> ApplyOutcome:
    out = ApplyOutcome()
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    parents = _parents(session, changes)
    for change in changes:
        spans = covered.get(change["epoch"])
        if spans and any(lo <= change["seq"] <= hi for lo, hi in spans):
            out.skipped += 1  # (device, epoch, seq) already applied here: its snapshot is not newer
        elif change["table"] not in DATA_TABLES:
            out.problem(change, "unknown_table", conflict=False)
        elif rule_for(change["table"]).new_owner(unit_code, change["row"]) is None:
            out.problem(change, NOT_OWNER, conflict=False)  # names another unit as owner
        elif change["row"].get("id", change["record_id"]) != change["record_id"]:
            out.problem(change, "bad_record", conflict=False)
        elif not _may_write_part(change, unit_code, parents):
            out.problem(change, NOT_OWNER, conflict=False)  # a row on a dossier of two other units
        else:
            by_table[change["table"]].append(change)
    tables_in_order = [(n, _latest_per_record(by_table[n])) for n in DATA_TABLES if by_table.get(n)]  # parents first
    typed: dict[str, dict[str, Any] | Exception] = {}
    finish, waiting_for = _nothing, 0
    for index, (name, lines) in enumerate(tables_in_order):
        try:  # typed while the previous table's upsert runs on the server (session 12)
            _type_ahead(tables_in_order[index:], typed, unit_code, rows_at_least=2 * waiting_for)
        finally:
            finish()  # that table's answer first (its error, if both fail, as when they ran one after the other)
        rows = typed.pop(name)
        if isinstance(rows, Exception):
            raise rows
        finish = _apply_table(session, DATA_TABLES[name], lines, rows, out, device_id=device_id, unit_code=unit_code,
                              batch_id=batch_id, now=now)
        waiting_for = len(lines) if finish is not _nothing else 0
    finish()
    return out


def _type_ahead(coming: list[tuple[str, list[dict[str, Any]]]], typed: dict[str, Any], unit_code: str, *,
                rows_at_least: int) -> None:
    """Type the next table's rows, and the following tables' until ``rows_at_least`` rows are typed (about
    as long as the server takes to upsert the previous table's: ~2 rows typed per row upserted). A table
    whose typing fails keeps its error, raised when its turn comes, so a batch is refused for the same
    (first) bad value as when each table was typed just before its write."""
    done = 0
    for name, lines in coming:
        if done and done >= rows_at_least:
            return
        if name not in typed:
            table = DATA_TABLES[name]
            try:
                typed[name] = {c["record_id"]: _values(table, c, unit_code) for c in lines}
            except Exception as exc:  # noqa: BLE001 — raised in its turn
                typed[name] = exc
        done += len(lines)


def _nothing() -> None:
    return None


def _parents(session: Session, changes: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The dossiers the batch's dossier parts hang on: stored at the hub, or arriving in the same batch."""
    wanted: set[str] = set()
    found: dict[str, dict[str, Any]] = {}
    for change in changes:
        rule = rule_for(change["table"])
        if isinstance(rule, DossierPartRule) and change["row"].get(rule.parent_column):
            wanted.add(str(change["row"][rule.parent_column]))
        elif change["table"] == "dossier":
            found[str(change["record_id"])] = dict(change["row"])
    table = DATA_TABLES["dossier"]
    missing = sorted(wanted - set(found))
    for among in id_conditions(session, table.c.id, missing):
        query = select(table.c.id, table.c.owner_unit, table.c.resolver_code, table.c.resolver_kind).where(among)
        found.update({row["id"]: dict(row) for row in session.execute(query).mappings()})
    return found


def _may_write_part(change: dict[str, Any], unit_code: str, parents: dict[str, dict[str, Any]]) -> bool:
    """Issue #15: only a dossier's receiving and resolving units write its parts (an unknown parent —
    its batch not here yet — cannot be judged, and is let through as before)."""
    rule = rule_for(change["table"])
    if not isinstance(rule, DossierPartRule):
        return True
    parent = parents.get(str(change["row"].get(rule.parent_column)))
    if parent is None:
        return True
    owner = parent.get("owner_unit") or unit_code  # a dossier in this batch with no owner named: the sender's
    return unit_code in rule.parties(parent | {"owner_unit": owner})


def _latest_per_record(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for line in lines:
        held = best.get(line["record_id"])
        if held is None or line["version"] > held["version"]:
            best[line["record_id"]] = line
    return list(best.values())


def _values(table: Table, change: dict[str, Any], unit_code: str) -> dict[str, Any]:
    values = tables.row_values(table, change["row"])
    values["id"] = change["record_id"]
    values["version"] = change["version"]
    rule = rule_for(table.name)
    values[rule.owner_column] = rule.new_owner(unit_code, change["row"])
    values["deleted"] = change["op"] == "delete" or bool(values.get("deleted"))
    values["_epoch"], values["_seq"] = change["epoch"], change["seq"]  # the staging table's origin columns
    return values


def _apply_table(session: Session, table: Table, lines: list[dict[str, Any]], rows: dict[str, dict[str, Any]],
                 out: ApplyOutcome, *, device_id: str, unit_code: str, batch_id: str,
                 now: datetime) -> Callable[[], None]:
    """Set-based: records new to the hub copied straight in; the others staged, business-key clashes set
    aside, one guarded upsert, then only the records that did not win looked at (another unit's row, or an
    older or equal version). Returns what finishes the table — the upsert's answer awaited and its losers
    looked at — for the caller to run after typing the next table's rows (``staging.upsert_from_stage``)."""
    lines = _set_aside_batch_clashes(session, table, lines, rows, out, device_id=device_id, batch_id=batch_id,
                                     now=now)
    incoming = [rows[c["record_id"]] for c in lines]
    new = staging.new_records(session, table, incoming, business_keys(table))
    fresh = [r for r in incoming if r["id"] in new]
    if new and staging.insert_new(session, table, fresh, device_id=device_id):
        out.applied += len(new)  # records the hub holds nothing of: one COPY, no staging (session 9)
        out.inserted[table.name] = fresh
        lines = [c for c in lines if c["record_id"] not in new]
        if not lines:
            return _nothing
    with staging.staged(session, table, [rows[c["record_id"]] for c in lines]) as stage:
        clashes = staging.key_clashes(session, table, stage, business_keys(table))
        if clashes:
            staging.drop_rows(session, stage, list(clashes))
            for change in lines:
                if change["record_id"] in clashes:
                    _conflict(session, table, change, out, "business_key", device_id=device_id,
                              batch_id=batch_id, now=now, stored_id=clashes[change["record_id"]])
            lines = [c for c in lines if c["record_id"] not in clashes]
        answer = staging.upsert_from_stage(session, table, stage, rule_for(table.name), writer_unit=unit_code,
                                           device_id=device_id)

    def finish() -> None:
        won = answer()
        out.applied += len(won)
        losers = [c for c in lines if c["record_id"] not in won]
        _check_losers(session, table, losers, rows, out, unit_code=unit_code, device_id=device_id,
                      batch_id=batch_id, now=now)
    return finish


def _set_aside_batch_clashes(session: Session, table: Table, lines: list[dict[str, Any]],
                             rows: dict[str, Any], out: ApplyOutcome, *, device_id: str, batch_id: str,
                             now: datetime) -> list[dict[str, Any]]:
    """Two records of this batch with one business key: the first keeps it, the others are conflicts.
    (Clashes with stored rows are found set-based against the staging table.)"""
    keep = list(lines)
    for key in business_keys(table):
        seen: dict[tuple[Any, ...], str] = {}
        survivors = []
        for change in keep:
            value = tuple(rows[change["record_id"]].get(k) for k in key)
            holder = seen.setdefault(value, change["record_id"]) if None not in value else change["record_id"]
            if holder != change["record_id"]:
                _conflict(session, table, change, out, "business_key", device_id=device_id, batch_id=batch_id,
                          now=now, stored_id=holder)
            else:
                survivors.append(change)
        keep = survivors
    return keep


def _check_losers(session: Session, table: Table, losers: list[dict[str, Any]], rows: dict[str, dict[str, Any]],
                  out: ApplyOutcome, *, unit_code: str, device_id: str, batch_id: str, now: datetime) -> None:
    """A record that did not win: another unit's row (``not_owner``), else a stale copy or a real conflict."""
    rule = rule_for(table.name)
    stored: dict[str, Any] = {}
    origins: dict[str, Any] = {}
    ids = [c["record_id"] for c in losers]
    for among in id_conditions(session, table.c.id, ids):
        stored.update({r["id"]: r for r in session.execute(select(table).where(among)).mappings()})
    for among in id_conditions(session, HubRecordOrigin.record_id, ids):
        origins.update({o.record_id: o for o in session.scalars(select(HubRecordOrigin).where(
            HubRecordOrigin.table_name == table.name, among))})
    for change in losers:
        row, origin = stored.get(change["record_id"]), origins.get(change["record_id"])
        if row is not None and not rule.may_update(unit_code, row):
            out.problem(change, NOT_OWNER, conflict=False)
            continue
        if (row is not None and isinstance(rule, DossierPartRule) and change["version"] > row["version"]
                and rule.moved(row, rows[change["record_id"]])):
            out.problem(change, MOVED_PART, conflict=False)
            continue
        same_writer = origin is None or (origin.device_id == device_id and origin.epoch == change["epoch"])
        if row is None or same_writer or _same_content(row, rows[change["record_id"]]):
            out.unchanged += 1
        else:
            _conflict(session, table, change, out, "stale_version", device_id=device_id, batch_id=batch_id,
                      now=now, stored_version=row["version"])


def _same_content(stored: Any, incoming: dict[str, Any]) -> bool:
    """Compared as the hub would store them (typed values), ignoring the bookkeeping columns."""
    ignore = {"version", "updated_at"}
    mine = {k: stored[k] for k in incoming if k in stored and k not in ignore}
    theirs = {k: v for k, v in incoming.items() if k in stored and k not in ignore}
    return canonical.dumps(mine) == canonical.dumps(theirs)


def _conflict(session: Session, table: Table, change: dict[str, Any], out: ApplyOutcome, kind: str, *,
              device_id: str, batch_id: str, now: datetime, stored_id: str | None = None,
              stored_version: int | None = None) -> None:
    session.add(HubConflict(batch_id=batch_id, device_id=device_id, table_name=table.name,
                            record_id=change["record_id"], kind=kind, incoming_version=change["version"],
                            stored_version=stored_version, stored_id=stored_id, incoming=change["row"],
                            detected_at=now))
    out.problem(change, kind, conflict=True)
