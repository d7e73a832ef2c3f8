"""The quick revision reader used at start-up must agree with Alembic's own graph."""

from __future__ import annotations

from desktop.db.session import alembic_config, known_heads, known_revisions, make_engine


def test_quick_reader_matches_alembic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    engine = make_engine(str(tmp_path / "x.db"))
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert known_heads() == set(script.get_heads())
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
    engine.dispose()


def test_fresh_database_is_at_head(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.db.session import current_revisions

    assert current_revisions(db.engine) == known_heads()
