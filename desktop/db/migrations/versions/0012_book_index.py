"""book index: the receipt's ledger number counted from a partial index (issue #18, session 7)

Revision ID: 0012_book_index
Revises: 0011_search_index
Create Date: 2026-12-05 17:40:00

The ledger number is the count of the year's booked dossiers (not deleted, not refused) received before
this one. On ``ix_dossier_ledger`` SQLite tests status and deleted on every entry of the year and, for the
tie on the reception time, ORs two index ranges into a row set: 44 ms at 200,000 dossiers. This index
holds only the booked dossiers, so the count is a bare walk of one index range (about 6 ms for 90,000
entries). ``forms.data.ledger_position`` names it (``INDEXED BY``) with the literal terms of its WHERE.
"""
from alembic import op

revision = "0012_book_index"
down_revision = "0011_search_index"
branch_labels = None
depends_on = None

BOOKED = "deleted = 0 AND status != 'refused_at_reception'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_dossier_book ON dossier (received_at, code) WHERE {BOOKED}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_dossier_book")
