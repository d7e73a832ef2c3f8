"""Read a ledger's cells (xlsx or csv) as plain rows, with the sheet's own row numbers.

Bounded on purpose: a ledger is a few thousand rows; a file claiming a million rows or hundreds of
columns is refused before it fills the memory (a zip bomb dressed as .xlsx stops at the row cap). The row
cap alone did not stop a bomb in one cell or in the shared strings, which openpyxl holds whole (review 13:
a 394 KB file took 800 MB): before openpyxl opens a workbook, its parts' unpacked sizes are checked as the
zip declares them (Python's zipfile never inflates an entry past its declared size) and every XML part is
streamed once, refusing a text or tag longer than any Excel writes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from desktop.formatting import number
from desktop.errors import UserError

MAX_ROWS = 300_000
MAX_COLUMNS = 64
MAX_CSV_BYTES = 200 * 1024 * 1024
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # every part of the workbook, unpacked
# The shared strings, which openpyxl keeps in memory whole: up to 9 bytes of memory a byte (tiny strings).
MAX_SHARED_STRINGS = 64 * 1024 * 1024
MAX_XML_RUN = 256 * 1024  # the longest text or tag: Excel keeps at most 32,767 characters in a cell


def sheet_names(path: str | Path) -> list[str]:
    """The worksheets of an xlsx (a csv has one, named after the file)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return [path.stem]
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_rows(path: str | Path, sheet: str | None = None) -> tuple[str, list[tuple[Any, ...]]]:
    """(sheet name, rows); ``rows[i]`` is the sheet's row ``i + 1``. Values keep their types
    (datetime, number, text) so Excel dates need no guessing."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp '{path}'.", field="file")
    if path.suffix.lower() == ".csv":
        return path.stem, _read_csv(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"Tệp '{path.name}' không phải .xlsx hoặc .csv; hãy lưu sổ theo dõi ở một trong hai dạng này "
                        "(Excel: Tệp → Lưu thành → Sổ làm việc Excel).", field="file")
    workbook = _open_workbook(path)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UserError(f"Tệp không có trang tính '{sheet}'; các trang tính: {', '.join(workbook.sheetnames)}.",
                            field="sheet")
        rows: list[tuple[Any, ...]] = []
        for values in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS:
                raise _too_many()
        while rows and not any(v not in (None, "") for v in rows[-1]):
            rows.pop()
        return worksheet.title, rows
    finally:
        workbook.close()


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        _check_unpacked(path)
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"Không mở được tệp Excel '{path.name}' ({type(exc).__name__}); tệp có bị hỏng hoặc "
                        "đang được đặt mật khẩu không?", field="file") from None


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


def _too_many() -> UserError:
    return UserError(f"Sổ theo dõi có hơn {number(MAX_ROWS)} dòng; hãy tách thành nhiều tệp nhỏ hơn.",
                     field="file")


def _read_csv(path: Path) -> list[tuple[Any, ...]]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise UserError(f"Tệp '{path.name}' lớn hơn {MAX_CSV_BYTES // 1024 // 1024} MB; hãy tách thành nhiều tệp.",
                        field="file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"Tệp '{path.name}' không ở mã UTF-8; trong Excel hãy lưu lại bằng "
                        "\"CSV UTF-8 (Comma delimited)\".", field="file") from None
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[Any, ...]] = []
    for values in csv.reader(io.StringIO(text), dialect):
        rows.append(tuple(v if v != "" else None for v in values[:MAX_COLUMNS]))
        if len(rows) > MAX_ROWS:
            raise _too_many()
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    return rows
