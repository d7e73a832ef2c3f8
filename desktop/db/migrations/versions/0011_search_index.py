"""search index: an FTS5 trigram index over the folded search text of dossiers (issue #18)

Revision ID: 0011_search_index
Revises: 0010_ledger_index
Create Date: 2026-12-05 09:10:00

The search box matches any part of a code, a name without diacritics or an ID number: a ``LIKE '%…%'``
that reads every dossier (106 ms at 200,000, 758 ms at 1,000,000). The trigram index answers a
substring of three characters or more from the index. It is an external-content index over
``dossier.search_text`` kept by triggers, so every writer (services, demo bulk path, sync, history import)
keeps it true without knowing it exists. A later migration that recreates the ``dossier`` table
(``batch_alter_table`` copies it) must run ``INSERT INTO dossier_fts(dossier_fts) VALUES('rebuild')``
and recreate the triggers. An SQLite without FTS5 gets no index; the search then stays a LIKE.
"""
from alembic import op
from sqlalchemy.exc import OperationalError

revision = "0011_search_index"
down_revision = "0010_ledger_index"
branch_labels = None
depends_on = None

TRIGGERS = (
    "CREATE TRIGGER dossier_fts_insert AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "CREATE TRIGGER dossier_fts_delete AFTER DELETE ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER dossier_fts_update AFTER UPDATE OF search_text ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
    "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    try:
        op.execute("CREATE VIRTUAL TABLE dossier_fts USING fts5(search_text, content='dossier', "
                   "content_rowid='rowid', tokenize='trigram')")
    except OperationalError:  # no FTS5 or no trigram tokenizer in this SQLite: search stays a LIKE
        return
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("dossier_fts_insert", "dossier_fts_delete", "dossier_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS dossier_fts")
