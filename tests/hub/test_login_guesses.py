"""Log-in guesses at one name, side by side (review 13): since the log-in left the event loop, several run at
once, and each must still see every earlier one."""

from __future__ import annotations

import threading

import pytest

from province import auth
from province.db import Hub

PASSWORD = "mat-khau-thu-nghiem"


def test_guesses_at_one_name_at_once_get_no_more_than_the_lock_out_allows(hub: Hub,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Off the event loop, log-ins run side by side: each guess must still see every earlier one, or a burst
    of parallel guesses would get far more than ``MAX_FAILURES`` tries (both databases; on PostgreSQL the
    lock also holds across hub processes)."""
    import time

    from sqlalchemy import func, select

    from province.models import HubLoginFailure

    auth.add_user(hub, "doan", PASSWORD, "officer")
    real = auth._verify  # noqa: SLF001

    def slow_verify(digest: str, password: str) -> bool:
        time.sleep(0.05)  # the guesses overlap whatever the machine's speed
        return real(digest, password)

    monkeypatch.setattr(auth, "_verify", slow_verify)
    codes: list[str] = []

    def guess(number: int) -> None:
        try:
            auth.login(hub, "doan", f"sai-{number}")
        except auth.AuthError as exc:
            codes.append(exc.code or "")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(3 * auth.MAX_FAILURES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == ["bad_login"] * auth.MAX_FAILURES + ["locked_out"] * (2 * auth.MAX_FAILURES)
    with hub.reading() as session:
        assert session.scalar(select(func.count()).select_from(HubLoginFailure)) == auth.MAX_FAILURES
