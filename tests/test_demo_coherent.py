"""The demo database holds together (issue #18 item 13): every print form works on a demo dossier of its
kind, supplement and apology rows stand behind their events, control slips have appointments, the counter
never receives at night (it serves the queue until a quarter past five), and the kiosk has a PIN."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import demo
from desktop.db.models import Apology, Dossier, DossierEvent, Supplement
from desktop.db.session import Database, open_database
from desktop.platform import clock
from desktop.services import kiosk


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTCUA_DATA_DIR", str(folder / "data"))
        clock.set_now(clock.at(clock.today(), time(3, 40)))  # before dawn: the night the old demo received at
        try:
            demo.ensure_demo_database(path, dossiers=600)
        finally:
            clock.set_now(None)
    return open_database(path)


def _one(session, *where):  # type: ignore[no-untyped-def]
    return session.scalar(select(Dossier.code).where(*where).limit(1))


def test_rows_behind_every_event(demo_db: Database) -> None:
    with demo_db.reading() as s:
        asked = s.scalar(select(func.count()).select_from(DossierEvent).where(
            DossierEvent.kind == "supplement_requested"))
        supplements = s.scalar(select(func.count()).select_from(Supplement))
        apologies = s.scalar(select(func.count()).select_from(Apology))
        apology_events = s.scalar(select(func.count()).select_from(DossierEvent).where(
            DossierEvent.kind == "apology_issued"))
        undated = s.scalar(select(func.count()).select_from(DossierEvent).where(
            DossierEvent.kind.in_(["received", "supplement_received"]), DossierEvent.data == {}))
        counter = [clock.to_vn(m).time() for m in s.scalars(select(Dossier.received_at).where(
            Dossier.channel != "online"))]
        assert kiosk.has_pin(s)
    assert asked > 0 and supplements == asked
    assert apologies > 0 and apology_events == apologies
    assert undated == 0  # every reception and supplement event carries its appointment
    assert all(time(7, 30) <= t <= time(17, 15) for t in counter)  # the last citizen in the queue is served


@pytest.mark.parametrize("kind", ["receipt", "control", "supplement", "refusal", "apology", "stop"])
def test_every_form_prints_on_a_demo_dossier(demo_db: Database, kind: str, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with demo_db.reading() as s:
        code = {
            "receipt": lambda: _one(s, Dossier.status != "refused_at_reception"),
            "control": lambda: _one(s, Dossier.status == "returned"),
            "supplement": lambda: s.scalar(select(Dossier.code).join(Supplement, Supplement.dossier_id == Dossier.id)
                                           .limit(1)),
            "refusal": lambda: _one(s, Dossier.status == "refused_at_reception"),
            "apology": lambda: s.scalar(select(Dossier.code).join(Apology, Apology.dossier_id == Dossier.id).limit(1)),
            "stop": lambda: _one(s, Dossier.result == "rejected"),
        }[kind]()
    assert code, f"no demo dossier for {kind}"
    out = tmp_path / f"{kind}.pdf"
    result = cli("print", kind, code, "--out", str(out), db=demo_db.path)
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF")
