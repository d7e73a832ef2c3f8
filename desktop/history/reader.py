"""Read a ledger's cells (xlsx or csv) as plain rows, with the sheet's own row numbers.

Bounded on purpose: a ledger is a few thousand rows; a file claiming a million rows or hundreds of
columns, or unpacking to far more than it weighs, is refused before it fills the memory
(``desktop.platform.workbook``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from desktop.errors import UserError
from desktop.platform.workbook import MAX_COLUMNS, MAX_ROWS, open_workbook, sheet_rows, too_many

MAX_CSV_BYTES = 200 * 1024 * 1024


def sheet_names(path: str | Path) -> list[str]:
    """The worksheets of an xlsx (a csv has one, named after the file)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return [path.stem]
    workbook = open_workbook(path)
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
    workbook = open_workbook(path)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UserError(f"Tệp không có trang tính '{sheet}'; các trang tính: {', '.join(workbook.sheetnames)}.",
                            field="sheet")
        return worksheet.title, sheet_rows(worksheet)
    finally:
        workbook.close()


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
            raise too_many()
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    return rows
