"""ledger index: the receipt's ledger number read from an index alone (issue #18)

Revision ID: 0010_ledger_index
Revises: 0009_indicators
Create Date: 2026-12-05 09:00:00

The receipt prints its number in the year's ledger: the count of the year's received dossiers before it.
With (received_at, status, deleted, code) in one index SQLite counts them without reading the table
(218 → 50 ms at 200,000 dossiers on a loaded 2-core machine). It replaces the index on received_at
alone, which it begins with.
"""
from alembic import op

revision = "0010_ledger_index"
down_revision = "0009_indicators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_dossier_received_at", table_name="dossier")
    op.create_index("ix_dossier_ledger", "dossier", ["received_at", "status", "deleted", "code"])


def downgrade() -> None:
    op.drop_index("ix_dossier_ledger", table_name="dossier")
    op.create_index("ix_dossier_received_at", "dossier", ["received_at"])
