"""Safety tests hash many passwords: cheap argon2 parameters keep them fast (the real ones are tested
in tests/test_officers.py)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services import officers

    monkeypatch.setattr(officers, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
