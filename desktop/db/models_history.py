"""Issue #20: where an imported dossier came from (a ledger or an export file, and its row).

A separate synced table rather than columns on ``dossier``: the hub creates new tables on start-up
(``create_all``) but never alters existing ones, so a new table reaches the province with no hub
migration, and dossiers keep exactly the shape every report already reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.db.models import Base, Synced
from desktop.db.types import VNDateTime


class DossierImport(Synced, Base):
    """One imported dossier: the file it came from (name only, no folder), its sheet and row."""

    __tablename__ = "dossier_import"
    dossier_id: Mapped[str] = mapped_column(String(36), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(Text)
    source_sheet: Mapped[str | None] = mapped_column(Text, default=None)
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(VNDateTime())
    imported_by: Mapped[str | None] = mapped_column(String(64), default=None)
