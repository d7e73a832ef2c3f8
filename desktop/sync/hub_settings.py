"""The desk's sync settings an officer edits: the province hub's address and the province key.

Checked here, not in the UI: a hub address must be a plain http(s) URL with a host (the desk sends the
officer's data there), and only an administrator may change where data goes or whose key it is
sealed to.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop import settings
from desktop.services.desk import get_setting, save_settings

HUB_URL_FIELD = settings.HUB_URL.label


def normalise_hub_url(text: str) -> str:
    """``http(s)://host[:port][/path]`` without spaces, query or fragment; trailing '/' dropped."""
    return settings.normalise_url(settings.HUB_URL, text)


def hub_url(session: Session) -> str | None:
    value = get_setting(session, settings.HUB_URL.key)
    return str(value) if value else None


def save_hub_url(session: Session, text: str) -> str:
    """Validate and store (an empty text clears the setting); administrators only."""
    return save_settings(session, {settings.HUB_URL.key: text})[settings.HUB_URL.key] or ""
