"""Opening the hub: its data folder (keys, staging, quarantine) and its database (SQLite by default,
PostgreSQL by URL). The schema is created with ``create_all`` and its version recorded in hub_meta.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateIndex

from desktop.db.session import Database, make_engine
from desktop.errors import UserError
from province.models import HubMeta
from province.schema import HUB_METADATA

HUB_SCHEMA_VERSION = 1
APP_NAME = "MotCuaProvince"
T = TypeVar("T")
# PostgreSQL connections per hub process. An import holds exactly ONE connection from start to commit
# (issue 14: a second session opened while holding the device lock starved the pool); the server lets at
# most IMPORT_SLOTS acknowledgements run at once (``province.server``), leaving the rest of the pool to the
# read routes: the pool's overflow connections are never opened and closed push after push.
POOL_SIZE = int(os.environ.get("MOTCUA_HUB_POOL", "10"))
IMPORT_SLOTS = max(1, POOL_SIZE - 4)
# Safety net: PostgreSQL ends a session left "idle in transaction" this long (a bug, a hung client).
IDLE_IN_TRANSACTION_MS = 60_000
# A pooled connection unused this long is pinged before it is handed out (a restarted database, a dropped
# TCP connection); one used a moment ago is not (the ping was two of an acknowledgement's six round trips).
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN = "motcua_checked_in"  # key in the pooled connection's info: when it went back to the pool
# A database error, however it surfaced: through SQLAlchemy, or raised by psycopg itself on the driver's own
# cursor (the COPYs, the pipelined upsert, the id-array reads). Either is the database's trouble (a deadlock,
# a timeout, a lost connection), never the batch's: retried, not refused as bad content (review 12).
DB_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, psycopg.Error)


def hub_dir(explicit: str | Path | None = None) -> Path:
    """``--data-dir``, else ``MOTCUA_HUB_DIR``, else the per-user data folder of the hub."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("MOTCUA_HUB_DIR"):
        path = Path(os.environ["MOTCUA_HUB_DIR"])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Hub(Database):
    """The hub's engine and sessions (transaction / reading as on the desk) plus its data folder."""

    data_dir: Path = Path(".")
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def meta(self, key: str, default: Any = None) -> Any:
        with self.reading() as session:
            value = session.scalar(select(HubMeta.value).where(HubMeta.key == key))
        return default if value is None else value

    def remember(self, key: Any, make: Callable[[], T]) -> T:
        """A per-process cache for IMMUTABLE things only (a key pair by its id): losing it costs a reload,
        never correctness, so several hub processes may run against one database."""
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
        value = make()
        with self._cache_lock:
            return self._cache.setdefault(key, value)


    def warm_pool(self, count: int) -> None:
        """Open ``count`` pooled connections now (PostgreSQL): each new one costs a backend start and the
        staging tables' DDL, which 200 desks arriving at a freshly started hub would otherwise wait for."""
        if self.engine.dialect.name != "postgresql":
            return
        opened = []
        try:
            for _ in range(count):
                opened.append(self.engine.connect())
        finally:
            for connection in opened:
                connection.close()


def meta_in(session: Session, *keys: str) -> dict[str, Any]:
    """Several ``Hub.meta`` values in one query, inside a session already open (an import must not open a
    second one while it holds its device lock)."""
    return dict(session.execute(select(HubMeta.key, HubMeta.value).where(HubMeta.key.in_(keys))).all())


def put_meta(session: Session, key: str, value: Any) -> None:
    HubMeta.put(session, key, value)


def open_hub(url: str | None = None, *, data_dir: str | Path | None = None) -> Hub:
    """Open (creating or upgrading the schema) the hub database."""
    folder = hub_dir(data_dir)
    engine = hub_engine(url or f"sqlite:///{folder / 'hub.sqlite3'}")
    create_schema(engine)
    return Hub(engine=engine, sessions=sessionmaker(bind=engine, expire_on_commit=False), data_dir=folder)


