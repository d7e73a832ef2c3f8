"""Read a ledger's cells (xlsx or csv) as plain rows, with the sheet's own row numbers.

Bounded on purpose: a ledger is a few thousand rows; a file claiming a million rows or hundreds of
columns is refused before it fills the memory (a zip bomb dressed as .xlsx stops at the row cap).
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
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"Không mở được tệp Excel '{path.name}' ({type(exc).__name__}); tệp có bị hỏng hoặc "
                        "đang được đặt mật khẩu không?", field="file") from None


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
