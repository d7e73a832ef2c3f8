"""Migrations: a backup first (only for a database that has a schema), one transaction, all or nothing."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from desktop.platform import backup
from desktop.db import session as db_session
from desktop.db.session import open_database
from desktop.errors import UserError
from tests.safety.helpers import sha256

STEP = '''
from alembic import op
import sqlalchemy as sa

revision = "9999_test"
down_revision = {heads!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    op.execute("UPDATE setting SET value = '\\"changed\\"' WHERE key = 'unit_code'")
    {failure}


def downgrade() -> None:
    op.drop_table("half_done")
'''


def _migrations_with_extra_step(tmp_path, monkeypatch, *, fail: bool):  # type: ignore[no-untyped-def]
    folder = tmp_path / "migrations"
    shutil.copytree(db_session.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    heads = tuple(sorted(db_session.known_heads(db_session.make_engine(str(tmp_path / "h.sqlite3")))))
    failure = 'raise RuntimeError("deliberate failure")' if fail else "pass"
    (folder / "versions" / "9999_test.py").write_text(STEP.format(heads=heads, failure=failure))
    monkeypatch.setattr(db_session, "MIGRATIONS_DIR", folder)
    db_session.revision_graph.cache_clear()  # the quick revision reader caches the real folder


@pytest.fixture(autouse=True)
def _fresh_revision_graph():  # type: ignore[no-untyped-def]
    yield
    db_session.revision_graph.cache_clear()  # back to the real migrations for the next test


def _tables(path) -> set[str]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_failed_migration_leaves_the_old_file_byte_identical(db_path, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = sha256(db_path)
    _migrations_with_extra_step(tmp_path, monkeypatch, fail=True)
    with pytest.raises(UserError) as err:
        open_database(db_path)
    assert err.value.code == "migration_failed" and "dữ liệu cũ được giữ nguyên" in err.value.message
    assert sha256(db_path) == before
    assert "half_done" not in _tables(db_path)
    assert backup.integrity_errors(db_path) == []
    taken = backup.list_backups()
    assert [b.kind for b in taken] == ["pre-migration"] and str(taken[0].path) in err.value.message


def test_successful_migration_is_backed_up_first(db_path, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = sha256(db_path)
    _migrations_with_extra_step(tmp_path, monkeypatch, fail=False)
    db = open_database(db_path)
    db.dispose()
    assert "half_done" in _tables(db_path)
    [taken] = backup.list_backups()
    assert taken.kind == "pre-migration" and sha256(taken.path) != before  # journal mode differs, content same
    assert "half_done" not in _tables(taken.path)


def test_brand_new_database_is_not_backed_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "new.sqlite3")
    db.dispose()
    assert backup.list_backups() == []
