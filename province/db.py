"""Opening the hub: its data folder (keys, staging, quarantine) and its database (SQLite by default,
PostgreSQL by URL). The schema is created with ``create_all`` and its version recorded in hub_meta.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from desktop.db.session import Database, make_engine
from desktop.errors import UserError
from province.models import HubMeta
from province.schema import HUB_METADATA

HUB_SCHEMA_VERSION = 1
APP_NAME = "MotCuaProvince"


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

    def meta(self, key: str, default: Any = None) -> Any:
        with self.reading() as session:
            value = session.scalar(select(HubMeta.value).where(HubMeta.key == key))
        return default if value is None else value


def put_meta(session: Session, key: str, value: Any) -> None:
    row = session.get(HubMeta, key)
    if row is None:
        session.add(HubMeta(key=key, value=value))
    else:
        row.value = value


def open_hub(url: str | None = None, *, data_dir: str | Path | None = None) -> Hub:
    """Open (creating or upgrading the schema) the hub database."""
    folder = hub_dir(data_dir)
    engine = make_engine(url or f"sqlite:///{folder / 'hub.sqlite3'}")
    create_schema(engine)
    return Hub(engine=engine, sessions=sessionmaker(bind=engine, expire_on_commit=False), data_dir=folder)


def create_schema(engine: Engine) -> None:
    """Reproducible: the same metadata on SQLite and PostgreSQL; a newer hub's database is refused."""
    HubMeta.__table__.create(engine, checkfirst=True)
    with Session(engine) as session:
        stored = session.scalar(select(HubMeta.value).where(HubMeta.key == "hub_schema"))
    if stored is not None and int(stored) > HUB_SCHEMA_VERSION:
        raise UserError("Cơ sở dữ liệu máy chủ tỉnh được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.",
                        code="db_too_new")
    HUB_METADATA.create_all(engine)  # checkfirst: adds tables new model modules bring, never drops
    if stored != HUB_SCHEMA_VERSION:
        with Session(engine) as session, session.begin():
            put_meta(session, "hub_schema", HUB_SCHEMA_VERSION)
