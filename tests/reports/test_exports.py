"""The Excel and PDF forms: merged headers, column numbers, numbers, exact Vietnamese text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from tests.reports import scenario


@pytest.fixture
def report(db):  # type: ignore[no-untyped-def]
    scenario.build(db)
    with db.reading() as s:
        return periodic_report(s, parse_period("2026-10"))


def test_xlsx_layout_and_numbers(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.reports.xlsx import HEADER_ROW, write_periodic_xlsx

    path = write_periodic_xlsx(report, tmp_path / "bieu06.xlsx")
    wb = load_workbook(path)
    ws = wb["Biểu 06"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI UBND XÃ TÂN LẬP" in texts
    assert "(Từ ngày 15/09/2026 đến ngày 14/10/2026)" in texts
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "…, ngày 20 tháng 11 năm 2026"} <= set(texts)
    merged = {str(r) for r in ws.merged_cells.ranges}
    top = HEADER_ROW
    assert {f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:F{top}", f"G{top}:J{top}", f"K{top}:M{top}"} <= merged
    assert ws.cell(top, 3).value == "Số hồ sơ nhận giải quyết"
    assert ws.cell(top, 11).value == "Số hồ sơ đang giải quyết"
    assert [ws.cell(top + 2, c).value for c in range(1, 14)] == [f"({n})" for n in range(1, 14)]
    first = top + 3
    assert [ws.cell(first, c).value for c in range(1, 14)] == [1, "Hộ tịch", 4, 1, 2, 1, 2, 1, 0, 1, 2, 2, 0]
    total_row = first + len(report["rows"])
    assert [ws.cell(total_row, c).value for c in range(2, 14)] == ["Tổng cộng", 8, 1, 6, 1, 3, 2, 0, 1, 5, 3, 2]
    assert ws.cell(first, 2).font.name == "Times New Roman"
    assert ws.cell(first, 5).border.left.style == "thin"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    late = wb["Hồ sơ trễ hạn"]
    codes = [late.cell(r, 2).value for r in range(6, 9)]
    assert [d["code"] for d in report["late_dossiers"]] == codes
    assert late.cell(6, 10).value == "Đã lập" and late.cell(6, 11).value == "Chờ xác minh thông tin nơi sinh"
    assert not list(tmp_path.glob(".*.tmp"))


def _pdftotext(path: Path, *, layout: bool = True) -> str:
    assert shutil.which("pdftotext"), "poppler-utils must be installed (bootstrap.py installs it in CI)"
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _flat(path: Path) -> str:
    """Reading-order text with wrapped cell lines joined, so phrases can be checked whole."""
    return " ".join(_pdftotext(path, layout=False).split())


def test_pdf_text_with_exact_diacritics(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.reports.pdf import write_periodic_pdf

    path = write_periodic_pdf(report, tmp_path / "bieu06.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("LiberationSerif" in row[0] for row in rows), fonts
    assert all(row[-5] == "yes" for row in rows), fonts  # every font embedded: no stray Helvetica
    text, flat = _pdftotext(path), _flat(path)
    for phrase in ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI UBND XÃ TÂN LẬP",
                   "Từ ngày 15/09/2026 đến ngày 14/10/2026", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết",
                   "Số hồ sơ đang giải quyết", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "Biểu số 06/VPCP/KSTT",
                   "DANH SÁCH HỒ SƠ TRỄ HẠN, QUÁ HẠN", "Chờ xác minh thông tin nơi sinh"):
        assert phrase in flat, phrase
    assert "(1)" in text and "(13)" in text
    total_line = next(line for line in text.splitlines() if "Tổng cộng" in line)
    assert total_line.split()[2:] == ["8", "1", "6", "1", "3", "2", "0", "1", "5", "3", "2"]
    hotich = next(line for line in text.splitlines() if "Hộ tịch" in line and line.strip().startswith("1"))
    assert hotich.split()[3:] == ["4", "1", "2", "1", "2", "1", "0", "1", "2", "2", "0"]


def test_late_list_exports(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    codes = scenario.build(db)
    xlsx, pdf = tmp_path / "late.xlsx", tmp_path / "late.pdf"
    result = cli("report", "late", "--period", "2026-10", "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert result.code == 0, result.err
    ws = load_workbook(xlsx).active
    assert ws.cell(5, 2).value == "Mã hồ sơ"
    assert {ws.cell(r, 2).value for r in range(6, 9)} == {codes["A"], codes["E"], codes["I"]}
    text = _flat(pdf)
    assert "DANH SÁCH HỒ SƠ TRỄ HẠN, QUÁ HẠN" in text and "Đang giải quyết, quá hạn" in text
    assert "Chưa lập" in text and "Đã lập" in text


def test_cli_writes_both_files(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scenario.build(db)
    xlsx, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    result = cli("report", "periodic", "--period", "2026-Q4", "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert result.code == 0, result.err
    assert xlsx.stat().st_size > 0 and pdf.read_bytes().startswith(b"%PDF")
    assert "Tổng cộng | 9 | 2 | 6 | 1 | 7 | 2 | 3 | 2 | 2 | 0 | 2" in result.out
