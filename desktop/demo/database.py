"""The demo database: the demo unit, its officers and log-in hint, and the hooks later features add their
demo rows through (surveys, queue tickets, duty days). The dossiers themselves come from generator.py."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from desktop import settings
from desktop.demo.accounts import DEMO_KIOSK_PIN, DEMO_OFFICERS, login_hint_text
from desktop.demo.generator import generate
from desktop.platform import clock


DEMO_UNIT = {"unit_code": "10375", "unit_name": "UBND xã Tân Lập", "agency_id": "000.00.23.H49"}


def start_demo_desk(session: Session) -> None:
    """An empty database made the demo unit's desk with the starter catalogue: where the demo, the
    benchmarks and the test fixtures start."""
    from desktop.services import catalog, desk

    desk.initialise_desk(session, **DEMO_UNIT)
    catalog.import_starter(session)


def fill_demo(session: Session, *, dossiers: int, months: int, seed: int) -> None:
    """An empty database made the demo unit's: its unit, the starter catalogue, ``dossiers`` generated
    dossiers over ``months`` months, and every demo hook's rows (officers, surveys, duty days…)."""
    start_demo_desk(session)
    session.flush()
    generate(session, dossiers=dossiers, months=months, seed=seed)
    for hook in DEMO_HOOKS:
        hook(session)


def ensure_demo_database(db_path: object, *, dossiers: int = 3000) -> bool:
    """Quick start: a fresh database gets a demo unit, the starter catalogue and demo dossiers."""
    from desktop.db.session import open_database
    from desktop.services import desk

    db = open_database(str(db_path))
    try:
        with db.transaction(officer="demo") as session:
            if desk.is_initialised(session):
                return False
            fill_demo(session, dossiers=dossiers, months=14, seed=7)
        return True
    finally:
        db.dispose()


def _demo_officers(session: Session) -> None:
    from desktop.services import kiosk, officers
    from desktop.services.desk import put_setting

    for username, full_name, password, role in DEMO_OFFICERS:
        officers.create_officer(session, username=username, full_name=full_name, password=password, role=role)
    kiosk.set_pin(session, DEMO_KIOSK_PIN)  # the survey kiosk can be tried and left again
    put_setting(session, settings.DEMO_DATABASE.key, True)


def demo_login_hint(session: Session) -> str | None:
    """The demo accounts, for the log-in dialog, when this database was made by the demo (else None)."""
    from desktop.services.desk import get_setting

    return login_hint_text() if get_setting(session, settings.DEMO_DATABASE.key) else None


# Later features (surveys, queue…) append their demo rows here.
DEMO_HOOKS: list[Callable[[Session], None]] = [_demo_officers]


def _feedback_demo(session: Session) -> None:
    from desktop.demo.feedback import add_demo_rows  # issue #4: surveys, queue tickets, digitised results

    add_demo_rows(session)


DEMO_HOOKS.append(_feedback_demo)


def _duty_demo(session: Session) -> None:
    """The counter officer on every day a dossier was received at the desk, the leader on Mondays too."""
    from sqlalchemy import select

    from desktop.db.models import Dossier
    from desktop.db.models_feedback import DutyDay

    days = {clock.to_vn(moment).date() for moment in session.scalars(
        select(Dossier.received_at).where(Dossier.channel != "online"))}
    for day in sorted(days):
        session.add(DutyDay(day=day, username="canbo", source="login", present=True))
        if day.weekday() == 0:
            session.add(DutyDay(day=day, username="lanhdao", source="login", present=True))


DEMO_HOOKS.append(_duty_demo)
