"""Opening the desk database: pragmas on every connection, Alembic to the newest schema."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

import desktop.db.registry  # noqa: F401  every model module, before mappers configure
import desktop.db.changes  # noqa: F401  commits tell what they changed (the UI reloads by it)
from desktop.db.changelog import DeskSession
from desktop.errors import UserError
from desktop.platform.paths import private_dir, private_file

log = logging.getLogger("desktop.db")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a URL or a plain file path; SQLite gets WAL, foreign keys and a busy timeout."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config  # lazy: ~300 ms at import

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


@cache
def revision_graph() -> dict[str, tuple[str, ...]]:
    """revision -> down revisions, read from the migration files without importing Alembic (~300 ms)."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None or down is None:
            continue
        graph[rev.group(1)] = tuple(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return graph


def known_heads(engine: Engine | None = None) -> set[str]:
    graph = revision_graph()
    referenced = {down for downs in graph.values() for down in downs}
    return set(graph) - referenced


def known_revisions(engine: Engine | None = None) -> set[str]:
    return set(revision_graph())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return set()
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head. Refuses a database written by a newer app. Returns True if it migrated."""
    current = current_revisions(engine)
    heads = known_heads(engine)
    unknown = current - known_revisions(engine)
    if unknown:
        raise UserError(
            "Cơ sở dữ liệu này được tạo bởi phiên bản phần mềm mới hơn "
            f"(phiên bản lược đồ {', '.join(sorted(unknown))}). "
            "Vui lòng cài đặt phiên bản Một Cửa Offline mới nhất trước khi mở.",
            code="db_too_new",
        )
    if current == heads:
        return False
    from alembic.script import ScriptDirectory

    alembic_heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    if alembic_heads != heads:  # the quick reader above must agree with Alembic; never guess
        raise RuntimeError(f"migration graph mismatch: {sorted(heads)} vs {sorted(alembic_heads)}")
    safety = _backup_before_migration(engine, current)
    _run_migrations(engine, safety)
    log.info("đã nâng cấp cơ sở dữ liệu lên %s", ",".join(sorted(heads)))
    return True


def _backup_before_migration(engine: Engine, current: set[str]) -> Path | None:
    """A database that already has a schema is backed up before its schema changes; a new file is not."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not current or not path or path == ":memory:" or not Path(path).is_file():
        return None
    from desktop.platform.backup import backup_now

    return backup_now(Path(path), kind="pre-migration")


def _run_migrations(engine: Engine, safety: Path | None) -> None:
    """All pending revisions in ONE transaction; any failure rolls back and leaves the old file as it was.

    pysqlite commits implicitly before DDL, so its own transaction handling is switched off on this
    connection and the transaction is begun explicitly (SQLite's DDL is transactional).
    """
    from alembic import command

    cfg = alembic_config(engine)
    with engine.connect() as connection:
        dbapi = connection.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        saved = dbapi.isolation_level if sqlite else None  # type: ignore[union-attr]
        if sqlite:
            dbapi.isolation_level = None  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "heads")
            connection.commit()
        except Exception as exc:
            connection.rollback()
            log.exception("nâng cấp cơ sở dữ liệu không thành công; dữ liệu giữ nguyên")
            where = f" Bản sao lưu trước khi nâng cấp: {safety}." if safety else ""
            raise UserError(
                "Nâng cấp cơ sở dữ liệu lên phiên bản mới không thành công; dữ liệu cũ được giữ nguyên."
                f"{where} Hãy gửi tệp nhật ký cho bộ phận hỗ trợ.", code="migration_failed") from exc
        finally:
            if sqlite:
                dbapi.isolation_level = saved  # type: ignore[union-attr]


@dataclass
class Database:
    """The opened database: its engine and a session factory whose flushes write the change log."""

    engine: Engine
    sessions: sessionmaker[Session]
    path: Path | None = None

    @contextmanager
    def transaction(self, *, officer: str | None = None) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        session = self.sessions()
        session.info["officer"] = officer
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()  # not rollback(): that would expire what the caller read

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url_or_path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate a desk database."""
    path: Path | None = None
    url = str(url_or_path)
    if "://" not in url:
        path = Path(url).expanduser().resolve()
        if not path.parent.exists():
            private_dir(path.parent)
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):  # SQLite gives -wal/-shm the file's mode
            if part is path or part.exists():
                private_file(part)
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
        from desktop.db import settings_upgrade

        settings_upgrade.upgrade(engine)
    factory = sessionmaker(bind=engine, class_=DeskSession, expire_on_commit=False)
    return Database(engine=engine, sessions=factory, path=path)
