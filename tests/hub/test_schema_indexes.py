"""A newer hub adds its report indexes to an existing hub database when it opens it (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text

from province.db import Hub, open_hub


def _indexes(hub: Hub) -> set[str]:
    query = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
             if hub.engine.dialect.name == "postgresql" else "SELECT name FROM sqlite_master WHERE type = 'index'")
    with hub.engine.connect() as conn:
        return set(conn.execute(text(query)).scalars())


def test_missing_report_indexes_are_created_on_open(hub: Hub) -> None:
    assert {"ix_hub_dossier_resolution", "ix_hub_dossier_owner_received"} <= _indexes(hub)
    with hub.engine.begin() as conn:  # a hub database made before these indexes existed
        conn.execute(text("DROP INDEX ix_hub_dossier_resolution"))
    assert "ix_hub_dossier_resolution" not in _indexes(hub)
    again = open_hub(hub.engine.url.render_as_string(hide_password=False), data_dir=hub.data_dir)
    try:
        assert "ix_hub_dossier_resolution" in _indexes(again)
    finally:
        again.dispose()
