"""Issue #20: export all (xlsx and CSV zip) and the round trip at 10k dossiers: export all → import into an
empty desk gives the same reports, and a second import adds nothing."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop.db.models import Dossier, DossierEvent, Supplement
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


def _same_moment(one: datetime | None, two: datetime | None) -> bool:
    """Excel keeps times to the millisecond: a moment survives the round trip within half of one."""
    return one == two or (one is not None and two is not None and abs((one - two).total_seconds()) <= 0.0005)


def test_round_trip_10k_gives_the_same_reports(cli, tmp_path: Path, template_db: Path) -> None:  # type: ignore[no-untyped-def]
    from bench.bulk_dossiers import bulk_database

    source = tmp_path / "source.sqlite3"
    shutil.copyfile(bulk_database(10_000), source)
    out = tmp_path / "all.xlsx"
    assert cli("export", "all", "--out", str(out), db=source).code == 0
    empty = tmp_path / "empty.sqlite3"
    shutil.copyfile(template_db, empty)
    done = cli("history", "import", str(out), "--json", db=empty)
    assert done.code == 0, done.err
    result = done.json()
    assert result["refused"] == [] and result["skipped_duplicates"] == 0 and result["imported"] == 10_000

    src, dst = open_database(source), open_database(empty)
    try:
        with src.reading() as a, dst.reading() as b:
            assert a.scalar(select(func.count(Supplement.id))) == b.scalar(select(func.count(Supplement.id))) > 0
            for column in (Dossier.status, Dossier.channel):  # (the bench rows carry no result word)
                assert dict(a.execute(select(column, func.count()).group_by(column)).all()) == \
                    dict(b.execute(select(column, func.count()).group_by(column)).all()), column
            codes = select(Dossier.code, Dossier.received_at, Dossier.due_at, Dossier.result_at, Dossier.returned_at)
            pairs = list(zip(a.execute(codes.order_by(Dossier.code)).all(), b.execute(codes.order_by(Dossier.code)).all(),
                             strict=True))
            assert all(x[0] == y[0] and all(_same_moment(m, n) for m, n in zip(x[1:], y[1:])) for x, y in pairs)
            assert b.scalar(select(func.count(DossierEvent.id))) >= 10_000
    finally:
        src.dispose()
        dst.dispose()
    before, after = _reports(source), _reports(empty)
    assert before[1]["total"]["received"]["total"] > 1000
    for one, two in zip(before, after):
        assert _figures(one) == _figures(two), one["period"]
    again = cli("history", "import", str(out), "--json", db=empty).json()
    assert again["imported"] == 0 and again["skipped_duplicates"] == 10_000
