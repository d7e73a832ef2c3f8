"""two-tier reception: receiving unit, resolving body, transfer and result back (issue #15)

Revision ID: 0008_two_tier
Revises: 0007_history
Create Date: 2026-12-05 08:20:00
"""
import sqlalchemy as sa

import desktop.db.types
from alembic import op

revision = "0008_two_tier"
down_revision = "0007_history"
branch_labels = None
depends_on = None

COLUMNS = (
    ("receiving_unit", sa.String(length=16)),
    ("resolver_code", sa.String(length=32)),
    ("resolver_kind", sa.String(length=8)),
    ("resolver_name", sa.Text()),
    ("transferred_at", desktop.db.types.VNDateTime()),
    ("transfer_via", sa.String(length=8)),
    ("result_back_at", desktop.db.types.VNDateTime()),
    ("peer_version", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.create_index("ix_dossier_resolver_code", ["resolver_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_resolver_code")
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
