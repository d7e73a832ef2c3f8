"""Roles are enforced inside the services: officer < leader < admin; system actor; unknown names."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop.platform import clock
from desktop.db.models import CalendarOverride, Dossier, Officer
from desktop.errors import PermissionDenied
from desktop.services import calendar, catalog, desk, dossiers, officers
from desktop.services.permissions import Permission, allowed, permissions_of

AT = datetime(2026, 11, 16, 10, tzinfo=clock.VN_TZ)


def vn(d: int, h: int) -> datetime:
    return datetime(2026, 11, d, h, tzinfo=clock.VN_TZ)


@pytest.fixture
def staffed(db):  # type: ignore[no-untyped-def]
    with db.transaction() as s:  # no officer named: the local system account sets the desk up
        officers.create_officer(s, username="quantri", full_name="Quản Trị", password="quantri1", role="admin")
        officers.create_officer(s, username="lanhdao", full_name="Lãnh Đạo", password="lanhdao1", role="leader")
        officers.create_officer(s, username="canbo", full_name="Cán Bộ", password="canbo123")
        officers.create_officer(s, username="nghiviec", full_name="Đã Nghỉ", password="nghiviec1")
        officers.set_active(s, "nghiviec", False)
    return db


def _receive(db, who: str) -> str:  # type: ignore[no-untyped-def]
    with db.transaction(officer=who) as s:
        return dossiers.receive(s, dossiers.Reception(
            procedure_code="1.004873", applicant=dossiers.Applicant(name="Nguyễn Văn An"), at=AT)).code


ADMIN_ONLY = {
    "catalog import": lambda s: catalog.import_starter(s),
    "calendar set": lambda s: calendar.set_override(s, date(2026, 12, 24), working=False, reason="Nghỉ"),
    "calendar remove": lambda s: calendar.remove_override(s, date(2026, 12, 24)),
    "officer add": lambda s: officers.create_officer(s, username="moi", full_name="Mới", password="moi12345"),
    "officer reset": lambda s: officers.reset_password(s, "canbo", "khac1234"),
    "officer deactivate": lambda s: officers.set_active(s, "canbo", False),
    "settings": lambda s: desk.initialise_desk(s, unit_code="10375", unit_name="UBND xã Tân Lập"),
}


@pytest.mark.parametrize("who", ["canbo", "lanhdao"])
@pytest.mark.parametrize("action", sorted(ADMIN_ONLY))
def test_admin_only_actions_refused_to_officer_and_leader(staffed, who: str, action: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied) as err:
        with staffed.transaction(officer=who) as s:
            ADMIN_ONLY[action](s)
    assert err.value.code == "permission_denied" and who in err.value.message
    with staffed.reading() as s:  # nothing written
        assert s.scalar(select(func.count()).select_from(Officer)) == 4
        assert s.scalar(select(func.count()).select_from(CalendarOverride)) == 0


@pytest.mark.parametrize("action", sorted(ADMIN_ONLY))
def test_admin_may_do_admin_actions(staffed, action: str) -> None:  # type: ignore[no-untyped-def]
    with staffed.transaction(officer="quantri") as s:
        if action == "calendar remove":
            calendar.set_override(s, date(2026, 12, 24), working=False, reason="Nghỉ")
        ADMIN_ONLY[action](s)


def test_officer_receives_and_processes_but_cannot_approve_apology(staffed) -> None:  # type: ignore[no-untyped-def]
    code = _receive(staffed, "canbo")
    with staffed.transaction(officer="canbo") as s:
        dossiers.start(s, code, at=vn(16, 11))
        dossiers.request_supplement(s, code, items="Bản sao CCCD", at=vn(17, 9))
        dossiers.receive_supplement(s, code, at=vn(17, 10))
    with pytest.raises(PermissionDenied):
        with staffed.transaction(officer="canbo") as s:
            dossiers.issue_apology(s, code, new_date=date(2026, 11, 30), reason="Chờ xác minh", at=vn(19, 9))
    with staffed.transaction(officer="lanhdao") as s:  # the leader approves it
        apology = dossiers.issue_apology(s, code, new_date=date(2026, 11, 30), reason="Chờ xác minh",
                                         at=vn(19, 9))
        assert apology.issued_by == "lanhdao"
    with staffed.transaction(officer="canbo") as s:
        dossiers.record_result(s, code, at=vn(20, 9))
        dossiers.return_result(s, code, at=vn(20, 10))
    code2 = _receive(staffed, "canbo")
    with staffed.transaction(officer="canbo") as s:
        dossiers.withdraw(s, code2, at=vn(16, 15), reason="Công dân rút")
        dossiers.refuse(s, procedure_code="1.004873", applicant=dossiers.Applicant(name="Lê C"),
                        reason="Thiếu giấy tờ", at=vn(16, 16))


def test_inactive_and_unknown_accounts_may_do_nothing(staffed) -> None:  # type: ignore[no-untyped-def]
    for who in ("nghiviec", "khongco"):
        with pytest.raises(PermissionDenied) as err:
            _receive(staffed, who)
        assert "không phải tài khoản cán bộ đang hoạt động" in err.value.message
    with staffed.reading() as s:
        assert s.scalar(select(func.count()).select_from(Dossier)) == 0


def test_system_actor_and_fresh_desk(db) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:  # no officer accounts yet: set-up mode, any name acts as the system
        s.info["officer"] = "ai-do"
        assert allowed(s, Permission.RESTORE)
    with db.transaction() as s:
        officers.create_officer(s, username="quantri", full_name="Quản Trị", password="quantri1", role="admin")
    for name, expected in ((None, True), ("cli", True), ("ai-do", False), ("quantri", True)):
        with db.reading() as s:
            s.info["officer"] = name
            assert allowed(s, Permission.RESTORE) is expected, name


def test_role_table() -> None:
    assert "catalog.manage" not in permissions_of("leader")
    assert "apology.approve" in permissions_of("leader") and "apology.approve" not in permissions_of("officer")
    assert set(permissions_of("officer")) < set(permissions_of("leader")) < set(permissions_of("admin"))


def test_system_names_are_reserved(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.errors import UserError

    with pytest.raises(UserError):
        with db.transaction() as s:
            officers.create_officer(s, username="cli", full_name="X", password="abcdef1")


def test_cli_acts_as_the_named_officer(staffed, cli) -> None:  # type: ignore[no-untyped-def]
    denied = cli("--officer", "canbo", "calendar", "off", "2026-12-24", "--reason", "Nghỉ")
    assert denied.code == 2 and "không có quyền sửa lịch làm việc" in denied.err
    assert cli("--officer", "quantri", "calendar", "off", "2026-12-24", "--reason", "Nghỉ").code == 0
    assert cli("calendar", "off", "2026-12-25", "--reason", "Nghỉ").code == 0  # no --officer: system account
    added = cli("--officer", "canbo", "officer", "add", "moi", "--name", "Mới", "--password", "moi12345")
    assert added.code == 2
    received = cli("--officer", "canbo", "dossier", "receive", "--procedure", "1.004873", "--applicant", "Lê Văn D",
                   "--at", "2026-11-16T10:00", "--json")
    assert received.code == 0, received.err
    with staffed.reading() as s:
        assert s.scalar(select(Dossier.received_by)) == "canbo"
