"""indicators: payment method per dossier, desk staff on duty per day (issue #19)

Revision ID: 0009_indicators
Revises: 0008_two_tier
Create Date: 2026-12-05 08:10:00
"""
import sqlalchemy as sa

import desktop.db.types
from alembic import op

revision = "0009_indicators"
down_revision = "0008_two_tier"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_method", sa.String(length=16), nullable=True))
    op.create_table(
        "duty_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_unit", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", desktop.db.types.VNDateTime(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_day")),
        sa.UniqueConstraint("day", "username", name="uq_duty_day_day_username"),
    )


def downgrade() -> None:
    op.drop_table("duty_day")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("payment_method")
