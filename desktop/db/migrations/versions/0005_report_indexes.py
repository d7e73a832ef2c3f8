"""report indexes: the moment a dossier left the desk (result, withdrawal or return)

Revision ID: 0005_report_indexes
Revises: 0004_audit
Create Date: 2026-11-23 10:20:00

The late/overdue list of the periodic report reads only dossiers resolved in the window or still
open at its end; an index on COALESCE(result_at, withdrawn_at, returned_at) turns that scan of every
dossier into three short index ranges (bench/bench_periodic.py).
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_report_indexes"
down_revision = "0004_audit"
branch_labels = None
depends_on = None

RESOLUTION = "coalesce(result_at, withdrawn_at, returned_at)"


def upgrade() -> None:
    op.create_index("ix_dossier_resolution", "dossier", [sa.text(RESOLUTION)])


def downgrade() -> None:
    op.drop_index("ix_dossier_resolution", table_name="dossier")
