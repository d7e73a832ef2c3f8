"""Three kinds of failure: a user error (shown as is), a cancellation (silent), everything else a bug."""

from __future__ import annotations


class UserError(Exception):
    """Something the officer can fix; the message is Vietnamese and says what to do next."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """A code or id that does not exist."""


class IllegalTransition(UserError):
    """A lifecycle action the dossier's current state does not allow."""


class PermissionDenied(UserError):
    """The officer's role does not allow this action."""


class Cancelled(Exception):
    """The user cancelled a long job; never shown as an error."""
