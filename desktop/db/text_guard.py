"""No control character reaches the desk database, whichever service writes the row (issue #13).

A ``before_flush`` hook on the desk's session runs :func:`desktop.rules.validation.check_text` on every
string the flush would write (and on strings inside JSON columns). The services already check their
own fields with a precise Vietnamese label; this is the net under them, so a service written later,
an import, or a settings page cannot store a NUL, a BEL or a C1 character that would later break the
Excel ledger or a printed form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from desktop.db.changelog import DeskSession
from desktop.rules.validation import check_text
from desktop.texts import LABELS

# Columns where a line break is legitimate (free text typed in a multi-line box).
MULTILINE = frozenset({"notes", "note", "reason", "result_reason", "refusal_reason", "comment", "legal_basis",
                       "fee_text", "message", "body", "detail"})
COLUMN_LABELS = {
    "applicant_name": LABELS["applicant_full_name"], "applicant_address": LABELS["address"],
    "organisation": LABELS["organisation_name"], "applicant_phone": LABELS["phone_number"],
    "applicant_email": LABELS["email"], "full_name": LABELS["full_name"], "username": LABELS["username"],
    "name": LABELS["name"], "procedure_name": LABELS["procedure_title"], "notes": LABELS["note"],
    "note": LABELS["note"], "reason": LABELS["reason"], "result_reason": LABELS["reason"],
    "refusal_reason": LABELS["refusal_reason"], "comment": LABELS["feedback_comment"],
    "legal_basis": "Căn cứ pháp lý", "fee_text": "Lệ phí", "code": "Mã", "field_name": LABELS["field"],
    "agency_id": "Mã định danh cơ quan",
}


def _label(table: str, column: str) -> str:
    return COLUMN_LABELS.get(column, f"Trường «{column}» (bảng {table})")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


@event.listens_for(DeskSession, "before_flush")
def _refuse_control_characters(session: Session, flush_context: Any, instances: Any) -> None:
    new = list(session.new)  # ``session.new`` builds a new set on every call: read it once, not per object
    for obj, is_new in [(o, True) for o in new] + [(o, False) for o in session.dirty]:
        state = inspect(obj)
        table = getattr(obj, "__tablename__", type(obj).__name__)
        for attr in state.mapper.column_attrs:
            key = attr.key
            if not is_new and not state.attrs[key].history.has_changes():
                continue
            value = state.dict.get(key)
            if isinstance(value, str):
                check_text(value, _label(table, key), key, multiline=key in MULTILINE)
            elif isinstance(value, (dict, list)):
                for text in _strings(value):
                    check_text(text, _label(table, key), key, multiline=True)
