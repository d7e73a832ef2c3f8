"""history: where imported dossiers came from (issue #20)

Revision ID: 0007_history
Revises: 0006_law_data
Create Date: 2026-12-05 00:40:00
"""
import sqlalchemy as sa

import desktop.db.types
from alembic import op

revision = "0007_history"
down_revision = "0006_law_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_import",
        sa.Column("dossier_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sheet", sa.Text(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", desktop.db.types.VNDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_unit", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", desktop.db.types.VNDateTime(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_import")),
    )
    with op.batch_alter_table("dossier_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_import_dossier_id"), ["dossier_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_import_dossier_id"))
    op.drop_table("dossier_import")