def hub_engine(url: str) -> Engine:
    """SQLite as on the desk; PostgreSQL with a pool sized for the server and no idle transactions."""
    if not url.startswith("postgresql"):
        return make_engine(url)
    engine = create_engine(url, future=True, pool_size=POOL_SIZE, max_overflow=2, pool_timeout=60)
    _ping_when_idle(engine)

    @event.listens_for(engine, "connect")
    def _session_settings(dbapi_connection: Any, record: Any) -> None:
        from province.schema import DATA_TABLES
        from province.staging import STAGES_READY, create_stages

        was = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_MS}")
        create_stages(dbapi_connection, engine.dialect, list(DATA_TABLES.values()))
        record.info[STAGES_READY] = True
        dbapi_connection.autocommit = was

    return engine


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` for connections idle over ``PING_AFTER_IDLE_SECONDS`` only: a dead one is replaced
    (the pool retries the checkout with a fresh connection), a busy server's pushes pay no ping."""
    import time

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get(_CHECKED_IN)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            if not engine.dialect.do_ping(dbapi_connection):
                raise exc.DisconnectionError("ping")
        except exc.DisconnectionError:
            raise
        except Exception as error:  # the driver's own error for a dead connection
            raise exc.DisconnectionError(str(error)) from error


def add_missing_columns(engine: Engine) -> list[str]:
    """Nullable columns a newer desk schema brings (issue #15's resolving body, #19's payment method) are
    added to an existing hub's tables; rows already stored read them as NULL, as an older desk's batches
    have none either."""
    from sqlalchemy.schema import CreateColumn

    added = []
    inspector = inspect(engine)
    present_tables = set(inspector.get_table_names())
    with engine.begin() as conn:
        for table in HUB_METADATA.sorted_tables:
            if table.name not in present_tables:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have and column.nullable:
                    ddl = CreateColumn(column).compile(dialect=engine.dialect)
                    conn.execute(text(f"ALTER TABLE {engine.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {ddl}"))
                    added.append(f"{table.name}.{column.name}")
    return added


def create_schema(engine: Engine) -> None:
    """Reproducible: the same metadata on SQLite and PostgreSQL; a newer hub's database is refused."""
    HubMeta.__table__.create(engine, checkfirst=True)
    with Session(engine) as session:
        stored = session.scalar(select(HubMeta.value).where(HubMeta.key == "hub_schema"))
    if stored is not None and int(stored) > HUB_SCHEMA_VERSION:
        raise UserError("Cơ sở dữ liệu máy chủ tỉnh được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.",
                        code="db_too_new")
    from province import partitions

    pg = engine.dialect.name == "postgresql"  # issue 14: dossiers and events partitioned by year there
    HUB_METADATA.create_all(engine, tables=[t for t in HUB_METADATA.sorted_tables  # checkfirst: adds, never drops
                                            if not partitions.is_partitioned(engine.dialect, t.name)])
    add_missing_columns(engine)
    if pg:
        from province.schema import DATA_TABLES

        partitions.ensure_schema(engine, DATA_TABLES)
        from province import storage

        storage.ensure(engine)  # room for in-place updates in the tables batches keep rewriting
        from province import intake_cap

        intake_cap.ensure_function(engine)  # the acknowledgement's capped INSERT, one round trip
    with engine.begin() as conn:  # and indexes a newer hub adds to existing tables (catalogue read: no lock)
        query = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                 if engine.dialect.name == "postgresql" else "SELECT name FROM sqlite_master WHERE type = 'index'")
        present = set(conn.execute(text(query)).scalars())
        for table in HUB_METADATA.sorted_tables:
            for index in table.indexes:
                if index.name not in present:  # on a partitioned table: one index per partition
                    conn.execute(CreateIndex(index, if_not_exists=True))
    if stored != HUB_SCHEMA_VERSION:
        with Session(engine) as session, session.begin():
            put_meta(session, "hub_schema", HUB_SCHEMA_VERSION)
    from province import report_counts

    report_counts.ensure(engine)  # issue 14: an older hub's report aggregates are built from its raw rows
