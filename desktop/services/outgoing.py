"""Số văn bản đi of the letters the unit signs (form 04 apology, form 05 stop notice): a yearly
sequence per form, given once when the letter is issued and printed again on every reprint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.platform import clock
from desktop.db.models import OutgoingLetter

LETTER_FORMS = ("apology", "stop")


def assign(session: Session, form: str, subject_id: str, dossier_code: str, at: datetime) -> int:
    """The letter's number (the same one if it already has one)."""
    if form not in LETTER_FORMS:
        raise ValueError(form)
    row = session.scalar(select(OutgoingLetter).where(OutgoingLetter.form == form,
                                                      OutgoingLetter.subject_id == subject_id))
    if row is not None:
        return row.number
    year = clock.to_vn(at).year
    last = session.scalar(select(func.max(OutgoingLetter.number)).where(OutgoingLetter.form == form,
                                                                         OutgoingLetter.year == year))
    row = OutgoingLetter(form=form, subject_id=subject_id, dossier_code=dossier_code, year=year,
                         number=(last or 0) + 1, issued_at=at)
    session.add(row)
    session.flush()
    return row.number


def outgoing_numbers(session: Session, dossier_code: str) -> dict[str, int]:
    """{"apology:<apology id>": n, "stop": n} for one dossier (what the forms print)."""
    rows = session.scalars(select(OutgoingLetter).where(OutgoingLetter.dossier_code == dossier_code))
    return {(f"{r.form}:{r.subject_id}" if r.form == "apology" else r.form): r.number for r in rows}
