"""Export every record a commune holds: dossiers and, on their own sheets, events, components,
supplements, apologies, surveys and queue tickets — as one .xlsx, or a .zip of CSV files with BOM.

Streamed: rows come from the database ``yield_per`` a few thousand at a time and go straight into an
openpyxl write-only workbook (or a CSV inside the zip), so 200k dossiers never sit in memory.
Cells are typed: moments are Excel dates with a dd/mm/yyyy hh:mm format, counts and fees numbers,
flags booleans; text that Excel would run as a formula stays text. The "Hồ sơ" sheet uses the
ledger's own headers, so the file imports back with ``history import`` (the round trip).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from desktop.platform import clock
from desktop.platform.atomic import atomic_write
from desktop.db.models import Apology, Dossier, DossierComponent, DossierEvent, Supplement
from desktop.db.models_feedback import QueueTicket, SurveyAnswer
from desktop.errors import UserError
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.services.permissions import Permission, require
from desktop.rules.text import excel_safe
from desktop.rules.validation import CHANNELS
from desktop.texts import LABELS

Progress = Callable[[int, int, str], None]  # rows done, rows in all, sheet being written
YIELD_PER = 2000
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
_RISKY = ("=", "+", "-", "@", "\t", "\r")
SUPPLEMENT_SHEET = "Bổ sung"  # read back by history import (a round trip keeps stopped clocks)
SUPPLEMENT_HEADERS = (LABELS["dossier_code"], "Ngày yêu cầu bổ sung", "Nội dung cần bổ sung",
                      LABELS["reason"], "Người yêu cầu",
                      "Ngày nhận đủ hồ sơ bổ sung", "Hạn trước khi bổ sung", "Hạn mới")
_OUTCOMES = {"approved": LABELS["approve"], "rejected": LABELS["reject"]}


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    query: Select[Any]
    convert: Callable[[Sequence[Any]], list[Any]]
    widths: tuple[int, ...] = ()


def _vn(value: datetime | None) -> datetime | None:
    return None if value is None else clock.to_vn(value).replace(tzinfo=None)


def _dossier_row(r: Sequence[Any]) -> list[Any]:
    (code, pcode, pname, field, sets, name, id_no, phone, email, address, org, channel, by_post, received,
     counting, due, original, result_at, returned, withdrawn, status, result, reason, refusal, fee, notes,
     digitised, result_code, handler, owner) = r
    return [code, pcode, pname, field, sets, name, id_no, phone, email, address, org,
            CHANNELS.get(channel, channel), bool(by_post), _vn(received), _vn(counting), _vn(due), _vn(original),
            _vn(result_at), _vn(returned), _vn(withdrawn),
            STATUS_LABELS.get(Status(status), status) if status in Status._value2member_map_ else status,
            _OUTCOMES.get(result or "", result), reason, refusal, fee, notes, bool(digitised), result_code,
            handler, owner]


def _moments(r: Sequence[Any]) -> list[Any]:
    return [_vn(v) if isinstance(v, datetime) else v for v in r]


def _jsonish(r: Sequence[Any]) -> list[Any]:
    return [json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else
            _vn(v) if isinstance(v, datetime) else v for v in r]


def sheets(date_from: date | None = None, date_to: date | None = None) -> list[Sheet]:
    """What goes out, sheet by sheet, limited to dossiers received between the two days (inclusive)."""
    scope = [Dossier.deleted.is_(False)]
    if date_from:
        scope.append(Dossier.received_at >= clock.at(date_from, time(0, 0)))
    if date_to:
        scope.append(Dossier.received_at < clock.at(date_to, time(23, 59, 59, 999999)))
    in_scope = and_(*scope)
    dossiers = (select(Dossier.code, Dossier.procedure_code, Dossier.procedure_name, Dossier.field_name,
                       Dossier.sets_count, Dossier.applicant_name, Dossier.applicant_id_number, Dossier.applicant_phone,
                       Dossier.applicant_email, Dossier.applicant_address, Dossier.organisation, Dossier.channel,
                       Dossier.return_by_post, Dossier.received_at, Dossier.counting_start, Dossier.due_at,
                       Dossier.original_due_at, Dossier.result_at, Dossier.returned_at, Dossier.withdrawn_at,
                       Dossier.status, Dossier.result, Dossier.result_reason, Dossier.refusal_reason,
                       Dossier.fee_amount, Dossier.notes, Dossier.result_digitised, Dossier.result_code,
                       Dossier.handler, Dossier.owner_unit)
                .where(in_scope).order_by(Dossier.received_at, Dossier.code))

    def child(model: Any, *columns: Any, order: Any) -> Select[Any]:
        return (select(Dossier.code, *columns).join(Dossier, Dossier.id == model.dossier_id)
                .where(in_scope, model.deleted.is_(False)).order_by(Dossier.received_at, Dossier.code, order))

    answered = [SurveyAnswer.deleted.is_(False)]
    ticketed = [QueueTicket.deleted.is_(False)]
    if date_from:
        answered.append(SurveyAnswer.answered_at >= clock.at(date_from, time(0, 0)))
        ticketed.append(QueueTicket.day >= date_from)
    if date_to:
        answered.append(SurveyAnswer.answered_at <= clock.at(date_to, time(23, 59, 59)))
        ticketed.append(QueueTicket.day <= date_to)
    return [
        Sheet(LABELS["dossier"], (LABELS["dossier_code"], LABELS["procedure_code"], LABELS["procedure_name"],
                                  LABELS["field"], LABELS["copies"], LABELS["applicant_name"],
                        LABELS["id_number"], LABELS["phone_number"], LABELS["email"], LABELS["address"],
                        LABELS["organisation_name"],
                        LABELS["channel"], "Gửi kết quả qua bưu chính", LABELS["received_on"],
                        "Bắt đầu tính thời hạn",
                        LABELS["due_on"], "Hạn ban đầu (trước bổ sung)", LABELS["resolved_on"],
                        LABELS["returned_on"],
                        LABELS["withdrawn_on"], LABELS["status"], LABELS["resolution_result"],
                        "Lý do (kết quả)",
                        LABELS["refusal_reason"], "Lệ phí (đồng)", LABELS["note"], "Đã số hóa kết quả",
                        "Mã kết quả số hóa",
                        LABELS["handled_by"], LABELS["unit_code"]),
              dossiers, _dossier_row, (28, 10, 40, 16, 8, 24, 14, 13, 20, 30, 20, 14, 10, 16, 16, 16, 16, 16, 16,
                                       16, 16, 16, 20, 20, 12, 30, 10, 20, 14, 10)),
        Sheet("Sự kiện", (LABELS["dossier_code"], "Sự kiện", LABELS["moment"], LABELS["officer"],
                          LABELS["note"], LABELS["data"]),
              child(DossierEvent, DossierEvent.kind, DossierEvent.at, DossierEvent.officer, DossierEvent.note,
                    DossierEvent.data, order=DossierEvent.at), _jsonish, (28, 22, 16, 14, 30, 40)),
        Sheet(LABELS["component"], (LABELS["dossier_code"], LABELS["order"], "Tên thành phần",
                                    LABELS["submitted"], LABELS["digitised"], "Thời điểm số hóa",
                             LABELS["digitised_by"], "Mã thành phần", "Dùng lại từ",
                             LABELS["from_national_portal"]),
              child(DossierComponent, DossierComponent.position + 1, DossierComponent.name, DossierComponent.submitted,
                    DossierComponent.digitised, DossierComponent.digitised_at, DossierComponent.digitised_by,
                    DossierComponent.component_code, DossierComponent.reused_from_id,
                    DossierComponent.national_portal, order=DossierComponent.position), _moments,
              (28, 8, 40, 8, 8, 16, 14, 20, 36, 10)),
        Sheet(SUPPLEMENT_SHEET, SUPPLEMENT_HEADERS,
              child(Supplement, Supplement.requested_at, Supplement.items, Supplement.reason, Supplement.requested_by,
                    Supplement.received_at, Supplement.previous_due_at, Supplement.new_due_at,
                    order=Supplement.requested_at), _supplement_row, (28, 16, 40, 24, 14, 16, 16, 16)),
        Sheet("Xin lỗi", (LABELS["dossier_code"], "Ngày lập", LABELS["reason"], LABELS["new_due"],
                          "Người lập", "Ngày giao phiếu"),
              child(Apology, Apology.issued_at, Apology.reason, Apology.new_appointment, Apology.issued_by,
                    Apology.delivered_at, order=Apology.issued_at), _moments, (28, 16, 40, 12, 14, 16)),
        Sheet(LABELS["survey"], ("Thời điểm trả lời", "Mẫu phiếu", LABELS["version"], LABELS["source"],
                                 LABELS["entered_by"], LABELS["dossier_code"],
                           LABELS["field"], "Mức hài lòng chung", "Câu trả lời", LABELS["comment"]),
              select(SurveyAnswer.answered_at, SurveyAnswer.form_id, SurveyAnswer.form_version, SurveyAnswer.source,
                     SurveyAnswer.officer, SurveyAnswer.dossier_code, SurveyAnswer.field_name, SurveyAnswer.overall,
                     SurveyAnswer.answers, SurveyAnswer.comment).where(*answered).order_by(SurveyAnswer.answered_at),
              _jsonish, (16, 16, 8, 8, 14, 28, 16, 14, 40, 30)),
        Sheet(LABELS["queue_number"], (LABELS["date"], "Số", "Giờ lấy số", "Giờ gọi", "Cán bộ gọi",
                                       LABELS["dossier_code"]),
              select(QueueTicket.day, QueueTicket.number, QueueTicket.arrived_at, QueueTicket.called_at,
                     QueueTicket.called_by, QueueTicket.dossier_code).where(*ticketed)
              .order_by(QueueTicket.day, QueueTicket.number), _moments, (12, 8, 16, 16, 14, 28)),
    ]


def _supplement_row(r: Sequence[Any]) -> list[Any]:
    code, requested, items, reason, by, received, previous, new = r
    listed = "; ".join(str(i) for i in items) if isinstance(items, list) else items
    return [code, _vn(requested), listed, reason, by, _vn(received), _vn(previous), _vn(new)]


def count_rows(session: Session, plan: Sequence[Sheet]) -> int:
    return sum(session.scalar(select(func.count()).select_from(s.query.order_by(None).subquery())) or 0
               for s in plan)


def _rows(session: Session, sheet: Sheet) -> Iterator[list[Any]]:
    for row in session.execute(sheet.query.execution_options(yield_per=YIELD_PER)):
        yield sheet.convert(row)


def export_all(session: Session, out: str | Path, *, date_from: date | None = None, date_to: date | None = None,
               fmt: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Write every record (in the date range) to ``out``; ``fmt`` is "xlsx" or "csv" (default: by extension).

    Returns {"path", "format", "sheets": {title: rows}}.
    """
    require(session, Permission.MANAGE_SETTINGS)
    target = Path(out)
    fmt = fmt or ("csv" if target.suffix.lower() == ".zip" else "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise UserError(f"Định dạng '{fmt}' không hỗ trợ; chọn xlsx hoặc csv.", field="format")
    if fmt == "xlsx" and target.suffix.lower() != ".xlsx":
        raise UserError("Tệp Excel phải có đuôi .xlsx (hoặc dùng đuôi .zip cho bản CSV).", field="out")
    if fmt == "csv" and target.suffix.lower() != ".zip":
        raise UserError("Bản CSV được nén trong một tệp .zip; hãy đặt tên tệp có đuôi .zip.", field="out")
    if date_from and date_to and date_from > date_to:
        raise UserError(f"Ngày bắt đầu ({date_from:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc "
                        f"({date_to:%d/%m/%Y}).", field="from")
    plan = sheets(date_from, date_to)
    total = count_rows(session, plan)
    counts: dict[str, int] = {}
    state = {"done": 0}

    def tick(sheet: Sheet, rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
        written = 0
        for row in rows:
            written += 1
            state["done"] += 1
            if progress and state["done"] % 1000 == 0:
                progress(state["done"], total, sheet.title)
            yield row
        counts[sheet.title] = written

    def write(handle: BinaryIO) -> None:
        if fmt == "xlsx":
            _write_xlsx(handle, plan, lambda s: tick(s, _rows(session, s)))
        else:
            _write_csv_zip(handle, plan, lambda s: tick(s, _rows(session, s)))

    path = atomic_write(target, write, field="out")
    if progress:
        progress(total, total, "")
    return {"path": str(path), "format": fmt, "sheets": counts, "rows": sum(counts.values())}


def _write_xlsx(handle: BinaryIO, plan: Sequence[Sheet], rows_of: Callable[[Sheet], Iterator[list[Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for sheet in plan:
        ws = workbook.create_sheet(sheet.title)
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "B2"
        header = []
        for text in sheet.headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.alignment = bold, wrap
            header.append(cell)
        ws.append(header)
        for values in rows_of(sheet):
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in values])
    workbook.save(handle)


def _xlsx_cell(ws: Any, value: Any, cell_class: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime):
        cell = cell_class(ws, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = cell_class(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    text = excel_safe(str(value))
    if isinstance(text, str) and text.startswith("="):
        cell = cell_class(ws, value=text)
        cell.data_type = "s"  # a name typed as "=…" stays a name, never a formula
        return cell
    return text


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value  # OWASP: a spreadsheet opening the CSV must not run it
    return value


def _write_csv_zip(handle: BinaryIO, plan: Sequence[Sheet], rows_of: Callable[[Sheet], Iterator[list[Any]]]) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, sheet in enumerate(plan, start=1):
            name = f"{number:02d}-{_ascii_name(sheet.title)}.csv"
            with archive.open(name, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                writer.writerow(sheet.headers)
                for values in rows_of(sheet):
                    writer.writerow([_csv_value(v) for v in values])
                text.flush()
                text.detach()


def _ascii_name(title: str) -> str:
    from desktop.rules.text import fold

    return fold(title).replace(" ", "-")
