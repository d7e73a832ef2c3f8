"""``report-file --unit by-unit --format xlsx|pdf``: one row per unit equal to the unit's own report, and a
total row equal to the all-units report (issue #18 item 11)."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop.db.session import Database
from desktop.formatting import number
from desktop.reports.periodic import column_values
from desktop.texts import LABELS
from province.cli import main as province_main
from province.db import Hub
from province.report_files import report_file
from province.reports import periodic
from tests.sync_support import connect_desk, deliver, export, neighbour_desk, receive

NAMES = {"10375": "UBND xã Tân Lập", "10376": "UBND xã Tân Phú"}


@pytest.fixture
def two_units(db: Database, hub: Hub, tmp_path: Path) -> Hub:
    """Two communes' batches at the hub: 5 dossiers at Tân Lập (one resolved), 2 at Tân Phú."""
    from desktop.services import dossiers

    other = neighbour_desk(tmp_path / "other.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        codes = receive(db, 5, name="Trịnh Văn Báo")
        with db.transaction(officer="canbo") as session:
            dossiers.start(session, codes[0])
            dossiers.record_result(session, codes[0])
        receive(other, 2, name="Tạ Thị Nga")
        deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
        deliver(hub, other, export(other, tmp_path / "ub"), tmp_path / "ub")
    finally:
        other.dispose()
    return hub


def test_by_unit_xlsx_rows_are_each_units_report(two_units: Hub) -> None:
    sheet = load_workbook(BytesIO(report_file(two_units, unit="by-unit", period="2026-12", fmt="xlsx"))).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1] in NAMES or row[2] == LABELS["total"]}
    for code, name in NAMES.items():
        assert rows[code][2] == name
        own = column_values(periodic(two_units, unit=code, period="2026-12")["total"])
        assert list(rows[code][3:]) == own and all(type(v) is int for v in own)  # typed numbers
    total = next(row for row in rows.values() if row[2] == LABELS["total"])
    everything = column_values(periodic(two_units, unit="all", period="2026-12")["total"])
    assert list(total[3:]) == everything and everything[0] == 5 + 2
    assert [a + b for a, b in zip(rows["10375"][3:], rows["10376"][3:], strict=True)] == everything


def test_by_unit_pdf_names_and_totals(two_units: Hub, tmp_path: Path) -> None:
    assert shutil.which("pdftotext"), "poppler-utils must be installed (bootstrap.py installs it in CI)"
    out = tmp_path / "tung-don-vi.pdf"
    url = two_units.engine.url.render_as_string(hide_password=False)
    assert province_main(["--db-url", url, "--data-dir", str(two_units.data_dir), "report-file", "--unit",
                          "by-unit", "--period", "2026-12", "--format", "pdf", "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    for name in NAMES.values():
        assert name in text
    total_line = next(line for line in text.splitlines() if LABELS["total"] in line)
    everything = column_values(periodic(two_units, unit="all", period="2026-12")["total"])
    assert total_line.split()[2:] == [number(v) for v in everything]


def test_an_output_folder_that_does_not_exist_is_one_vietnamese_line(two_units: Hub, tmp_path: Path,
                                                                      capsys: Any) -> None:
    url = two_units.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "khong-co" / "tung-don-vi.xlsx"
    assert province_main(["--db-url", url, "--data-dir", str(two_units.data_dir), "report-file", "--unit",
                          "by-unit", "--period", "2026-12", "--format", "xlsx", "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert "không tồn tại" in said and "Traceback" not in said and not out.parent.exists()


def test_a_pasted_page_as_the_unit_is_refused_without_echoing_it_whole(two_units: Hub, tmp_path: Path,
                                                                       capsys: Any) -> None:
    url = two_units.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "x.pdf"
    pasted = "1" * 5000 + "\x1b[2J"
    assert province_main(["--db-url", url, "--data-dir", str(two_units.data_dir), "report-file", "--unit",
                          pasted, "--period", "2026-12", "--format", "pdf", "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert "chưa có dữ liệu của đơn vị '" + "1" * 40 + "…'" in said
    assert len(said) < 300 and "\x1b" not in said and not out.exists()
