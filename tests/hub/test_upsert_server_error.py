"""Review 12 (session 12): the guarded upsert is sent in a psycopg pipeline (``staging._sent``) and
answered later. A server error inside it must roll the import back as any database error does, leave the
pooled connection clean (no pipeline left open: the next import's COPY needs it out of pipeline mode) and,
through the queue, keep the batch for a retry (``db_error``) rather than refuse a valid signed batch
(PostgreSQL only: SQLite has no pipeline and raises SQLAlchemy's own errors)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from province import report_counts
from province.db import Hub
from tests.hub.test_report_upkeep_batches import _change, _dossier, _import

TRIGGER = """
CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reason = 'boom' THEN RAISE EXCEPTION 'refused by test' USING ERRCODE = '40P01'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_boom BEFORE UPDATE ON supplement FOR EACH ROW EXECUTE FUNCTION refuse_boom();
"""


def _supplement(reason: str | None) -> dict[str, Any]:
    return {"id": "s1", "owner_unit": "10375", "dossier_id": "a", "deleted": False, "items": ["CCCD"],
            "requested_at": "2026-10-21T10:00:00+07:00", "reason": reason}


@pytest.fixture
def pg_hub(hub: Hub) -> Hub:
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: the pipeline")
    return hub


def test_a_server_error_in_the_upsert_rolls_back_and_leaves_the_connection_clean(pg_hub: Hub) -> None:
    hub = pg_hub
    _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00"), 1, 1),
                  _change("supplement", _supplement(None), 1, 2)])
    with hub.engine.begin() as conn:
        conn.execute(text(TRIGGER))
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with pytest.raises(psycopg.errors.DeadlockDetected):
        _import(hub, [_change("dossier", _dossier("a", "2026-10-20T09:00:00+07:00", status="resolved",
                                                  result_at="2026-10-24T09:00:00+07:00"), 2, 3),
                      _change("supplement", _supplement("boom"), 2, 4),
                      _change("dossier_event", {"id": "e1", "owner_unit": "10375", "dossier_id": "a",
                                                "kind": "note", "at": "2026-10-22T10:00:00+07:00", "data": {},
                                                "deleted": False}, 1, 5)])
    with hub.engine.connect() as conn:  # the same pooled connection, out of pipeline mode, nothing written
        assert conn.connection.driver_connection._pipeline is None  # noqa: SLF001
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == backend  # kept, not replaced
        assert conn.execute(text("SELECT status FROM dossier")).scalar() == "in_progress"
        assert conn.execute(text("SELECT count(*) FROM dossier_event")).scalar() == 0
    outcome = _import(hub, [_change("dossier", _dossier("b", "2026-10-21T09:00:00+07:00"), 1, 6),
                            _change("supplement", _supplement("ok"), 3, 7)])
    assert outcome.applied == 2
    with hub.reading() as session:
        assert session.execute(text("SELECT reason FROM supplement")).scalar() == "ok"
        assert report_counts.check(session) == []


INSERT_TRIGGER = """
CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'refused by test' USING ERRCODE = '40P01'; END $$;
CREATE TRIGGER refuse_all BEFORE INSERT ON dossier FOR EACH ROW EXECUTE FUNCTION refuse_all();
"""


def test_a_server_error_in_the_upsert_is_a_database_error_not_a_bad_batch(db: Any, pg_hub: Hub, tmp_path: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A transient server error (here a deadlock) raised by the driver inside the upsert — or any statement
    the hub sends on the driver's own cursor — is ``db_error``: the USB import names it so, the queue keeps
    the batch and retries it; never ``bad_content``, a final refusal of a valid signed batch."""
    from desktop.sync.container import Limits
    from province import intake, staging
    from province.importer import import_file
    from province.models import HubIntake
    from tests.sync_support import connect_desk, export, receive

    hub = pg_hub
    monkeypatch.setattr(staging, "DIRECT_NEW", False)  # the new dossiers through the staged upsert
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    made = export(db, tmp_path / "out")
    with hub.engine.begin() as conn:
        conn.execute(text(INSERT_TRIGGER))
    result = import_file(hub, made.file)
    assert (result.status, result.code) == ("refused", "db_error")
    data = made.file.read_bytes()
    from desktop.sync import batch as batch_format
    batch_id = batch_format.read_header(data).header["batch_id"]
    intake.accept(hub, data, made.file.name, batch_id, limits=Limits())
    intake.apply_next(hub)
    with hub.reading() as session:
        row = session.get(HubIntake, batch_id)
        assert (row.state, row.attempts) == (intake.QUEUED, 1)  # kept for a retry after a back-off
    with hub.engine.begin() as conn:  # the trouble over: the retry applies the batch on the pooled connection
        conn.execute(text("DROP TRIGGER refuse_all ON dossier"))
        conn.execute(text("UPDATE hub_intake SET not_before = NULL"))
    assert intake.apply_next(hub) == batch_id
    with hub.reading() as session:
        assert session.get(HubIntake, batch_id) is None
        assert session.execute(text("SELECT count(*) FROM dossier")).scalar() == 2
        assert report_counts.check(session) == []
