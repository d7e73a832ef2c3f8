"""The hub's log-in runs off the event loop (review 13): its password hash (~0.1 s of CPU) and its synchronous
database work used to hold every other request of the process, pushes included, until it ended."""

from __future__ import annotations

import threading

import httpx
import pytest

from province import auth
from tests.net.conftest import TEST_PASSWORD, LiveHub


@pytest.mark.parametrize("route", ["/api/v1/login", "/login"])
def test_a_log_in_in_progress_does_not_hold_other_requests(live_hub: LiveHub, monkeypatch: pytest.MonkeyPatch,
                                                           route: str) -> None:
    auth.add_user(live_hub.hub, "cham", TEST_PASSWORD, "officer")
    entered, release = threading.Event(), threading.Event()
    real = auth._verify  # noqa: SLF001 — the step a slow hash stands for

    def slow_verify(digest: str, password: str) -> bool:
        entered.set()
        release.wait(30)
        return real(digest, password)

    monkeypatch.setattr(auth, "_verify", slow_verify)
    answers: dict[str, int] = {}

    def log_in() -> None:
        if route == "/login":
            answer = httpx.post(live_hub.url + route, data={"username": "cham", "password": TEST_PASSWORD}, timeout=60)
        else:
            answer = httpx.post(live_hub.url + route, json={"username": "cham", "password": TEST_PASSWORD}, timeout=60)
        answers["login"] = answer.status_code

    login = threading.Thread(target=log_in)
    login.start()
    try:
        assert entered.wait(10), "the log-in never reached the password check"
        # the log-in is inside its hash now; with it on the event loop this request could not be answered
        health = httpx.get(live_hub.url + "/api/v1/health", timeout=10)
        assert health.status_code == 200
    finally:
        release.set()
        login.join(30)
    assert answers["login"] in (200, 303)

