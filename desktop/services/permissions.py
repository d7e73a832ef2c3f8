"""Roles and what each may do, checked inside the services (not only by hiding buttons).

Who is acting comes from ``session.info["officer"]`` (set by ``Database.transaction(officer=...)``):

- a username of an officer account -> that officer's role (inactive or deleted accounts may do nothing);
- no name, or a system actor name (``cli``, ``system``, ``setup``, ``demo``, ``sync``) -> the local
  system account, which may do everything. The CLI runs as the system account unless ``--officer``
  names someone: a person with a shell on the desk PC already holds the database file, so refusing
  them protects nothing, while ``--officer`` makes the CLI act (and be audited) as that officer;
- an unknown username: allowed only while the desk has no officer accounts at all (first set-up,
  before the first admin exists), refused afterwards.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import texts
from desktop.db.models import Officer
from desktop.errors import PermissionDenied

SYSTEM_ACTORS = frozenset({"cli", "system", "setup", "demo", "sync"})
SYSTEM_ROLE = "system"


class Permission(StrEnum):
    RECEIVE = "dossier.receive"
    PROCESS = "dossier.process"
    SURVEY_ENTRY = "survey.entry"
    BACKUP = "backup.create"
    REPORTS_BY_OFFICER = "reports.by_officer"
    APPROVE_APOLOGY = "apology.approve"
    AUDIT_VIEW = "audit.view"
    MANAGE_OFFICERS = "officers.manage"
    MANAGE_CATALOG = "catalog.manage"
    MANAGE_CALENDAR = "calendar.manage"
    MANAGE_SETTINGS = "settings.manage"
    RESTORE = "backup.restore"
    KIOSK_PIN = "kiosk.pin"
    MANAGE_DUTY = "duty.manage"


LABELS: dict[Permission, str] = {
    Permission.RECEIVE: "tiếp nhận hồ sơ",
    Permission.PROCESS: "xử lý hồ sơ",
    Permission.SURVEY_ENTRY: "nhập phiếu khảo sát",
    Permission.BACKUP: "sao lưu dữ liệu",
    Permission.REPORTS_BY_OFFICER: "xem báo cáo theo cán bộ",
    Permission.APPROVE_APOLOGY: "duyệt phiếu xin lỗi, hẹn lại",
    Permission.AUDIT_VIEW: "xem nhật ký kiểm tra",
    Permission.MANAGE_OFFICERS: "quản lý tài khoản cán bộ",
    Permission.MANAGE_CATALOG: "cập nhật danh mục thủ tục",
    Permission.MANAGE_CALENDAR: "sửa lịch làm việc",
    Permission.MANAGE_SETTINGS: "thay đổi cài đặt",
    Permission.RESTORE: "khôi phục dữ liệu từ bản sao lưu",
    Permission.KIOSK_PIN: "đặt mã PIN của kiosk khảo sát",
    Permission.MANAGE_DUTY: "sửa danh sách cán bộ trực bộ phận một cửa",
}

_OFFICER = frozenset({Permission.RECEIVE, Permission.PROCESS, Permission.SURVEY_ENTRY, Permission.BACKUP})
_LEADER = _OFFICER | {Permission.REPORTS_BY_OFFICER, Permission.APPROVE_APOLOGY, Permission.AUDIT_VIEW,
                      Permission.KIOSK_PIN, Permission.MANAGE_DUTY}
_ADMIN = _LEADER | {Permission.MANAGE_OFFICERS, Permission.MANAGE_CATALOG, Permission.MANAGE_CALENDAR,
                    Permission.MANAGE_SETTINGS, Permission.RESTORE}
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "officer": _OFFICER, "leader": frozenset(_LEADER), "admin": frozenset(_ADMIN), SYSTEM_ROLE: frozenset(_ADMIN),
}
ROLE_LABELS = texts.ROLE_LABELS | {SYSTEM_ROLE: texts.SYSTEM_ROLE_LABEL}


def actor_role(session: Session) -> tuple[str, str | None]:
    """(actor name, role) of whoever the session acts for; role None means 'may do nothing'."""
    name = (session.info.get("officer") or "").strip().lower()
    cache = session.info.setdefault("_actor_roles", {})
    if name in cache:
        return name, cache[name]
    role: str | None
    with session.no_autoflush:
        officer = session.scalar(select(Officer).where(Officer.username == name)) if name else None
        if officer is not None:
            role = officer.role if officer.active and not officer.deleted else None
        elif not name or name in SYSTEM_ACTORS:
            role = SYSTEM_ROLE
        else:
            role = None if session.scalar(select(Officer.id).limit(1)) is not None else SYSTEM_ROLE
    cache[name] = role
    return name, role


def allowed(session: Session, permission: Permission) -> bool:
    _, role = actor_role(session)
    return role is not None and permission in ROLE_PERMISSIONS.get(role, frozenset())


def require(session: Session, permission: Permission) -> None:
    """Raise PermissionDenied (Vietnamese, says who may do it) unless the acting officer may."""
    if allowed(session, permission):
        return
    name, role = actor_role(session)
    who = f"Tài khoản '{name}'" if name else "Tài khoản hiện tại"
    if role is None:
        reason = "không phải tài khoản cán bộ đang hoạt động trên máy này"
    else:
        reason = f"(vai trò {ROLE_LABELS.get(role, role)}) không có quyền {LABELS[permission]}"
    need = "cán bộ" if permission in _OFFICER else "lãnh đạo hoặc quản trị" if permission in _LEADER else "quản trị"
    raise PermissionDenied(f"{who} {reason}. Đề nghị người có vai trò {need} thực hiện.",
                           code="permission_denied")


def permissions_of(role: str) -> list[str]:
    return sorted(p.value for p in ROLE_PERMISSIONS.get(role, frozenset()))
