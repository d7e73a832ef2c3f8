"""Procedure catalogue: import from .xlsx/.csv by Vietnamese header names, update by code.

A file with any bad row writes nothing (unless ``skip_bad``); each bad row is reported with its
row number (as the officer sees it in Excel, header = row 1) and the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.db.models import Field, Procedure
from desktop.rules.deadlines import TimeUnit, parse_hhmm
from desktop.errors import UserError
from desktop.platform.paths import resources_dir
from desktop.services.desk import get_setting, put_setting
from desktop.services.permissions import Permission, require
from desktop.rules.text import fold, nfc
from desktop.rules.unit_levels import levels
from desktop.rules.validation import check_text, search_text
from desktop.texts import LABELS

STARTER_CATALOG = resources_dir() / "catalog" / "starter.csv"

# header (folded) -> attribute
HEADERS = {
    "ma tthc": "code",
    "ten tthc": "name",
    "linh vuc": "field",
    "thoi han giai quyet": "time_value",
    "don vi thoi han": "time_unit",
    "gio chot trong ngay": "cutoff",
    "phi, le phi": "fee",
    "muc do dvc": "online_level",
    "thanh phan ho so": "components",
    "cap thuc hien": "level",
    "co quan giai quyet": "resolving_body",
}
# «Cơ quan giải quyết» per procedure code. A setting, not a column of the synced ``procedure`` table:
# the hub builds its tables from the models and cannot add a column to an existing database yet.
REQUIRED = ("code", "name", "field", "time_value", "time_unit")
REQUIRED_LABELS = {"code": LABELS["procedure_code"], "name": LABELS["procedure_name"],
                   "field": LABELS["field"],
                   "time_value": "Thời hạn giải quyết", "time_unit": "Đơn vị thời hạn"}
TIME_UNITS = {"ngay lam viec": TimeUnit.WORKING_DAYS, "gio lam viec": TimeUnit.WORKING_HOURS,
              "trong ngay": TimeUnit.SAME_DAY}
ONLINE_LEVELS = {"toan trinh": "full", "mot phan": "partial", "": "none"}


@dataclass
class CatalogRow:
    row_number: int
    code: str
    name: str
    field: str
    time_value: float
    time_unit: TimeUnit
    cutoff: str | None
    fee: str
    online_level: str
    components: list[str]
    level: str | None = None  # «Cấp thực hiện» (a unit level code); None = keep / default
    resolving_body: str = ""  # «Cơ quan giải quyết»; "" = this desk's own unit


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "written": self.written,
                "errors": [{"row": r, "message": m} for r, m in self.errors]}


def read_table(path: Path) -> list[list[str]]:
    """Rows of cells as text, from .xlsx or .csv (UTF-8 with or without BOM, comma or semicolon)."""
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp '{path}'.", field="file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        # Bounded (review 13): a 5 KB sheet whose dimension claims A1:XFD1048576 had openpyxl fill 17 billion
        # empty cells here; a cell of 400 MB unpacked was read whole.
        from desktop.platform.workbook import open_workbook, sheet_rows

        try:
            workbook = open_workbook(path)
        except UserError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise UserError(f"Không đọc được tệp Excel '{path.name}': {exc}", field="file") from None
        try:
            return [["" if c is None else _cell_text(c) for c in row] for row in sheet_rows(workbook.worksheets[0])]
        finally:
            workbook.close()
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"Tệp '{path.name}' không phải UTF-8; lưu lại tệp CSV với mã hóa UTF-8.", field="file") from None
        return list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    raise UserError(f"Chỉ nhận tệp .xlsx hoặc .csv (tệp đã chọn: '{path.name}').", field="file")


def _delimiter(text: str) -> str:
    """Excel in Vietnamese locales writes ';'; pick the separator under which most headers are known."""
    first = text.splitlines()[0] if text else ""

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(1 for cell in cells if fold(cell) in HEADERS)

    return max((",", ";", "\t"), key=known)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime") and hasattr(value, "hour"):
        return value.strftime("%H:%M")
    return str(value)


def parse_rows(table: list[list[str]]) -> tuple[list[CatalogRow], list[tuple[int, str]]]:
    if not table:
        raise UserError("Tệp danh mục trống.", field="file")
    header = [HEADERS.get(fold(h)) for h in table[0]]
    missing = [REQUIRED_LABELS[k] for k in REQUIRED if k not in header]
    if missing:
        raise UserError(f"Tệp danh mục thiếu cột: {', '.join(missing)}.", field="file")
    rows: list[CatalogRow] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(table[1:], start=2):
        try:  # before nfc() folds line breaks: a NUL or BEL in any cell is refused with its column
            for i, name in enumerate(header):
                if name and i < len(raw):
                    check_text(raw[i], f"Cột «{table[0][i]}»", name, multiline=True)
        except UserError as exc:
            errors.append((index, exc.message))
            continue
        cells = {name: (nfc(raw[i]) if i < len(raw) else "") or "" for i, name in enumerate(header) if name}
        if not any(cells.values()):
            continue
        try:
            row = _parse_row(index, cells)
        except ValueError as exc:
            errors.append((index, str(exc)))
            continue
        if row.code in seen:
            errors.append((index, f"Mã TTHC '{row.code}' trùng với dòng {seen[row.code]}."))
            continue
        seen[row.code] = index
        rows.append(row)
    return rows, errors


def _parse_row(index: int, cells: dict[str, str]) -> CatalogRow:
    for key in REQUIRED:
        if not cells.get(key):
            raise ValueError(f"thiếu «{REQUIRED_LABELS[key]}»")
    unit = TIME_UNITS.get(fold(cells["time_unit"]))
    if unit is None:
        raise ValueError(f"«Đơn vị thời hạn» '{cells['time_unit']}' không hợp lệ (ngày làm việc, giờ làm việc, trong ngày)")
    try:
        value = float(cells["time_value"].replace(",", "."))
    except ValueError:
        raise ValueError(f"«Thời hạn giải quyết» '{cells['time_value']}' không phải là số") from None
    if value < 0 or value > 365:
        raise ValueError(f"«Thời hạn giải quyết» {cells['time_value']} nằm ngoài khoảng 0–365")
    if unit == TimeUnit.WORKING_DAYS and value != int(value):
        raise ValueError("«Thời hạn giải quyết» theo ngày làm việc phải là số nguyên")
    if unit == TimeUnit.WORKING_HOURS and value <= 0:
        raise ValueError("«Thời hạn giải quyết» theo giờ làm việc phải lớn hơn 0")
    if unit == TimeUnit.WORKING_DAYS and value == 0:
        unit = TimeUnit.SAME_DAY
    cutoff = cells.get("cutoff") or None
    if cutoff:
        try:
            cutoff = parse_hhmm(cutoff).strftime("%H:%M")
        except ValueError:
            raise ValueError(f"«Giờ chốt trong ngày» '{cutoff}' không đúng dạng HH:MM") from None
    online = ONLINE_LEVELS.get(fold(cells.get("online_level", "")))
    if online is None:
        raise ValueError(f"«Mức độ DVC» '{cells['online_level']}' không hợp lệ (toàn trình, một phần hoặc để trống)")
    components = [c for c in (nfc(part) for part in cells.get("components", "").split(";")) if c]
    level = None
    if cells.get("level"):
        wanted = fold(cells["level"]).removeprefix("cap ").strip()
        level = next((lv.code for lv in levels() if wanted in (lv.code, fold(lv.name).removeprefix("cap ").split(" (")[0])),
                     None)
        if level is None:
            raise ValueError(f"«Cấp thực hiện» '{cells['level']}' không hợp lệ ({', '.join(lv.name for lv in levels())})")
    body = nfc(cells.get("resolving_body", "")) or ""
    if len(body) > 255:
        raise ValueError("«Cơ quan giải quyết» dài quá 255 ký tự")
    return CatalogRow(index, cells["code"], cells["name"], cells["field"], value, unit, cutoff,
                      cells.get("fee", ""), online, components, level, body)


def apply_rows(session: Session, rows: Iterable[CatalogRow], *, catalog_version: str = "") -> ImportResult:
    require(session, Permission.MANAGE_CATALOG)
    result = ImportResult()
    bodies = dict(get_setting(session, settings.RESOLVING_BODIES.key) or {})
    fields = {f.name: f for f in session.scalars(select(Field))}
    next_order = (session.scalar(select(func.max(Procedure.sort_order))) or 0) + 1
    for row in rows:
        field_row = fields.get(row.field)
        if field_row is None:
            field_row = Field(name=row.field, sort_order=len(fields) + 1)
            session.add(field_row)
            session.flush()
            fields[row.field] = field_row
        procedure = session.scalar(select(Procedure).where(Procedure.code == row.code))
        if procedure is None:
            procedure = Procedure(code=row.code, sort_order=next_order)
            next_order += 1
            session.add(procedure)
            result.created += 1
        else:
            result.updated += 1
        procedure.name = row.name
        procedure.name_folded = fold(f"{row.code} {row.name}")
        procedure.field_id = field_row.id
        procedure.field = field_row
        procedure.time_value = row.time_value
        procedure.time_unit = row.time_unit.value
        procedure.same_day_cutoff = row.cutoff
        procedure.fee_text = row.fee
        procedure.online_level = row.online_level
        procedure.components = row.components
        if row.level:
            procedure.level = row.level
        if row.resolving_body:
            bodies[row.code] = row.resolving_body
        else:
            bodies.pop(row.code, None)
        procedure.active = True
        procedure.deleted = False
        if catalog_version:
            procedure.catalog_version = catalog_version
    put_setting(session, settings.RESOLVING_BODIES.key, bodies)
    session.flush()
    result.written = True
    return result


def resolving_body(session: Session, procedure_code: str) -> str:
    """The body that resolves a procedure: the catalogue's «Cơ quan giải quyết», else this desk's unit."""
    from desktop.services.desk import local_unit

    body = (get_setting(session, settings.RESOLVING_BODIES.key) or {}).get(procedure_code)
    return str(body) if body else local_unit(session).name


def import_catalog(session: Session, path: Path, *, skip_bad: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ImportResult:
    require(session, Permission.MANAGE_CATALOG)
    rows, errors = parse_rows(read_table(Path(path)))
    if errors and not skip_bad:
        return ImportResult(errors=errors, written=False)
    result = apply_rows(session, rows, catalog_version=Path(path).stem)
    result.errors = errors
    if progress:
        progress(len(rows), len(rows))
    return result


def import_starter(session: Session) -> ImportResult:
    return import_catalog(session, STARTER_CATALOG)


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    name: str
    field: str
    time_value: float
    time_unit: str
    same_day_cutoff: str | None
    fee_text: str
    online_level: str
    components: list[str]
    active: bool

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_procedures(session: Session, *, search: str | None = None, active_only: bool = False) -> list[ProcedureInfo]:
    query = select(Procedure).join(Field).where(Procedure.deleted.is_(False))
    if active_only:
        query = query.where(Procedure.active.is_(True))
    folded = search_text(search)
    if folded:
        query = query.where(Procedure.name_folded.like(f"%{folded}%"))
    query = query.order_by(Field.sort_order, Procedure.sort_order)
    return [
        ProcedureInfo(p.code, p.name, p.field.name, p.time_value, p.time_unit, p.same_day_cutoff, p.fee_text,
                      p.online_level, list(p.components or []), p.active)
        for p in session.scalars(query)
    ]
