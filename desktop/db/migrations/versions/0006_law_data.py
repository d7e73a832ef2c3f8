"""law data: outgoing numbers of apology and stop letters

Revision ID: 0006_law_data
Revises: 0005_report_indexes
Create Date: 2026-12-05 00:10:00

Issue #17. ``outgoing_letter`` (this desk's own register, not synced) gives an apology or stop letter
its own outgoing number (số văn bản đi), a yearly sequence per form, kept on reprint.
"""
import sqlalchemy as sa

import desktop.db.types
from alembic import op

revision = "0006_law_data"
down_revision = "0005_report_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outgoing_letter",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issued_at", desktop.db.types.VNDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_letter")),
        sa.UniqueConstraint("form", "subject_id", name="uq_outgoing_letter_subject"),
        sa.UniqueConstraint("form", "year", "number", name="uq_outgoing_letter_number"),
    )


def downgrade() -> None:
    op.drop_table("outgoing_letter")
