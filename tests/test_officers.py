from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.platform import clock
from desktop.errors import UserError
from desktop.services import officers


def test_login_and_lockout(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        officers.create_officer(s, username="Lan", full_name="Nguyễn Thị Lan", password="matkhau1")
    with db.transaction() as s:
        assert officers.authenticate(s, "lan", "matkhau1").full_name == "Nguyễn Thị Lan"
    for _ in range(officers.MAX_FAILURES):
        with pytest.raises(UserError, match="không đúng"):
            with db.transaction() as s:
                try:
                    officers.authenticate(s, "lan", "sai")
                finally:
                    s.commit()
    with db.transaction() as s, pytest.raises(UserError, match="tạm khóa"):
        officers.authenticate(s, "lan", "matkhau1")
    clock.set_now(clock.now() + officers.LOCKOUT + timedelta(minutes=1))
    with db.transaction() as s:
        assert officers.authenticate(s, "lan", "matkhau1").username == "lan"


def test_admin_reset_unlocks(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        officers.create_officer(s, username="an", full_name="A", password="abcdef", role="leader")
        officers.reset_password(s, "an", "moi12345")
    with db.transaction() as s:
        assert officers.authenticate(s, "an", "moi12345").role == "leader"


def test_bad_officer_input(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        with pytest.raises(UserError, match="Mật khẩu"):
            officers.create_officer(s, username="b", full_name="B", password="123")
        with pytest.raises(UserError, match="Vai trò"):
            officers.create_officer(s, username="b", full_name="B", password="123456", role="boss")
        with pytest.raises(UserError, match="Tên đăng nhập"):
            officers.create_officer(s, username="Đức", full_name="B", password="123456")


def test_login_counts_failures_through_its_own_transaction(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        officers.create_officer(s, username="c", full_name="C", password="abcdef")
    for _ in range(officers.MAX_FAILURES):
        with pytest.raises(UserError):
            officers.login(db, "c", "wrong")
    with pytest.raises(UserError, match="tạm khóa"):
        officers.login(db, "c", "abcdef")


def test_an_admin_cannot_stop_their_own_account(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction(officer="setup") as s:
        officers.create_officer(s, username="quantri", full_name="Đỗ Văn Quản", password="matkhau123", role="admin")
        officers.create_officer(s, username="canbo2", full_name="Lý Thị Hai", password="matkhau123")
    with pytest.raises(UserError, match="tự ngừng"), db.transaction(officer="quantri") as s:
        officers.set_active(s, "quantri", False)
    with db.transaction(officer="quantri") as s:
        officers.set_active(s, "canbo2", False)  # someone else: allowed
        assert [a.active for a in officers.list_accounts(s) if a.info.username == "quantri"] == [True]
