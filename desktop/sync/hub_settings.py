"""The desk's sync settings an officer edits: the province hub's address and the province key.

Checked here, not in the UI: a hub address must be a plain http(s) URL with a host (the desk sends the
officer's data there), and only an administrator may change where data goes or whose key it is
sealed to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from desktop import settings
from desktop.errors import UserError
from desktop.services.desk import get_setting, put_setting
from desktop.services.permissions import Permission, require
from desktop.texts import LABELS

HUB_URL_FIELD = LABELS["hub_address"]


def _bad(detail: str) -> UserError:
    return UserError(f"{HUB_URL_FIELD}: {detail}. Ví dụ đúng: http://10.0.0.5:8765", field="hub_url",
                     code="bad_hub_url")


def normalise_hub_url(text: str) -> str:
    """``http(s)://host[:port][/path]`` without spaces, query or fragment; trailing '/' dropped."""
    value = (text or "").strip()
    if not value:
        raise _bad("chưa nhập")
    if any(ch.isspace() for ch in value):
        raise _bad("không được chứa dấu cách")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise _bad("phải bắt đầu bằng http:// hoặc https://")
    try:
        port = parts.port
    except ValueError:
        raise _bad("cổng (số sau dấu ':') phải từ 1 đến 65535") from None
    if not parts.hostname:
        raise _bad("thiếu tên máy hoặc địa chỉ IP")
    if port == 0:
        raise _bad("cổng (số sau dấu ':') phải từ 1 đến 65535")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _bad("không được có phần '?…', '#…' hay tên đăng nhập")
    return value.rstrip("/")


def hub_url(session: Session) -> str | None:
    value = get_setting(session, settings.HUB_URL.key)
    return str(value) if value else None


def save_hub_url(session: Session, text: str) -> str:
    """Validate and store (an empty text clears the setting); administrators only."""
    require(session, Permission.MANAGE_SETTINGS)
    if not (text or "").strip():
        put_setting(session, settings.HUB_URL.key, None)
        return ""
    value = normalise_hub_url(text)
    put_setting(session, settings.HUB_URL.key, value)
    return value
