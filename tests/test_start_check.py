"""The start-up integrity check runs when it can find something (issue #18 start time): never checked,
checked more than a day ago, or the last session did not close; a clean daily start skips it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from desktop.db import health
from desktop.db.session import open_database


def test_the_check_runs_only_when_it_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    assert not health.needs_check(path)  # no file yet: nothing to check
    open_database(path).dispose()
    assert health.needs_check(path)  # never checked
    health.mark_checked(path)
    assert not health.needs_check(path)  # a clean start the same day
    health.session_opened(path)
    assert health.needs_check(path)  # the desk was open and did not close cleanly (power cut, crash)
    health.session_closed(path)
    assert not health.needs_check(path)
    day_ago = time.time() - health.CHECK_EVERY_SECONDS - 60
    os.utime(path.with_name(path.name + ".checked"), (day_ago, day_ago))
    assert health.needs_check(path)  # once a day at least
