"""PostgreSQL storage parameters of the hub's tables (issue 14, session 11): room left in each page so that
a row the desks keep rewriting is updated in place.

An update PostgreSQL can write on the row's own page, when no indexed column changes, is a "HOT" update:
no new entry in any of the table's indexes. With pages filled to the brim (fillfactor 100, what a COPY
leaves) no rewrite fits, so every update moves the row to another page and adds an entry to every index
(ten on ``dossier``). The tables below are rewritten row by row by later batches — a dossier as it moves
through its states, its components as they are digitised, a supplement when it is received, and the origin
row of every record on every change — so their pages keep half their space free when rows are first
written: one rewrite of every row of a page stays on that page. ``dossier_event`` is not here: the desk's
timeline is append-only (its rows are written once), so free space there would only make it larger.

The setting applies to pages written after it is set (PostgreSQL never rewrites a table for it). A new hub
has it from the start; an existing hub gets it when it opens (:func:`ensure`, a catalogue read, then
``ALTER TABLE … SET`` only where it is missing: a lock that waits for no import), and its new pages follow
it from then on. A partitioned table takes no storage parameters itself: each year's partition and the
default one get them when created (:func:`with_clause`).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

FILLFACTOR = {"hub_record_origin": 50, "dossier": 50, "dossier_component": 50, "supplement": 50, "apology": 50}


def with_clause(table_name: str) -> str:
    """The ``WITH (…)`` clause of a new table (or partition) of ``table_name``, or nothing."""
    fill = FILLFACTOR.get(table_name)
    return f" WITH (fillfactor = {fill})" if fill else ""


def ensure(engine: Engine) -> list[str]:
    """(PostgreSQL) Set the fill factor where it is missing, on the tables above and on every partition
    of a partitioned one. Returns the tables changed."""
    if engine.dialect.name != "postgresql":
        return []
    from province import partitions

    changed = []
    with engine.begin() as conn:
        partitions.lock(conn)  # with the partition DDL of other hub processes, one at a time
        rows = conn.execute(text(
            "SELECT c.relname, coalesce(p.relname, c.relname), c.reloptions FROM pg_class c "
            "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace "
            "AND coalesce(p.relname, c.relname) = ANY(:names)"), {"names": list(FILLFACTOR)}).all()
        for name, base, options in rows:
            wanted = f"fillfactor={FILLFACTOR[base]}"
            if wanted not in (options or []):
                conn.execute(text(f'ALTER TABLE "{name}" SET (fillfactor = {FILLFACTOR[base]})'))
                changed.append(name)
    return changed
