"""Review 13: an .xlsx ledger that unpacks to far more than it weighs is refused before openpyxl parses it.

The row cap did not stop a bomb in one cell or in the shared strings (openpyxl holds both whole): a
394 KB file with one 400 MB cell took 800 MB, 310 KB of tiny shared strings 1.1 GB."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from desktop.db.models import Dossier
from desktop.history import reader

SHARED = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _ledger(path: Path) -> Path:
    book = Workbook()
    book.active.append(["STT", "Tên TTHC", "Tên người nộp", "Ngày nhận"])
    book.active.append([1, "Đăng ký khai sinh", "Trần Thị Bình", "05/10/2026"])
    book.save(path)
    return path


def _rewritten(source: Path, target: Path, change: dict[str, bytes], extra: dict[str, bytes]) -> Path:
    """``source`` with parts replaced (``change``: old bytes → new, in every part) and parts added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for name in old.namelist():
            data = old.read(name)
            for before, after in change.items():
                data = data.replace(before, after)
            new.writestr(name, data)
        for name, data in extra.items():
            new.writestr(name, data)
    return target


def _refused(cli, db, path: Path, words: str) -> None:  # type: ignore[no-untyped-def]
    done = cli("history", "import", str(path))
    assert done.code == 2 and words in done.err and "Traceback" not in done.err, done.err
    with db.reading() as session:
        assert session.scalar(select(Dossier.id)) is None


def test_a_cell_longer_than_excel_writes_is_refused(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = _ledger(tmp_path / "so.xlsx")
    bomb = _rewritten(plain, tmp_path / "o-dai.xlsx", {b"Tr\xe1\xba\xa7n Th\xe1\xbb\x8b B\xc3\xacnh": b"A" * (1 << 20)},
                      {})
    assert bomb.stat().st_size < 20_000
    _refused(cli, db, bomb, "dài bất thường")
    assert reader.read_rows(plain)[1][1][2] == "Trần Thị Bình"  # the same file with a real name is read


def test_shared_strings_past_the_cap_are_refused_whatever_their_part_name(cli, db,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + (
        b"<si><t>ab</t></si>" * (65 * 1024 * 1024 // 18)) + b"</sst>"  # just over the 64 MB cap
    bomb = _rewritten(_ledger(tmp_path / "so.xlsx"), tmp_path / "chu-chung.xlsx",
                      {b"</Types>": f'<Override PartName="/xl/khac.xml" ContentType="{SHARED}"/></Types>'.encode()},
                      {"xl/khac.xml": strings})
    assert bomb.stat().st_size < 1_000_000
    _refused(cli, db, bomb, "bảng chữ dùng chung")
