"""What the log-in dialog shows, read with plain ``sqlite3`` before SQLAlchemy is imported (issue #18).

The desk shows its log-in dialog first and checks, migrates and opens the database behind it. The dialog
needs only the unit's name and whether this is the demo database; they are read here, read-only, with
the same rules as ``desk.local_unit``, ``desk.is_initialised``, ``officers.has_officers`` and
``demo.demo_login_hint``. Anything unusual — no file, an empty or half-made one, a file sqlite3 cannot
read, no unit or no officer yet — answers None, and the start-up takes the slow path (check and open
first, then the set-up wizard or the log-in), which says what is wrong in Vietnamese.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop import settings
from desktop.platform.read_only import connect_read_only, setting_value


# It runs on the GUI thread before the event loop: a file another process holds locked (a restore or a
# migration from the command line) is not waited for; the slow path, behind a splash, waits instead.
LOCK_WAIT_SECONDS = 0.2


@dataclass(frozen=True)
class LoginFacts:
    unit_name: str
    demo: bool  # the dialog then names the demo accounts (desktop.demo.accounts; a real desk names none)


def read_login_facts(db_path: Path) -> LoginFacts | None:
    """The unit's name and the demo flag of a desk that is set up (a unit and an officer), else None."""
    path = Path(db_path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        con = connect_read_only(path, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error:
        return None
    try:
        code = setting_value(con, settings.UNIT_CODE.key)
        unit = con.execute("SELECT name FROM unit WHERE code = ?", (code,)).fetchone() if code else None
        officer = con.execute("SELECT 1 FROM officer LIMIT 1").fetchone()
        if unit is None or officer is None:
            return None
        return LoginFacts(unit_name=str(unit[0]), demo=bool(setting_value(con, settings.DEMO_DATABASE.key)))
    except sqlite3.Error:  # not our file, not migrated yet, damaged: the slow path tells the officer
        return None
    finally:
        con.close()
