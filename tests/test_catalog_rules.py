"""Issue #17 catalogue rules: same-day cut-offs of the starter catalogue, fee wording, unit levels as data."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop.db.session import Database
from desktop.errors import UserError
from desktop.forms.common import fee_line
from desktop.forms.config import load_config
from desktop.platform import clock
from desktop.rules.unit_levels import level_codes, level_name
from desktop.services import desk
from desktop.services.dossiers import Applicant, Reception, receive

CATALOGUE_HEADER = "Mã TTHC;Tên TTHC;Lĩnh vực;Thời hạn giải quyết;Đơn vị thời hạn;Cấp thực hiện"


def _catalogue(path: Path, *rows: str, more_columns: str = "") -> str:
    """A catalogue CSV of ``rows`` (the standard columns, then ``more_columns``); returns its path."""
    path.write_text("\n".join([CATALOGUE_HEADER + more_columns, *rows]) + "\n", encoding="utf-8")
    return str(path)


def vn(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=clock.VN_TZ)


@pytest.mark.parametrize("code", ["1.000894", "1.000656", "1.001193", "2.000635", "2.000815", "2.000884",
                                  "2.000908"])
def test_same_day_procedures_received_after_cutoff_are_due_next_working_day(db: Database, code: str) -> None:
    with db.transaction(officer="setup") as s:
        late = receive(s, Reception(code, Applicant("Lê Văn Cường"), at=vn(16, 16, 30)))  # Monday 16:30
        early = receive(s, Reception(code, Applicant("Lê Văn Cường"), at=vn(16, 14, 59)))
        assert late.due_at == vn(17, 17) and early.due_at == vn(16, 17)
        assert late.same_day_cutoff == "15:00"


@pytest.mark.parametrize(("text", "amount", "printed"), [
    ("", None, "…………………………"), ("  ", None, "…………………………"), ("0", None, "Không"), ("Không", None, "Không"),
    ("Miễn phí", None, "Không"), ("8.000 đ/bản", None, "8.000 đ/bản"), ("", 25000, "25.000 đồng"),
    ("", 0, "Không"), ("Không", 10000, "10.000 đồng")])
def test_fee_line_blank_is_unknown_and_zero_is_free(text: str, amount: int | None, printed: str) -> None:
    assert fee_line(load_config(regime="tt03-2025"), SimpleNamespace(fee_text=text, fee_amount=amount)) == printed  # type: ignore[arg-type]


def test_unit_levels_are_data(db: Database) -> None:
    assert set(level_codes()) == {"xa", "tinh", "huyen"} and level_name("xa") == "Cấp xã"
    with db.transaction(officer="setup") as s, pytest.raises(UserError, match="Cấp đơn vị") as err:
        desk.initialise_desk(s, unit_code="10375", unit_name="UBND xã Tân Lập", level="quan")
    assert err.value.field == "level"


def test_procedure_level_is_read_from_the_catalogue(db: Database, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from desktop.db.models import Procedure

    path = _catalogue(tmp_path / "dm.csv", "1.000001;Thủ tục cấp tỉnh;Đất đai;10;ngày làm việc;Cấp tỉnh",
                      "1.000002;Thủ tục cấp xã;Hộ tịch;3;ngày làm việc;xa")
    assert cli("catalog", "import", path).code == 0
    with db.reading() as s:
        levels = dict(s.execute(select(Procedure.code, Procedure.level).where(Procedure.code.like("1.00000_"))).all())
    assert levels == {"1.000001": "tinh", "1.000002": "xa"}
    bad = _catalogue(tmp_path / "bad.csv", "1.000003;Thủ tục;Đất đai;10;ngày làm việc;Cấp quận")
    r = cli("catalog", "import", bad)
    assert r.code != 0 and "Cấp thực hiện" in (r.err + r.out)


def test_resolving_body_is_read_from_the_catalogue(db: Database, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.forms import render_form, render_ledger
    from desktop.services.catalog import resolving_body
    from tests.forms.test_forms import pdf_text

    path = _catalogue(tmp_path / "dm.csv", "1.001612;Đăng ký thành lập hộ kinh doanh;Hộ kinh doanh;3;ngày làm việc;"
                      "Cấp xã;Phòng Kinh tế UBND xã Tân Lập", more_columns=";Cơ quan giải quyết")
    assert cli("catalog", "import", path).code == 0
    with db.transaction(officer="setup") as s:
        assert resolving_body(s, "1.001612") == "Phòng Kinh tế UBND xã Tân Lập"
        assert resolving_body(s, "1.004873") == "UBND xã Tân Lập"  # not in the catalogue: the desk's unit
        code = receive(s, Reception("1.001612", Applicant("Đinh Văn Lâm"), at=vn(16, 9))).code
    with db.reading() as s:
        control = pdf_text(render_form(s, "control", code, tmp_path / "c.pdf"))
        ledger = pdf_text(render_ledger(s, vn(16, 0).date(), vn(16, 0).date(), tmp_path / "l.pdf"))
    assert "Cơ quan chủ trì giải quyết: Phòng Kinh tế UBND xã Tân Lập" in control
    assert "Phòng Kinh tế UBND xã Tân Lập" in ledger


def test_a_sheet_claiming_every_excel_cell_is_refused_within_its_memory(db_path: Path, tmp_path: Path) -> None:
    """Review 13: a 5 KB catalogue whose sheet dimension says A1:XFD1048576 (one cell at the far corner)
    had openpyxl fill 17 billion empty cells (MemoryError at 3 GB); the catalogue now goes through the
    ledger's bounded reader: 64 columns, 300,000 rows, the unpacked sizes checked first."""
    import subprocess
    import sys
    import zipfile

    from openpyxl import Workbook
    from sqlalchemy import func, select

    from desktop.db.models import Procedure
    from desktop.db.session import open_database

    book = Workbook()
    book.active.append(CATALOGUE_HEADER.split(";"))
    book.active.append(["1.000001", "Thủ tục", "Đất đai", 10, "ngày làm việc", "xa"])
    book.save(tmp_path / "plain.xlsx")
    bomb = tmp_path / "danh-muc.xlsx"
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = (data.replace(b'<dimension ref="A1:F2" />', b'<dimension ref="A1:XFD1048576" />')
                        .replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                                  b"</is></c></row></sheetData>"))
            new.writestr(name, data)
    assert bomb.stat().st_size < 10_000

    def procedures() -> int:
        database = open_database(db_path)
        try:
            with database.reading() as s:
                return int(s.scalar(select(func.count()).select_from(Procedure)) or 0)
        finally:
            database.dispose()

    before = procedures()

    def capped() -> None:  # a regression then fails fast at 1 GB instead of taking the machine's memory
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]), PYTHONUTF8="1")
    done = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path), "catalog", "import", str(bomb)],
                          env=env, capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=capped if os.name == "posix" else None)  # Windows: no setrlimit, same check
    assert done.returncode == 2 and "300.000 dòng" in done.stderr, done.stderr[-2000:]
    assert before > 0 and procedures() == before
