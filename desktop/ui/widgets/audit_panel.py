"""Cài đặt › Nhật ký: the leader's view of the audit trail and the «Kiểm tra tính toàn vẹn» button.

Everything goes through ``desktop.services.audit_trail``, which refuses officers without AUDIT_VIEW;
the panel then shows that refusal instead of the table (the tab stays, so an officer learns who may
look). The check marks the rows it blames: the first broken link of the chain, and the newest entry of
each record whose data was changed behind the app's back.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.platform import clock
from desktop.errors import PermissionDenied
from desktop.rules.lifecycle import STATUS_LABELS
from desktop.services import audit_trail
from desktop.services.audit_trail import AuditCheck, AuditFilter, AuditRow
from desktop.services.permissions import ROLE_LABELS
from desktop.ui import messages
from desktop.ui.context import UiContext
from desktop.ui.dossier_detail import EVENT_LABELS
from desktop.texts import LABELS
from desktop.ui.widgets.period_range import date_box

FLAGGED = QColor("#f8d7da")
FIELD_LABELS = {
    "status": LABELS["status"], "applicant_name": LABELS["applicant"],
    "applicant_id_number": LABELS["identifier"],
    "applicant_phone": LABELS["phone"], "applicant_address": LABELS["address"], "due_at": LABELS["due"],
    "result": LABELS["result"],
    "handler": LABELS["handled_by"], "notes": LABELS["note"], "full_name": LABELS["full_name"],
    "role": LABELS["role"], "active": "Hoạt động",
    "password_hash": "Mật khẩu (mã băm)", "locked_until": "Khóa đến", "failed_logins": "Số lần sai",
    "name": LABELS["name"], "code": "Mã", "reason": LABELS["reason"], "working": LABELS["working_day"],
    "day": LABELS["date"], "deleted": "Đã xóa",
    "procedure_name": LABELS["procedure"], "procedure_code": "Mã thủ tục", "received_at": "Tiếp nhận lúc",
    "received_by": LABELS["received_by"], "kind": LABELS["kind"], "note": LABELS["note"],
    "officer": LABELS["officer"], "at": "Lúc",
    "channel": LABELS["channel"], "sets_count": LABELS["copies"], "counting_start": LABELS["clock_start"],
    "original_due_at": LABELS["original_due"], "result_at": "Có kết quả lúc",
    "returned_at": "Trả kết quả lúc",
    "withdrawn_at": "Rút hồ sơ lúc", "result_reason": "Lý do (kết quả)",
    "refusal_reason": LABELS["refusal_reason"],
    "organisation": LABELS["organisation"], "applicant_email": LABELS["email"],
    "return_by_post": "Trả qua bưu chính",
    "position": LABELS["order"], "submitted": LABELS["submitted"], "digitised": LABELS["digitised"],
    "digitised_at": "Số hóa lúc",
    "digitised_by": LABELS["digitised_by"], "component_code": LABELS["digitisation_code"],
    "national_portal": LABELS["from_national_portal"],
    "result_digitised": LABELS["digitised_result"], "result_code": "Mã số hóa kết quả",
    "new_date": LABELS["new_due"],
    "items": "Nội dung bổ sung", "requested_at": "Yêu cầu lúc", "value": "Giá trị", "key": "Khóa",
    "dossier_id": "Hồ sơ (mã nội bộ)", "owner_unit": LABELS["unit"], "version": "Phiên bản bản ghi",
    "updated_at": "Cập nhật lúc", "id": "Mã nội bộ",
}


def _value_text(value: Any, key: str = "") -> str:
    if key == "kind" and value in EVENT_LABELS:
        return EVENT_LABELS[value]
    if key == "status" and value in STATUS_LABELS:
        return f"{STATUS_LABELS[value]} ({value})"
    if key == "role" and value in ROLE_LABELS:
        return ROLE_LABELS[value]
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def subject_text(row: AuditRow) -> str:
    """The row's subject, with a dossier event's kind («started») in words («Chuyển xử lý»)."""
    return EVENT_LABELS.get(row.subject, row.subject) if row.table == "dossier_event" else row.subject


SUMMARY_FIELDS = ("applicant_name", "full_name", "procedure_name", "name", "role", "status", "reason", "kind",
                  "note")


def change_summary(row: AuditRow, limit: int = 3) -> str:
    """«Trạng thái: received → in_progress; …» for an update; the telling fields of an insert; «đã xóa»."""
    if row.op == "delete":
        return "đã xóa"
    if row.op != "update":
        image = row.after or {}
        parts = [f"{FIELD_LABELS.get(k, k)}: {_value_text(image[k], k)}" for k in SUMMARY_FIELDS
                 if image.get(k) not in (None, "")][:limit]
        return "; ".join(parts) or row.subject
    changes = row.changes()
    parts = [f"{FIELD_LABELS.get(k, k)}: {_value_text(b, k)} → {_value_text(a, k)}" for k, b, a in changes[:limit]]
    more = len(changes) - limit
    return "; ".join(parts) + (f" (+{more})" if more > 0 else "")


def _ordered(changes: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """Fields a person reads first (the labelled ones), then the technical ones."""
    return sorted(changes, key=lambda c: (c[0] not in FIELD_LABELS, list(FIELD_LABELS).index(c[0])
                                          if c[0] in FIELD_LABELS else 0, c[0]))


class AuditPanel(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[AuditRow] = []
        self.flagged: set[int] = set()
        self.check: AuditCheck | None = None

        self.actor = QComboBox(objectName="actor")
        self.actor.addItem(self.tr("Tất cả cán bộ"), None)
        today = clock.to_vn(clock.now()).date()
        self.date_from = date_box(today - timedelta(days=30), "date_from")
        self.date_to = date_box(today, "date_to")
        self.verify_button = QPushButton(self.tr("Kiểm tra tính toàn vẹn"), objectName="verify")
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Cán bộ:")))
        filters.addWidget(self.actor, 1)
        filters.addWidget(QLabel(self.tr("Từ ngày:")))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("đến:")))
        filters.addWidget(self.date_to)
        filters.addStretch(1)
        filters.addWidget(self.verify_button)

        self.result = QLabel(objectName="result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel(objectName="count")

        self.table = QTableWidget(0, 6, objectName="entries")
        self.table.setHorizontalHeaderLabels([self.tr("Số"), self.tr(LABELS["moment"]),
                                              self.tr(LABELS["officer"]),
                                              self.tr("Thao tác"), self.tr(LABELS["data"]),
                                              self.tr("Nội dung")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((60, 130, 170, 70, 220)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.details = QTableWidget(0, 3, objectName="details")
        self.details.setHorizontalHeaderLabels([self.tr("Trường"), self.tr("Trước"), self.tr("Sau")])
        self.details.verticalHeader().setVisible(False)
        self.details.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.details.setColumnWidth(0, 180)
        self.details.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.details.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([420, 200])

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(filters)
        inner.addWidget(self.result)
        inner.addWidget(self.count)
        inner.addWidget(splitter, 1)
        self.refused = QLabel(objectName="refused")
        self.refused.setWordWrap(True)
        self.refused.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.refused)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self.actor.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self.verify_button.clicked.connect(self.verify)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_details(row))
        self._load_actors()

    # -- loading -------------------------------------------------------------------------------
    def _refuse(self, error: BaseException) -> None:
        if isinstance(error, PermissionDenied):
            self.refused.setText(error.message)
            self.stack.setCurrentWidget(self.refused)
            return
        messages.show_error(self, error)

    def _load_actors(self) -> None:
        self.ctx.read(audit_trail.audit_actors, self._got_actors, self._refuse)

    def _got_actors(self, actors: list[tuple[str, str]]) -> None:
        self.actor.blockSignals(True)
        for username, name in actors:
            self.actor.addItem(f"{name} ({username})" if name != username else username, username)
        self.actor.blockSignals(False)
        self.reload()

    def current_filter(self) -> AuditFilter:
        start: date = self.date_from.date().toPython()  # type: ignore[assignment]
        end: date = self.date_to.date().toPython()  # type: ignore[assignment]
        return AuditFilter(actor=self.actor.currentData(), date_from=start, date_to=end)

    def reload(self) -> None:
        flt = self.current_filter()
        self.ctx.read(lambda s: audit_trail.list_audit(s, flt), self.show_rows, self._refuse)

    def show_rows(self, rows: list[AuditRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (str(row.seq), f"{clock.to_vn(row.at):%H:%M:%S %d/%m/%Y}",
                      row.actor_name if row.actor_name == row.actor else f"{row.actor_name} ({row.actor})",
                      row.op_label, f"{row.table_label} {subject_text(row)}", change_summary(row))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.seq in self.flagged:
                    item.setBackground(QBrush(FLAGGED))
                self.table.setItem(index, column, item)
        limit = AuditFilter().limit
        self.count.setText(self.tr("%1 thay đổi").replace("%1", str(len(rows))) + (
            self.tr(" (chỉ hiện %1 thay đổi mới nhất; thu hẹp khoảng ngày để xem thêm)").replace("%1", str(limit))
            if len(rows) >= limit else ""))
        self.show_details(self.table.currentRow())

    def show_details(self, index: int) -> None:
        changes = _ordered(self.rows[index].changes()) if 0 <= index < len(self.rows) else []
        self.details.setRowCount(len(changes))
        for r, (key, before, after) in enumerate(changes):
            for column, value in enumerate((FIELD_LABELS.get(key, key), _value_text(before, key),
                                            _value_text(after, key))):
                self.details.setItem(r, column, QTableWidgetItem(value))

    # -- check ---------------------------------------------------------------------------------
    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.result.setText(self.tr("Đang kiểm tra…"))
        self.ctx.read(audit_trail.check_audit, self.show_check, self._check_failed)

    def _check_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText("")
        self._refuse(error)

    def show_check(self, check: AuditCheck) -> None:
        self.verify_button.setEnabled(True)
        self.check = check
        self.flagged = set(check.flagged)
        result = check.result
        if result.ok:
            text = self.tr("Nhật ký nguyên vẹn: %1 dòng, chuỗi băm liền mạch, dữ liệu khớp với lần ghi cuối của "
                           "phần mềm.").replace("%1", str(result.entries))
            if result.unaudited:
                text += " " + self.tr("Bản ghi nạp hàng loạt hoặc có từ trước khi bật nhật ký: %1.").replace(
                    "%1", ", ".join(f"{audit_trail.TABLE_LABELS.get(t, t)} {n}" for t, n in sorted(result.unaudited.items())))
            self.result.setStyleSheet("color: #1b5e20")
        else:
            lines = [self.tr("CẢNH BÁO: dữ liệu đã bị thay đổi ngoài phần mềm.")]
            if result.broken_at is not None:
                lines.append(self.tr("Chuỗi nhật ký đứt tại dòng số %1.").replace("%1", str(result.broken_at)))
                chain_problems = len(result.problems) - min(len(result.mismatched), 20)
                lines += [f"– {p}" for p in result.problems[:chain_problems]]
            for row in check.flagged_rows:
                if row.seq != result.broken_at:
                    lines.append(self.tr("%1 %2: dữ liệu hiện tại khác với lần ghi cuối (dòng nhật ký số %3, %4 "
                                         "lúc %5).").replace("%1", row.table_label).replace("%2", row.subject)
                                 .replace("%3", str(row.seq)).replace("%4", row.actor_name)
                                 .replace("%5", f"{clock.to_vn(row.at):%H:%M %d/%m/%Y}"))
            text = "\n".join(lines)
            self.result.setStyleSheet("color: #b00020")
        self.result.setText(text)
        self.show_rows(self.rows)
        first = next((i for i, r in enumerate(self.rows) if r.seq in self.flagged), None)
        if first is not None:
            self.table.setCurrentCell(first, 0)
