"""calendar source: which layer (province package or the desk's admin) set an override

Revision ID: 0006_calendar_source
Revises: 0005_report_indexes
Create Date: 2026-12-05 00:10:00

The calendar page and ``calendar show --json`` say where each day comes from (issue #17); rows
written before this revision were all the desk's own or a package's without telling: they become
"local".
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_calendar_source"
down_revision = "0005_report_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_override") as batch:
        batch.add_column(sa.Column("source", sa.String(length=16), nullable=False, server_default="local"))


def downgrade() -> None:
    with op.batch_alter_table("calendar_override") as batch:
        batch.drop_column("source")
