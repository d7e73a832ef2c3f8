"""Issue #20: export all (xlsx and CSV zip). The 10k round trip (export → import into an empty desk) is
still on the `history` branch: it did not pass within the session."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from desktop.db.session import open_database
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from tests.history.ledger_fixture import build_ledger


def test_export_all_typed_cells_and_csv_zip(cli, tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    assert cli("history", "import", str(build_ledger(tmp_path / "l.xlsx")), "--accept-fuzzy").code == 0
    out = tmp_path / "tat-ca.xlsx"
    done = cli("export", "all", "--out", str(out), "--json")
    assert done.code == 0, done.err
    assert done.json()["sheets"]["Hồ sơ"] == 5 and done.json()["sheets"]["Sự kiện"] == 16
    wb = load_workbook(out)
    assert wb.sheetnames == ["Hồ sơ", "Sự kiện", "Thành phần", "Bổ sung", "Xin lỗi", "Khảo sát", "Số thứ tự"]
    ws = wb["Hồ sơ"]
    header = [c.value for c in ws[1]]
    row = {header[i]: c for i, c in enumerate(ws[2])}
    assert row["Mã hồ sơ"].value == "000.00.23.H49-261002-0001"
    assert row["Ngày nhận"].value == datetime(2026, 10, 2, 8, 15) and row["Ngày nhận"].number_format == "dd/mm/yyyy hh:mm"
    assert row["Số bộ hồ sơ"].value == 1 and row["Trạng thái"].value == "Đã trả kết quả"

    part = tmp_path / "thang10.zip"
    assert cli("export", "all", "--out", str(part), "--from", "2026-10-05", "--to", "06/10/2026").code == 0
    with zipfile.ZipFile(part) as archive:
        raw = archive.read("01-ho-so.csv")
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r[5] for r in rows[1:]) == ["Lê Văn Cường", "Phạm Thị Dung", "Trần Thị Bình"]
    assert rows[1][13] == "2026-10-05 07:30:00"
    bad = cli("export", "all", "--out", str(tmp_path / "x.pdf"))
    assert bad.code == 2 and ".xlsx" in bad.err


def _reports(path: Path) -> list[dict]:
    db = open_database(path)
    try:
        with db.reading() as session:
            return [periodic_report(session, parse_period(p, calendar=cal))
                    for p, cal in (("2025", False), ("2026", False), ("2025-Q2", False), ("2026-03", True),
                                   ("2026-10", False), ("2026-11", True))]
    finally:
        db.dispose()


def _figures(report: dict) -> tuple:
    return (report["total"], [(r["field"], r["received"], r["resolved"], r["in_progress"]) for r in report["rows"]])
