"""Small shared helpers for the safety tests."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from desktop.db.session import Database
from desktop.services import dossiers


def raw_sql(db_path: Path, *statements: str) -> None:
    """Edit the database file behind the software's back, as someone holding the file would."""
    con = sqlite3.connect(db_path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def first_procedure(db: Database) -> str:
    from desktop.services import catalog

    with db.reading() as s:
        return catalog.list_procedures(s, active_only=True)[0].code


def receive(db: Database, name: str, *, officer: str | None = None) -> str:
    code = first_procedure(db)
    with db.transaction(officer=officer) as s:
        return dossiers.receive(s, dossiers.Reception(procedure_code=code,
                                                      applicant=dossiers.Applicant(name=name))).code


def applicants(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT applicant_name FROM dossier")}
    finally:
        con.close()


def setting(path: Path, key: str) -> str | None:
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrupt(path: Path) -> None:
    """Scribble over the middle pages of a database file (header left intact so it still opens)."""
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as handle:
        for offset in range(2 * page, size - page, 3 * page):
            handle.seek(offset + 8)
            handle.write(b"\xff\x13" * 600)
