"""Province accounts for the hub's read API: argon2 passwords, short-lived signed tokens, roles, lock-out.

Why tokens signed with a secret file rather than sessions in memory: several hub processes serve one
database (``serve --workers``), so a token must be checkable by any of them; the secret lives in the
hub's key folder (0600), not in the database, so a copy of the database alone cannot mint tokens.
Every check also reads the account row, so disabling a user or changing a password ends its tokens
at once (``token_generation``).

Roles: ``viewer`` sees aggregates only (no applicant names); ``officer`` may also see names, and each
such read is written to ``hub_access_audit``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import secrets
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, text

from desktop.platform import clock
from desktop.errors import UserError
from desktop.rules.validation import CONTROL_CHARACTERS
from province.db import Hub
from province.models import HubAccessAudit, HubLoginFailure, HubUser

ROLES = {"viewer": "xem số liệu tổng hợp (không có họ tên người nộp)",
         "officer": "xem cả họ tên người nộp (mọi lần xem được ghi nhật ký)"}
TOKEN_TTL = timedelta(hours=1)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# One guess at a time per name, so the count read before a guess includes every earlier guess: on
# PostgreSQL across threads and hub processes (pg_advisory_xact_lock(LOGIN_LOCK_CLASS, hashtext(name)));
# SQLite hubs serve from one process, where a lock of the process does it.
LOGIN_LOCK_CLASS = 1418
_SQLITE_GUESSES = threading.Lock()
MIN_PASSWORD = 10
_SECRET_FILE = "auth-secret"
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    generation: int = 0

    @property
    def sees_names(self) -> bool:
        return self.role == "officer"


class AuthError(UserError):
    """A refused log-in or token; ``status`` is the HTTP status the server answers with."""

    def __init__(self, message: str, *, code: str, status: int = 401) -> None:
        super().__init__(message, code=code)
        self.status = status


def _valid_username(name: str) -> bool:
    return 1 <= len(name) <= 64 and all(ch.isalnum() or ch in "._-" for ch in name)


def _check_username(username: str) -> str:
    name = (username or "").strip()
    if not _valid_username(name):
        raise UserError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự).",
                        field="username")
    return name


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", field="password")
    if len(password) > 1024:
        raise UserError("Mật khẩu quá dài.", field="password")
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Vai trò '{role}' không có; chọn: {', '.join(ROLES)}.", field="role")
    return role


def add_user(hub: Hub, username: str, password: str, role: str) -> dict[str, Any]:
    name, role = _check_username(username), _check_role(role)
    digest = _HASHER.hash(_check_password(password))
    now = clock.now()
    with hub.transaction() as session:
        if session.get(HubUser, name) is not None:
            raise UserError(f"Tài khoản '{name}' đã có; dùng 'user passwd' để đổi mật khẩu.", field="username")
        session.add(HubUser(username=name, password_hash=digest, role=role, active=True, created_at=now,
                            token_generation=0))
    return {"username": name, "role": role, "active": True}


def set_password(hub: Hub, username: str, password: str) -> None:
    digest = _HASHER.hash(_check_password(password))
    with hub.transaction() as session:
        user = _existing(session, username)
        user.password_hash = digest
        user.token_generation += 1
        session.execute(delete(HubLoginFailure).where(HubLoginFailure.username == user.username))


def set_active(hub: Hub, username: str, active: bool) -> None:
    with hub.transaction() as session:
        user = _existing(session, username)
        user.active = active
        user.token_generation += 1


def list_users(hub: Hub) -> list[dict[str, Any]]:
    with hub.reading() as session:
        return [{"username": u.username, "role": u.role, "active": u.active, "created_at": clock.iso(u.created_at)}
                for u in session.scalars(select(HubUser).order_by(HubUser.username))]


def _existing(session: Any, username: str) -> HubUser:
    user = session.get(HubUser, (username or "").strip())
    if user is None:
        raise UserError(f"Không có tài khoản '{username}'.", field="username")
    return user


def login(hub: Hub, username: str, password: str, *, client: str = "") -> tuple[str, Principal]:
    """A token for a correct, active account; failures are counted and lock the name for a while."""
    name = (username or "").strip()[:64]
    if name and not _valid_username(name):  # no account has that name; a NUL in it was a 500 on PostgreSQL
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa.", code="bad_login")
    now = clock.now()
    postgres = hub.engine.dialect.name == "postgresql"
    with nullcontext() if postgres else _SQLITE_GUESSES, hub.transaction() as session:
        if postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(:n))"), {"c": LOGIN_LOCK_CLASS, "n": name})
        recent = session.scalar(select(func.count()).select_from(HubLoginFailure).where(
            HubLoginFailure.username == name, HubLoginFailure.at > now - FAILURE_WINDOW)) or 0
        if recent >= MAX_FAILURES:
            raise AuthError(f"Đăng nhập sai quá {MAX_FAILURES} lần; tài khoản tạm khóa "
                            f"{int(FAILURE_WINDOW.total_seconds() // 60)} phút.", code="locked_out", status=429)
        user = session.get(HubUser, name) if name else None
        ok = user is not None and user.active and _verify(user.password_hash, password or "")
        if not ok:
            session.add(HubLoginFailure(username=name, client=client[:64], at=now))
    if not ok:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa.", code="bad_login")
    assert user is not None
    principal = Principal(user.username, user.role, user.token_generation)
    with hub.transaction() as session:
        session.execute(delete(HubLoginFailure).where(HubLoginFailure.username == user.username))
    return issue_token(hub, principal, now=now), principal


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):  # a lone surrogate in JSON
        return False


def _secret(hub: Hub) -> bytes:
    """The token key: created once in the key folder (O_EXCL, so concurrent workers agree on one)."""

    def load() -> bytes:
        folder = hub.data_dir / "keys"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _SECRET_FILE
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            data = path.read_bytes()
            if len(data) >= 32:
                return data
            raise UserError("Tệp khóa phiên đăng nhập của máy chủ tỉnh bị hỏng.", code="bad_auth_secret") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
            handle.flush()
            os.fsync(handle.fileno())
        return path.read_bytes()

    return hub.remember(("auth-secret", str(hub.data_dir)), load)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(hub: Hub, principal: Principal, *, now: Any = None) -> str:
    moment = now or clock.now()
    payload = {"u": principal.username, "r": principal.role, "g": principal.generation, "iat": int(moment.timestamp()),
               "exp": int((moment + TOKEN_TTL).timestamp())}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    mac = hmac.new(_secret(hub), body.encode("ascii"), hashlib.sha256).digest()
    return f"v1.{body}.{_b64(mac)}"


def check_token(hub: Hub, token: str) -> Principal:
    """The account behind a valid token, read again from the database (disabled → refused)."""
    refused = AuthError("Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.", code="bad_token")
    parts = (token or "").split(".")
    if len(token or "") > 2048 or len(parts) != 3 or parts[0] != "v1":
        raise refused
    expected = hmac.new(_secret(hub), parts[1].encode("ascii", "replace"), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(parts[2])):
            raise refused
        payload = json.loads(_unb64(parts[1]))
        username, generation, expires = str(payload["u"]), int(payload["g"]), int(payload["exp"])
    except (ValueError, KeyError, TypeError):
        raise refused from None
    now = clock.now()
    if expires <= now.timestamp():
        raise refused
    with hub.reading() as session:
        user = session.get(HubUser, username)
    if user is None or not user.active or generation != user.token_generation:
        raise refused
    return Principal(user.username, user.role, user.token_generation)


def audit_read(hub: Hub, principal: Principal, route: str, params: dict[str, Any], *, personal: bool,
               client: str = "") -> None:
    with hub.transaction() as session:
        session.add(HubAccessAudit(username=principal.username, role=principal.role, route=_printable(route[:200]),
                                   params={_printable(k): _printable(str(v)[:200]) for k, v in params.items()},
                                   personal=personal,
                                   client=client[:64], at=clock.now()))


def _printable(text: str) -> str:
    """What was asked, as the database can store it (PostgreSQL refuses a NUL in text)."""
    return CONTROL_CHARACTERS.sub("\ufffd", text)


def access_log(hub: Hub, *, limit: int = 100) -> list[dict[str, Any]]:
    with hub.reading() as session:
        rows = session.scalars(select(HubAccessAudit).order_by(HubAccessAudit.id.desc()).limit(limit))
        return [{"username": r.username, "role": r.role, "route": r.route, "params": r.params,
                 "personal": r.personal, "client": r.client, "at": clock.iso(r.at)} for r in rows]


def without_names(report: dict[str, Any]) -> dict[str, Any]:
    """A report a ``viewer`` may see: every applicant name removed (also inside by-unit reports)."""
    out = copy.deepcopy(report)
    for part in [out, out.get("all") or {}, *(out.get("units") or {}).values()]:
        for item in part.get("late_dossiers") or []:
            item["applicant"] = None
    return out
