"""The officer PIN that unlocks the citizen kiosk (a local setting, hashed with argon2, never synced)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from desktop import settings
from desktop.errors import UserError
from desktop.rules.text import ascii_digits
from desktop.services.desk import get_setting, put_setting
from desktop.services.permissions import Permission, require

_hasher = PasswordHasher()


def set_pin(session: Session, pin: str) -> None:
    """Leaders and admins only: the PIN is what keeps a citizen at the kiosk out of the desk."""
    require(session, Permission.KIOSK_PIN)
    text = (pin or "").strip()
    if not (ascii_digits(text) and 4 <= len(text) <= 8):
        raise UserError("Mã PIN của kiosk phải gồm 4–8 chữ số.", field="pin")
    put_setting(session, settings.KIOSK_PIN.key, _hasher.hash(text))
    session.flush()


def has_pin(session: Session) -> bool:
    return bool(get_setting(session, settings.KIOSK_PIN.key))


def check_pin(session: Session, pin: str) -> bool:
    stored = get_setting(session, settings.KIOSK_PIN.key)
    if not stored:
        return False
    try:
        return _hasher.verify(stored, (pin or "").strip())
    except (VerificationError, InvalidHashError):
        return False
