"""Issue #19: every late dossier names its responsible officer; ``report late --json`` lists late dossiers
per unit and officer (the monthly list of late units and officers)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from desktop.services import dossiers, officers
from desktop.services.dossiers import Applicant, Reception
from tests.reports.scenario import HO_TICH, t


def _late_october(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.transaction(officer="setup") as s:
        officers.create_officer(s, username="canbo", full_name="Nguyễn Thị Lan", password="matkhau1")
        officers.create_officer(s, username="xuly", full_name="Trần Văn Bình", password="matkhau2")
        officers.create_officer(s, username="lanhdao", full_name="Lê Văn Cường", password="matkhau3", role="leader")
    codes = {}
    with db.transaction(officer="canbo") as s:
        for key, day in (("A", 5), ("B", 6), ("C", 7)):
            codes[key] = dossiers.receive(s, Reception(procedure_code=HO_TICH, applicant=Applicant(name=f"Người {key}"),
                                                       at=t(2026, 10, day, 9))).code
        dossiers.start(s, codes["A"], at=t(2026, 10, 5, 10), handler="xuly")
        dossiers.start(s, codes["B"], at=t(2026, 10, 6, 10), handler="xuly")
    with db.transaction(officer="lanhdao") as s:
        dossiers.issue_apology(s, codes["A"], new_date=date(2026, 10, 20), reason="Chờ xác minh", at=t(2026, 10, 8, 10))
        dossiers.record_result(s, codes["A"], at=t(2026, 10, 20, 9))  # late, apologised, handled by xuly
        dossiers.record_result(s, codes["B"], at=t(2026, 10, 21, 9))  # late, no apology, handled by xuly
        # C: nobody took it up; still open and overdue → the receiving officer answers for it
    return codes


def test_late_list_names_the_responsible_officer(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    codes = _late_october(db)
    data = cli("report", "late", "--period", "2026-10", "--calendar", "--json").json()
    items = {d["code"]: d for d in data["late_dossiers"]}
    assert {k: (items[c]["status"], items[c]["officer"], items[c]["officer_name"]) for k, c in codes.items()} == {
        "A": ("late", "xuly", "Trần Văn Bình"), "B": ("late", "xuly", "Trần Văn Bình"),
        "C": ("overdue", "canbo", "Nguyễn Thị Lan")}
    summary = [(g["officer"], g["late"], g["overdue"], g["without_apology"], sorted(g["codes"]))
               for g in data["late_by_officer"]]
    assert summary == [("xuly", 2, 0, 1, sorted([codes["A"], codes["B"]])), ("canbo", 0, 1, 1, [codes["C"]])]
    text = cli("report", "late", "--period", "2026-10", "--calendar").out
    assert "Trần Văn Bình" in text and "Nguyễn Thị Lan" in text
    book = tmp_path / "tre_han.xlsx"
    assert cli("report", "late", "--period", "2026-10", "--calendar", "--xlsx", str(book)).code == 0
    sheet = load_workbook(book).active
    header = [c.value for c in sheet[5]]
    assert header[-1] == "Cán bộ phụ trách"
    assert {sheet.cell(row=r, column=len(header)).value for r in (6, 7, 8)} == {"Trần Văn Bình", "Nguyễn Thị Lan"}
    pdf = tmp_path / "tre_han.pdf"
    assert cli("report", "late", "--period", "2026-10", "--calendar", "--pdf", str(pdf)).code == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
