"""component flags index: the digitisation counts answered from an index alone (issue #18, session 8)

Revision ID: 0013_component_flags
Revises: 0012_book_index
Create Date: 2026-12-05 19:40:00

The digitisation tracker (Số hóa, Tổng quan's digitisation rate and its 12-month trend) asks, for every
dossier received in the window, whether one of its live components is digitised, reused or from the
national portal. On ``ix_dossier_component_dossier_id`` each question reads the component rows from the
table (wide rows, scattered pages); with the flags in the index it is one index range: about half the
time of the year's count at 200,000 dossiers. SQLite only, like 0012 (the hub's reports read its own
aggregates); the planner picks it, no query names it.
"""
from alembic import op

revision = "0013_component_flags"
down_revision = "0012_book_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_dossier_component_flags ON dossier_component "
                   "(dossier_id, deleted, digitised, national_portal, reused_from_id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_dossier_component_flags")
