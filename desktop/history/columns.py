"""Which ledger column holds what: recognised from Vietnamese headers, correctable by a saved mapping.

Officers' ledgers follow the Sổ theo dõi hồ sơ layout "or close to it": headers over one to three rows
(a merged "Thời gian" group over Nhận / Hẹn trả / Chuyển / Có kết quả / Trả), a row of column
numbers under them, blank lines. Matching is on folded text (no diacritics, lower case), most
specific phrase first, so "Nhận kết quả từ cơ quan giải quyết" is the result date, not the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from desktop.platform.atomic import write_atomic
from desktop.errors import UserError
from desktop.rules.text import fold
from desktop.texts import LABELS

# Field key -> label shown to the officer (preview, mapping dialog, errors).
FIELD_LABELS: dict[str, str] = {
    "stt": LABELS["queue_number"],
    "code": LABELS["dossier_code"],
    "procedure_code": LABELS["procedure_code"],
    "procedure": LABELS["procedure_name"],
    "sets": LABELS["copies"],
    "applicant": LABELS["applicant_name"],
    "address": LABELS["address"],
    "phone": LABELS["phone_number"],
    "id_number": LABELS["id_number"],
    "email": LABELS["email"],
    "organisation": LABELS["organisation_name"],
    "body": LABELS["resolving_body"],
    "channel": LABELS["channel"],
    "received": LABELS["received_on"],
    "due": LABELS["due_on"],
    "transferred": LABELS["transferred_on"],
    "result": LABELS["resolved_on"],
    "returned": LABELS["returned_on"],
    "withdrawn": LABELS["withdrawn_on"],
    "status": LABELS["status"],
    "outcome": LABELS["resolution_result"],
    "signature": "Ký nhận",
    "notes": LABELS["note"],
}
IGNORED = "ignore"

# (folded phrase, field), most specific first: the first phrase found in a column's header wins.
ALIASES: tuple[tuple[str, str], ...] = (
    ("ngay rut", "withdrawn"), ("rut ho so", "withdrawn"), ("ngay hen", "due"), ("hen tra", "due"),
    ("nhan ket qua", "result"), ("ngay co ket qua", "result"), ("co ket qua", "result"),
    ("ngay tra", "returned"), ("tra ket qua", "returned"), ("tra cho", "returned"),
    ("ngay chuyen", "transferred"), ("chuyen ho so", "transferred"), ("chuyen co quan", "transferred"),
    ("ngay nhan", "received"), ("nhan ho so", "received"), ("tiep nhan", "received"),
    ("thoi gian nhan", "received"),
    ("ket qua giai quyet", "outcome"), ("trang thai", "status"), ("kenh", "channel"), ("hinh thuc nop", "channel"),
    ("so bo", "sets"), ("ma tthc", "procedure_code"), ("ma thu tuc", "procedure_code"),
    ("ma ho so", "code"), ("ma so ho so", "code"), ("so ho so", "code"), ("so bien nhan", "code"),
    ("ten tthc", "procedure"), ("thu tuc", "procedure"), ("tthc", "procedure"), ("noi dung yeu cau", "procedure"),
    ("giay to tuy than", "id_number"), ("so cccd", "id_number"), ("so dinh danh", "id_number"),
    ("dia chi", "address"), ("dien thoai", "phone"), ("sdt", "phone"),
    ("nguoi nop", "applicant"), ("to chuc, ca nhan", "applicant"), ("to chuc ca nhan", "applicant"),
    ("ho va ten", "applicant"), ("ho ten", "applicant"), ("nguoi dung ten", "applicant"),
    ("ten to chuc", "organisation"), ("thu dien tu", "email"), ("email", "email"),
    ("co quan", "body"), ("ky nhan", "signature"), ("chu ky", "signature"), ("ky ten", "signature"),
    ("ghi chu", "notes"), ("so thu tu", "stt"),
)
_EXACT = {"stt": "stt", "tt": "stt"}
DATE_FIELDS = ("received", "due", "transferred", "result", "returned", "withdrawn")
MAX_HEADER_SCAN = 30
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def recognise(text: str) -> str | None:
    """The field a header text names, or None."""
    folded = fold(text).replace("/", " ").replace("-", " ")
    folded = re.sub(r"\s+", " ", folded).strip(" :.")
    if not folded:
        return None
    if folded in _EXACT:
        return _EXACT[folded]
    for phrase, key in ALIASES:
        if phrase in folded:
            return key
    return None


@dataclass
class ColumnMap:
    """Where the header ends and which column (0-based) holds which field."""

    header_rows: tuple[int, int]  # first and last header row (sheet row numbers, 1-based)
    columns: dict[int, str] = field(default_factory=dict)  # column index -> field key
    headers: dict[int, str] = field(default_factory=dict)  # column index -> header text as read

    def index_of(self, key: str) -> int | None:
        return next((i for i, k in self.columns.items() if k == key), None)

    def as_json(self) -> dict[str, Any]:
        return {"header_rows": list(self.header_rows),
                "columns": {get_column_letter(i + 1): k for i, k in sorted(self.columns.items())},
                "headers": {get_column_letter(i + 1): h for i, h in sorted(self.headers.items())}}


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def detect(rows: Sequence[Sequence[Any]]) -> ColumnMap:
    """Find the header block (1–3 rows) that names the most fields among the first rows."""
    best: tuple[int, int, int] | None = None  # (fields found, -size, start)
    for start in range(min(MAX_HEADER_SCAN, len(rows))):
        for size in (1, 2, 3):
            found = len(map_headers(block_texts(rows, start, size)))
            if best is None or (found, -size) > (best[0], -best[1]):
                best = (found, size, start)
    if best is None or best[0] < 3:
        raise UserError("Không nhận ra dòng tiêu đề của sổ theo dõi (cần ít nhất các cột như Mã hồ sơ, Tên TTHC, "
                        "Tên người nộp, Ngày nhận). Hãy chọn lại trang tính hoặc khai báo cột bằng tệp ánh xạ.",
                        field="header")
    found, size, start = best
    texts = block_texts(rows, start, size)
    return ColumnMap(header_rows=(start + 1, start + size), columns=map_headers(texts), headers=texts)


def block_texts(rows: Sequence[Sequence[Any]], start: int, size: int) -> dict[int, str]:
    """Header text per column over rows[start:start+size], lines joined with ' | '. A group cell over
    empty neighbours (merged "Thời gian") is carried right onto columns with a sub-header under it."""
    block = [list(rows[i]) for i in range(start, min(start + size, len(rows)))]
    width = max((len(r) for r in block), default=0)
    out: dict[int, str] = {}
    for depth, row in enumerate(block):
        carried = ""
        for col in range(width):
            text = _cell_text(row[col] if col < len(row) else None)
            if text:
                carried = text
            below = any(_cell_text(r[col] if col < len(r) else None) for r in block[depth + 1:])
            value = text or (carried if below else "")
            if value:
                out[col] = f"{out[col]} | {value}" if col in out else value
    return out


def map_headers(texts: dict[int, str]) -> dict[int, str]:
    """Field per column: the sub-header (lowest line) decides; the stacked text is the fallback."""
    columns: dict[int, str] = {}
    for col in sorted(texts):
        lines = texts[col].split(" | ")
        key = recognise(lines[-1]) or recognise(" ".join(lines))
        if key and key not in columns.values():
            columns[col] = key
    return columns


def is_column_number_row(values: Sequence[Any]) -> bool:
    """The "(1) (2) (3)…" line printed under official headers."""
    cells = [_cell_text(v) for v in values if _cell_text(v)]
    return len(cells) >= 3 and all(_COLUMN_NUMBER.match(c) for c in cells)


# -- mapping files ---------------------------------------------------------------------------------
@dataclass
class Mapping:
    """What the officer corrected: columns by letter, procedure names to codes, header rows."""

    columns: dict[int, str] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)  # folded ledger name -> procedure code
    header_rows: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "columns": {get_column_letter(i + 1): k for i, k in sorted(self.columns.items())},
            "procedures": dict(sorted(self.procedures.items())),
        }
        if self.header_rows:
            data["header_rows"] = list(self.header_rows)
        return data


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping JSON; every bad entry is a Vietnamese error naming it."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UserError(f"Không đọc được tệp ánh xạ '{path}': {exc.strerror or exc}.", field="mapping") from None
    except ValueError:
        raise UserError(f"Tệp ánh xạ '{path}' không phải JSON hợp lệ.", field="mapping") from None
    if not isinstance(raw, dict):
        raise UserError("Tệp ánh xạ phải là một đối tượng JSON có các mục \"columns\" và \"procedures\".",
                        field="mapping")
    mapping = Mapping()
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        raise UserError("Mục \"columns\" của tệp ánh xạ phải là bảng cột → trường.", field="mapping")
    for letter, key in columns.items():
        try:
            index = column_index_from_string(str(letter).strip().upper()) - 1
        except ValueError:
            raise UserError(f"Tệp ánh xạ: '{letter}' không phải tên cột Excel (A, B, …).", field="mapping") from None
        if key != IGNORED and key not in FIELD_LABELS:
            raise UserError(f"Tệp ánh xạ: cột {letter} ghi trường '{key}' không tồn tại; dùng một trong: "
                            f"{', '.join(FIELD_LABELS)} hoặc '{IGNORED}'.", field="mapping")
        mapping.columns[index] = str(key)
    procedures = raw.get("procedures") or {}
    if not isinstance(procedures, dict) or not all(isinstance(v, str) for v in procedures.values()):
        raise UserError("Mục \"procedures\" của tệp ánh xạ phải là bảng tên thủ tục → mã thủ tục.", field="mapping")
    mapping.procedures = {fold(str(name)): code.strip() for name, code in procedures.items()}
    rows = raw.get("header_rows")
    if rows is not None:
        if (not isinstance(rows, list) or len(rows) != 2 or not all(isinstance(r, int) and r >= 1 for r in rows)
                or rows[0] > rows[1]):
            raise UserError("Mục \"header_rows\" của tệp ánh xạ phải là [dòng đầu, dòng cuối] của tiêu đề.",
                            field="mapping")
        mapping.header_rows = (rows[0], rows[1])
    return mapping


def save_mapping(path: str | Path, mapping: Mapping) -> Path:
    data = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    return write_atomic(path, data, field="mapping")
