"""``column IN (ids)`` for the long id lists of an import (issue 14, session 10).

SQLAlchemy writes ``IN`` with one bound parameter per id: for a thousand ids that is a thousand
parameters rendered, sent and planned per statement (the import's "which slices did these dossiers
count in" look-ups cost ~20 ms each for 1,400 dossiers). On PostgreSQL the whole list is ONE array
parameter (``= ANY(:ids)``, one cached statement whatever the length); SQLite keeps chunks of ``IN``.

Raw statements with ten thousand ids (``staging.new_records``) send the array as its text literal
(:func:`text_array`): psycopg binds a Python list of 10 k strings in ~30 ms of CPU (each element dumped
on its own), the literal is written in ~2 ms. (Not through SQLAlchemy here: its psycopg dialect casts
the bound text to ``VARCHAR`` and the cast to an array was then evaluated for every row scanned.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

CHUNK = 1000


def id_conditions(conn: Connection | Session, column: Any, ids: Iterable[str], *,
                  chunk: int = CHUNK) -> list[ColumnElement[bool]]:
    """The conditions that together say ``column`` is one of ``ids``: run one statement per condition."""
    wanted = list(ids)
    if not wanted:
        return []
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name == "postgresql":
        return [column == any_(bindparam("id_list", wanted, type_=ARRAY(String)))]
    return [column.in_(wanted[start:start + chunk]) for start in range(0, len(wanted), chunk)]


def text_array(values: Iterable[str]) -> str:
    """PostgreSQL's literal of a text array (``'{"a","b"}'``, cast with ``::text[]`` in the statement):
    every element quoted, its backslashes and double quotes escaped, so any text comes back as it was
    sent (a NUL, which no PostgreSQL text can hold, is refused by the driver as it would be in a list)."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"
