"""Hub fixtures: every hub test runs on SQLite and on PostgreSQL (``MOTCUA_PG_URL``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from province.db import Hub
from tests.sync_support import drop_pg_schema, fresh_hub, pg_schema_url, pg_url_or_skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    return pg_url_or_skip()


@pytest.fixture
def hub_factory(hub_url: str | None, tmp_path: Path) -> Iterator[Callable[..., Hub]]:
    """Fresh, empty hubs on the parametrised database (each PostgreSQL hub in its own schema)."""
    made: list[tuple[Hub, str | None]] = []

    def make(keys_from: Hub | None = None) -> Hub:
        url, schema = (None, None) if hub_url is None else pg_schema_url(hub_url)
        instance = fresh_hub(url, tmp_path / f"hub{len(made)}", keys_from=keys_from)
        made.append((instance, schema))
        return instance

    yield make
    for instance, schema in made:
        instance.dispose()
        if schema and hub_url:
            drop_pg_schema(hub_url, schema)


@pytest.fixture
def hub(hub_factory: Callable[..., Hub]) -> Hub:
    return hub_factory()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """PostgreSQL only: a URL into a schema of its own, dropped afterwards (tests that build a hub themselves)."""
    base = pg_url_or_skip()
    url, schema = pg_schema_url(base)
    yield url
    drop_pg_schema(base, schema)
