"""One rule for «quá hạn» / «sắp đến hạn» in the list, its filters, the ledger and the dashboard:
only a running clock can be late; a dossier awaiting a supplement has a stopped clock."""

from __future__ import annotations

from datetime import timedelta

from desktop.platform import clock
from desktop.reports.indicators import today_section
from desktop.services import dossiers, queries
from desktop.services.desk import desk_context


def test_awaiting_supplement_is_never_overdue_everywhere(db) -> None:  # type: ignore[no-untyped-def]
    long_ago = clock.now() - timedelta(days=40)
    with db.transaction(officer="system") as s:
        late = dossiers.receive(s, dossiers.Reception("1.001193", dossiers.Applicant("Nguyễn Văn Muộn"), at=long_ago)).code
        dossiers.start(s, late, at=long_ago)
        paused = dossiers.receive(s, dossiers.Reception("1.001193", dossiers.Applicant("Lê Thị Chờ"), at=long_ago)).code
        dossiers.request_supplement(s, paused, items="Bản sao giấy khai sinh", at=long_ago + timedelta(hours=1))
    with db.reading() as s:
        rules, now = desk_context(s).rules, clock.now()
        overdue = set(queries.dossier_ids(s, queries.DossierFilter(overdue_at=now)))
        due_soon = set(queries.dossier_ids(s, queries.DossierFilter(due_before=queries.due_soon_limit(s))))
        marks = {d.code: queries.urgency(d.status, d.due_at, rules, now)[0]
                 for d in (dossiers.get_dossier(s, late), dossiers.get_dossier(s, paused))}
        today = today_section(s, None)
        ids = {dossiers.get_dossier(s, c).id: c for c in (late, paused)}
    assert {ids[i] for i in overdue if i in ids} == {late}
    assert {ids[i] for i in due_soon if i in ids} == {late}
    assert marks == {late: "overdue", paused: None}
    assert today["overdue_now"] == 1 and today["awaiting_supplement"] == 1


def test_live_appointment_is_the_receipts_due_moment(db) -> None:  # type: ignore[no-untyped-def]
    evening = (clock.now() - timedelta(days=1)).replace(hour=17, minute=30)  # after close: next working day counts
    with db.transaction(officer="system") as s:
        shown = dossiers.appointment_if_received(s, "1.004873", at=evening)
        saved = dossiers.receive(s, dossiers.Reception("1.004873", dossiers.Applicant("Vũ Thị Hẹn"), at=evening))
    assert shown == saved.due_at and shown.date() > evening.date()
