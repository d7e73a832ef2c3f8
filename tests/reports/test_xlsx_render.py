"""Every workbook the desk writes, opened by LibreOffice as an officer's PC would (issue #18 item 12):
converted to PDF, its text shows each value once and in row order — no row drawn over the next, dates
with their hour, numbers in Vietnamese-free number formats. Skipped where LibreOffice is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.db.session import Database
from desktop.forms import export_ledger_xlsx
from desktop.platform import clock
from desktop.reports.indicators import indicators
from desktop.reports.indicators_xlsx import write_indicators_xlsx
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from desktop.reports.xlsx import write_late_xlsx, write_periodic_xlsx
from desktop.services import dossiers
from desktop.services.dossiers import Applicant, Reception

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice (soffice) or pdftotext is not installed")

HO_TICH = "1.004873"
NAMES = [f"Nguyễn Thị Người Nộp Hồ Sơ Có Họ Tên Rất Dài Số {i} Ở Thôn Đồng Tâm Xã Tân Lập" for i in range(1, 7)]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _in_order(text: str, values: list[str]) -> None:
    """Each value appears exactly once, and after the one before it (whitespace as the PDF breaks it)."""
    flat = re.sub(r"\s+", " ", text)
    position = 0
    for value in values:
        wanted = re.sub(r"\s+", " ", value)
        assert flat.count(wanted) == 1, (value, flat.count(wanted))
        found = flat.index(wanted)
        assert found >= position, f"{value!r} out of order"
        position = found


@pytest.fixture
def books(db: Database, tmp_path: Path) -> dict[str, Path]:
    codes = []
    with db.transaction(officer="system") as s:
        for index, name in enumerate(NAMES):
            received = datetime(2026, 10, 5 + index, 8, 15, tzinfo=clock.VN_TZ)
            dossier = dossiers.receive(s, Reception(procedure_code=HO_TICH, applicant=Applicant(
                name=name, address=f"Số {index + 1}, đường Lê Lợi, thôn Đồng Tâm, xã Tân Lập, tỉnh Phú Thọ"),
                at=received))
            codes.append(dossier.code)
            dossiers.record_result(s, dossier.code, at=datetime(2026, 10, 20 + index, 9, 30, tzinfo=clock.VN_TZ))
    period = parse_period("2026-10", calendar=True)
    with db.reading() as s:
        report = periodic_report(s, period)
        data = indicators(s, period)
        paths = {
            "ledger": export_ledger_xlsx(s, date(2026, 10, 1), date(2026, 10, 31), tmp_path / "so.xlsx"),
            "late": write_late_xlsx(report, tmp_path / "tre-han.xlsx"),
            "periodic": write_periodic_xlsx(report, tmp_path / "bieu06.xlsx"),
            "indicators": write_indicators_xlsx(data, tmp_path / "chi-so.xlsx"),
        }
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *map(str, paths.values())], check=True, capture_output=True,
                   timeout=300)
    books = {name: path.with_suffix(".pdf") for name, path in paths.items()}
    books["codes"] = codes  # type: ignore[assignment]
    return books


def test_ledger_rows_each_once_in_order_with_the_hour(books) -> None:  # type: ignore[no-untyped-def]
    text = _text(books["ledger"])
    _in_order(text, [f"{5 + i:02d}/10/2026 08:15" for i in range(len(NAMES))])  # received, with the hour
    assert text.count("20/10/2026 09:30") == 2  # sent back and result received: the same moment, two columns
    assert "Tổng số: 6 hồ sơ." in re.sub(r"\s+", " ", text)  # the total line is not cut into a narrow cell
    # every long, wrapped name keeps its last lines (a row too short would hide them), each once, in order;
    # pdftotext interleaves the lines of neighbouring cells, so a line of each name is what can be checked
    _in_order(text, [f"Số {i} Ở" for i in range(1, len(NAMES) + 1)])


def test_late_list_rows_each_once_in_order(books) -> None:  # type: ignore[no-untyped-def]
    text = _text(books["late"])
    _in_order(text, [f"{day:02d}/10/2026 17:00" for day in (8, 9, 12, 13, 14, 15)])  # due moments, typed


def test_periodic_and_indicators_render(books) -> None:  # type: ignore[no-untyped-def]
    periodic = _text(books["periodic"])
    assert "Hộ tịch" in periodic and "Tổng cộng" in periodic
    catalogue = _text(books["indicators"])
    assert "BỘ CHỈ SỐ THEO DÕI CỦA TỈNH" in catalogue and "on_time" in catalogue
