"""What a CLI handler needs: the database (opened lazily) and the acting officer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.db.session import Database, open_database
from desktop.errors import UserError
from desktop.platform.paths import default_db_path

# The commands that may bring a database into being; every other one needs the file to exist already (a
# report on a mistyped --db must say so, not create an empty database and report zeros).
CREATING_COMMANDS = frozenset({"init", "demo", "restore"})


class CliApp:
    def __init__(self, *, db_path: str | None, officer: str | None, may_create: bool = True) -> None:
        self.db_path = Path(db_path) if db_path else default_db_path()
        self.officer = officer
        self.may_create = may_create
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            if not self.may_create and not self.db_path.exists():
                raise UserError(f"Không tìm thấy tệp dữ liệu '{self.db_path}': đường dẫn --db sai, hoặc máy chưa "
                                "được khởi tạo ('python -m desktop init …').", field="db", code="no_database")
            self._db = open_database(self.db_path)
        return self._db

    @property
    def actor(self) -> str:
        """Who the audit trail names for this command's writes."""
        return self.officer or "cli"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.db.transaction(officer=self.actor) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.db.reading() as session:
            yield session

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
