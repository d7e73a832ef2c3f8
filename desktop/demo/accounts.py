"""The demo desk's accounts and kiosk PIN, and the log-in dialog's hint naming them.

Kept apart from database.py (SQLAlchemy): the log-in dialog shows this hint before the database layer is
imported (issue #18, the dialog first).
"""

from __future__ import annotations

from desktop.texts import ROLE_LABELS

# (username, full name, password, role): printed on the log-in dialog of a demo database.
DEMO_OFFICERS = (
    ("admin", "Quản trị hệ thống", "admin123", "admin"),
    ("canbo", "Nguyễn Thị Lan", "canbo123", "officer"),
    ("lanhdao", "Trần Văn Hùng", "lanhdao123", "leader"),
)

DEMO_KIOSK_PIN = "2468"


def login_hint_text() -> str:
    """What the log-in dialog of a demo database says: the accounts to try and the kiosk's PIN."""
    accounts = ", ".join(f"{username} / {password} ({ROLE_LABELS[role].lower()})"
                         for username, _name, password, role in DEMO_OFFICERS)
    return f"Dữ liệu mẫu — tài khoản dùng thử: {accounts}; mã PIN thoát kiosk khảo sát: {DEMO_KIOSK_PIN}."
