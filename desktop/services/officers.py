"""Officers: accounts, argon2 password hashes, log-in with lock-out after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.texts import ROLE_LABELS
from desktop.platform import clock
from desktop.db.models import Officer
from desktop.errors import NotFound, UserError
from desktop.services import duty
from desktop.services.permissions import SYSTEM_ACTORS, Permission, require
from desktop.rules.text import nfc
from desktop.texts import LABELS

ROLES = ROLE_LABELS  # the roles a person can hold
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 6
_hasher = PasswordHasher()

if TYPE_CHECKING:
    from desktop.db.session import Database


@dataclass(frozen=True)
class OfficerInfo:
    """What front ends hold about the logged-in officer (never the ORM row)."""

    username: str
    full_name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def _info(officer: Officer) -> OfficerInfo:
    return OfficerInfo(officer.username, officer.full_name, officer.role)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", field="password")


def create_officer(session: Session, *, username: str, full_name: str, password: str, role: str = "officer") -> OfficerInfo:
    require(session, Permission.MANAGE_OFFICERS)
    username = (username or "").strip().lower()
    if username in SYSTEM_ACTORS:
        raise UserError(f"Tên đăng nhập '{username}' dành cho hệ thống; chọn tên khác.", field="username")
    if not username or not username.replace(".", "").replace("_", "").isalnum() or not username.isascii():
        raise UserError("Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số, dấu chấm hoặc gạch dưới.", field="username")
    if role not in ROLES:
        raise UserError("Vai trò phải là officer (cán bộ), leader (lãnh đạo) hoặc admin (quản trị).", field="role")
    name = nfc(full_name) or ""
    if not name:
        raise UserError("Họ tên cán bộ không được để trống.", field="full_name")
    _check_password(password)
    if session.scalar(select(Officer).where(Officer.username == username)) is not None:
        raise UserError(f"Tên đăng nhập '{username}' đã có.", field="username")
    officer = Officer(username=username, full_name=name, role=role, password_hash=_hasher.hash(password))
    session.add(officer)
    session.flush()
    return _info(officer)


def _get(session: Session, username: str) -> Officer:
    officer = session.scalar(select(Officer).where(Officer.username == (username or "").strip().lower()))
    if officer is None:
        raise NotFound(f"Không có cán bộ '{username}'.", field="username")
    return officer


def authenticate(session: Session, username: str, password: str) -> OfficerInfo:
    """Checks the password; after MAX_FAILURES wrong tries the account is locked for LOCKOUT.

    The caller must commit even on failure so the failure count is kept.
    """
    wrong = UserError("Tên đăng nhập hoặc mật khẩu không đúng.", field="password", code="bad_login")
    officer = session.scalar(select(Officer).where(Officer.username == (username or "").strip().lower()))
    if officer is None or not officer.active or officer.deleted:
        raise wrong
    now = clock.now()
    if officer.locked_until is not None and officer.locked_until > now:
        raise UserError(
            f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau {officer.locked_until:%H:%M} "
            "hoặc nhờ quản trị đặt lại mật khẩu.", field="password", code="locked")
    try:
        _hasher.verify(officer.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        officer.failed_logins = (officer.failed_logins or 0) + 1
        if officer.failed_logins >= MAX_FAILURES:
            officer.locked_until = now + LOCKOUT
            officer.failed_logins = 0
            session.flush()
            raise UserError(  # said at once, not only at the next try: the officer knows why to stop
                f"Tên đăng nhập hoặc mật khẩu không đúng. Đã nhập sai {MAX_FAILURES} lần liên tiếp nên tài khoản "
                f"tạm khóa đến {officer.locked_until:%H:%M}; thử lại sau hoặc nhờ quản trị đặt lại mật khẩu.",
                field="password", code="locked") from None
        session.flush()
        raise wrong from None
    if officer.failed_logins or officer.locked_until:
        officer.failed_logins = 0
        officer.locked_until = None
    if _hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = _hasher.hash(password)
    duty.record_login(session, officer.username, now.date())
    session.flush()
    return _info(officer)


def reset_password(session: Session, username: str, new_password: str) -> None:
    """Admin action: new password, unlock."""
    require(session, Permission.MANAGE_OFFICERS)
    officer = _get(session, username)
    _check_password(new_password)
    officer.password_hash = _hasher.hash(new_password)
    officer.failed_logins = 0
    officer.locked_until = None
    session.flush()


def set_active(session: Session, username: str, active: bool) -> None:
    require(session, Permission.MANAGE_OFFICERS)
    officer = _get(session, username)
    if not active and officer.username == (session.info.get("officer") or "").strip().lower():
        raise UserError("Không thể tự ngừng tài khoản đang đăng nhập.", field="username")  # no admin locks out
    officer.active = active
    session.flush()


def list_officers(session: Session) -> list[OfficerInfo]:
    return [_info(o) for o in session.scalars(select(Officer).where(Officer.deleted.is_(False)).order_by(Officer.username))]


@dataclass(frozen=True)
class OfficerAccount:
    """An account as the admin's officer list shows it: active, and locked out until when."""

    info: OfficerInfo
    active: bool
    locked_until: datetime | None

    @property
    def status(self) -> str:
        if not self.active:
            return LABELS["inactive"]
        if self.locked_until is not None and self.locked_until > clock.now():
            return f"Tạm khóa đến {clock.to_vn(self.locked_until):%H:%M %d/%m/%Y}"
        return "Đang hoạt động"


def list_accounts(session: Session) -> list[OfficerAccount]:
    """Every account with its state, for the admin (reading is open to all roles, like list_officers)."""
    rows = session.scalars(select(Officer).where(Officer.deleted.is_(False)).order_by(Officer.username))
    return [OfficerAccount(_info(o), bool(o.active), o.locked_until) for o in rows]


def has_officers(session: Session) -> bool:
    return session.scalar(select(Officer.id).limit(1)) is not None


def officer_info(session: Session, username: str) -> OfficerInfo:
    return _info(_get(session, username))


def login(database: Database, username: str, password: str) -> OfficerInfo:
    """Front ends log in through this: a failed try is committed (so lock-out counts) and re-raised."""
    session = database.sessions()
    try:
        info = authenticate(session, username, password)
        session.commit()
        return info
    except UserError:
        session.commit()
        raise
    finally:
        session.close()
