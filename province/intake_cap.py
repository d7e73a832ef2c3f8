"""Issue 14: the per-device cap on waiting batches, enforced by the INSERT that stores a pushed batch.

The acknowledgement reads the device's queued count early (a device over its cap is answered 429 before
decryption), but that read and the INSERT are separate statements: parallel pushes from one desk could
all pass the read. So the INSERT itself is conditional (``INSERT … SELECT … WHERE (queued count) < cap``)
and, on PostgreSQL, runs behind a per-device advisory lock, in one round trip: a function
(``STORE_FUNCTION``, created with the schema) takes the lock, counts and inserts; called in autocommit it
is its own transaction, so the lock is held until the row is committed. Each statement in it takes a new
snapshot (READ COMMITTED, volatile function), so the count, read after the lock, sees every batch of that
device stored before it. (Until session 10 the same steps took three round trips: BEGIN + lock, INSERT,
COMMIT.) SQLite has one writer: the conditional INSERT is atomic by itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, literal, select, text

from province.models import HubIntake

LOCK_CLASS = 1417  # pg_advisory_xact_lock(LOCK_CLASS, <device key>): one device's count + INSERT at a time
STORE_FUNCTION = "motcua_intake_store_v1"  # a new version of its body gets a new name
COLUMNS = ("batch_id", "sha256", "device_id", "unit_code", "epoch", "seq_from", "seq_to", "created_at", "state",
           "content", "receipt", "attempts", "received_at")  # what an acknowledgement stores


def device_lock_key(device_id: str) -> int:
    """A stable 32-bit key for the device (computed here, so the lock statement carries no text)."""
    return int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:4], "big", signed=True)


def insert_capped(session: Any, values: dict[str, Any], max_queued: int) -> bool:
    """Store the intake row unless the device already has ``max_queued`` batches waiting; True if stored.
    An IntegrityError (the same batch stored a moment ago) propagates, the transaction rolled back."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return bool(conn.execute(_STORE_CALL, {**values, "lock_key": device_lock_key(values["device_id"]),
                                               "cap": max_queued}).scalar())
    table = HubIntake.__table__
    queued = (select(func.count()).select_from(HubIntake)
              .where(HubIntake.state == values["state"], HubIntake.device_id == values["device_id"])
              .scalar_subquery())
    row = select(*[literal(value, type_=table.c[name].type) for name, value in values.items()]).where(
        queued < max_queued)
    return conn.execute(insert(HubIntake).from_select(list(values), row)
                        .returning(HubIntake.batch_id)).first() is not None


def _store_call() -> Any:
    """``SELECT motcua_intake_store_v1(...)`` with each value bound as its column binds it (built once: the
    statement object keeps its cache key, a push pays no statement building)."""
    table = HubIntake.__table__
    args = ", ".join(f":{name}" for name in COLUMNS)
    return text(f"SELECT {STORE_FUNCTION}({args}, CAST(:lock_key AS integer), CAST(:cap AS integer))").bindparams(
        *[bindparam(name, type_=table.c[name].type) for name in COLUMNS])


_STORE_CALL = _store_call()


def ensure_function(engine: Engine) -> None:
    """Create the store function in the hub's schema if it is missing (PostgreSQL; several hub processes
    starting at once take turns behind the advisory lock, so none fails on a concurrent CREATE)."""
    table = HubIntake.__table__
    params = ", ".join(f"p_{name} {table.c[name].type.compile(dialect=engine.dialect)}" for name in COLUMNS)
    body = f"""CREATE FUNCTION {STORE_FUNCTION}({params}, p_lock integer, p_cap integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK_CLASS}, p_lock);
  IF (SELECT count(*) FROM hub_intake WHERE state = p_state AND device_id = p_device_id) >= p_cap THEN
    RETURN false;
  END IF;
  INSERT INTO hub_intake ({", ".join(COLUMNS)}) VALUES ({", ".join(f"p_{name}" for name in COLUMNS)});
  RETURN true;
END
$fn$"""
    with engine.begin() as conn:
        conn.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, 0)"))
        present = conn.execute(text("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                                    "WHERE n.nspname = current_schema() AND p.proname = :name"),
                               {"name": STORE_FUNCTION}).first()
        if present is None:
            conn.exec_driver_sql(body)
