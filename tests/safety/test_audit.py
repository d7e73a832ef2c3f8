"""Audit trail: every change recorded with who/before/after; raw SQL edits and deletions are detected."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from desktop.db.audit import list_entries, verify_chain
from desktop.db.models_audit import AuditEntry
from desktop.services import dossiers, officers
from tests.safety.helpers import raw_sql, receive


def _raw(db, *statements: str) -> None:  # type: ignore[no-untyped-def]
    db.dispose()
    raw_sql(db.path, *statements)


def _verify(db):  # type: ignore[no-untyped-def]
    with db.reading() as s:
        return verify_chain(s)


def test_changes_are_recorded_with_actor_before_and_after(db) -> None:  # type: ignore[no-untyped-def]
    code = receive(db, "Phạm Thị Hoa", officer="canbo1")
    with db.transaction(officer="lanhdao") as s:
        dossiers.start(s, code)
    with db.reading() as s:
        entries = list_entries(s, limit=0)
    started = next(e for e in entries if e["table"] == "dossier" and e["op"] == "update")
    assert started["actor"] == "lanhdao"
    assert (started["before"]["status"], started["after"]["status"]) == ("received", "in_progress")
    inserted = next(e for e in entries if e["table"] == "dossier" and e["op"] == "insert")
    assert inserted["actor"] == "canbo1" and inserted["before"] is None
    assert inserted["after"]["applicant_name"] == "Phạm Thị Hoa"
    assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True)
    result = _verify(db)
    assert result.ok and result.entries == len(entries) and result.unaudited.get("dossier") is None


def test_rolled_back_change_leaves_no_audit_row(db) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(RuntimeError):
        with db.transaction() as s:
            dossiers.receive(s, dossiers.Reception(procedure_code="1.004873",
                                                   applicant=dossiers.Applicant(name="Không lưu")))
            raise RuntimeError("power cut")
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_data_row_edited_with_raw_sql_is_detected(db) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Đỗ Văn Nam")
    assert _verify(db).ok
    _raw(db, "UPDATE dossier SET applicant_name = 'Người khác'")
    result = _verify(db)
    assert not result.ok and len(result.mismatched) == 1 and result.mismatched[0]["table"] == "dossier"
    assert "đã bị sửa ngoài phần mềm" in result.problems[0]


def test_password_hash_swapped_behind_the_app_is_detected(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        officers.create_officer(s, username="quantri", full_name="Quản Trị", password="quantri1", role="admin")
    with db.reading() as s:
        [entry] = [e for e in list_entries(s) if e["table"] == "officer"]
    assert entry["after"]["password_hash"].startswith("sha256:")  # the hash itself is not copied
    _raw(db, "UPDATE officer SET password_hash = 'x'")
    assert not _verify(db).ok


def test_audit_row_edited_or_deleted_breaks_the_chain(db) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Một")
    receive(db, "Hai")
    with pytest.raises(sqlite3.IntegrityError):  # append-only even for raw SQL, until the trigger is dropped
        _raw(db, "UPDATE audit_log SET actor = 'ai-do' WHERE seq = 3")
    _raw(db, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'ai-do' WHERE seq = 3")
    edited = _verify(db)
    assert not edited.ok and edited.broken_at == 3 and "số 3 đã bị sửa" in edited.problems[0]

    _raw(db, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 2")
    deleted = _verify(db)
    assert not deleted.ok and deleted.broken_at == 2 and "Thiếu dòng nhật ký số 2" in deleted.problems[0]


def test_cli_audit_verify_and_list(db, cli) -> None:  # type: ignore[no-untyped-def]
    receive(db, "Vũ Thị Mai")
    ok = cli("audit", "verify", "--json")
    assert ok.code == 0 and ok.json()["ok"] is True
    listed = cli("audit", "list", "--limit", "2", "--json").json()
    assert len(listed) == 2 and listed[0]["seq"] > listed[1]["seq"]
    _raw(db, "UPDATE dossier SET applicant_phone = '0912345678'")
    bad = cli("audit", "verify")
    assert bad.code == 1 and "CẢNH BÁO" in bad.out
    with db.transaction() as s:
        officers.create_officer(s, username="canbo", full_name="Cán Bộ", password="canbo123")
    denied = cli("--officer", "canbo", "audit", "list")
    assert denied.code == 2
