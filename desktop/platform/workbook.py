"""Opening an .xlsx someone hands the desk (an old system's ledger, a catalogue) without letting it fill the memory.

openpyxl holds a cell's text and the whole shared-strings table in memory, and a sheet's rows up to the
width its dimension claims: a 5 KB file claiming A1:XFD1048576 asked for 17 billion cells, a 394 KB one
with a 400 MB cell took 800 MB (review 13). So before openpyxl opens a workbook, its parts' unpacked sizes
are checked as the zip declares them (Python's zipfile never inflates an entry past its declared size) and
every XML part is streamed once, refusing a text or tag longer than any Excel writes; rows are then read
at most ``MAX_COLUMNS`` wide and ``MAX_ROWS`` long.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from desktop.errors import UserError

MAX_ROWS = 300_000
MAX_COLUMNS = 64
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # every part of the workbook, unpacked
# The shared strings, which openpyxl keeps in memory whole: up to 9 bytes of memory a byte (tiny strings).
MAX_SHARED_STRINGS = 64 * 1024 * 1024
MAX_XML_RUN = 256 * 1024  # the longest text or tag: Excel keeps at most 32,767 characters in a cell


def open_workbook(path: Path) -> Any:
    """openpyxl's read-only workbook, once the file is known to unpack within the caps."""
    from openpyxl import load_workbook

    try:
        _check_unpacked(path)
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"Không mở được tệp Excel '{path.name}' ({type(exc).__name__}); tệp có bị hỏng hoặc "
                        "đang được đặt mật khẩu không?", field="file") from None


def sheet_rows(worksheet: Any) -> list[tuple[Any, ...]]:
    """The sheet's rows (``rows[i]`` is row ``i + 1``), at most ``MAX_COLUMNS`` wide, without trailing blank rows."""
    rows: list[tuple[Any, ...]] = []
    for values in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        rows.append(tuple(values))
        if len(rows) > MAX_ROWS:
            raise too_many()
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    return rows


def too_many() -> UserError:
    shown = f"{MAX_ROWS:,}".replace(",", ".")
    return UserError(f"Bảng tính có hơn {shown} dòng; hãy tách thành nhiều tệp nhỏ hơn.", field="file")


def _check_unpacked(path: Path) -> None:
    """Refuse a workbook that would unpack past the caps, before any part of it is parsed."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        strings = _shared_strings(path, archive)
        if (sum(part.file_size for part in parts) > MAX_XLSX_UNPACKED
                or sum(part.file_size for part in parts if part.filename in strings) > MAX_SHARED_STRINGS):
            raise UserError(f"Tệp Excel '{path.name}' khi giải nén lớn hơn {MAX_XLSX_UNPACKED // 1024 // 1024} MB "
                            f"(hoặc bảng chữ dùng chung lớn hơn {MAX_SHARED_STRINGS // 1024 // 1024} MB); hãy tách "
                            "sổ thành nhiều tệp nhỏ hơn.", field="file")
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels")) and _longest_run(archive, part) > MAX_XML_RUN:
                raise _abnormal(path)


def _abnormal(path: Path) -> UserError:
    return UserError(f"Tệp Excel '{path.name}' có một ô hoặc một thẻ dài bất thường (hơn {MAX_XML_RUN // 1024} KB; "
                     "Excel chỉ cho 32.767 ký tự một ô): tệp bị hỏng hoặc được tạo ra để làm treo máy; không đọc.",
                     field="file")


def _shared_strings(path: Path, archive: zipfile.ZipFile) -> set[str]:
    """The parts ``[Content_Types].xml`` names as shared strings: where openpyxl reads them, whatever their name."""
    from xml.etree import ElementTree

    try:
        if archive.getinfo("[Content_Types].xml").file_size > MAX_XML_RUN:  # a few KB in any real workbook
            raise _abnormal(path)
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError):
        return set()  # openpyxl refuses such a file itself
    return {item.get("PartName", "").lstrip("/") for item in types.iter()
            if "sharedStrings" in (item.get("ContentType") or "")}


def _longest_run(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The most bytes between two '<' in an XML part, read by chunks (stops past the cap)."""
    longest = run = 0
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            pieces = chunk.split(b"<")
            if len(pieces) == 1:
                run += len(chunk)
            else:
                longest = max(longest, run + len(pieces[0]), *map(len, pieces[1:-1]))
                run = len(pieces[-1])
            longest = max(longest, run)
            if longest > MAX_XML_RUN:
                break
    return longest
