"""Đồng bộ, the view: what the page shows (this device, what the province has not confirmed yet, exports, receipts and refusals, and
the roads to the province (USB stick, network push, the province's reference package).

The actions (``desktop/ui/pages/sync.py``) call ``desktop/sync/workflows.py``; this module only lays
out the widgets and shows the status, the history tables and the progress of the running action. Long work (export,
push, package download) runs off the GUI thread with a progress bar: export and the local writes on
the single writer, the network push on the pool (its database writes are short transactions, and a
slow or retrying network must not hold up the counter's saves).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import texts
from desktop.formatting import number
from desktop.errors import Cancelled, UserError
from desktop.sync.errors import for_role, message_for
from desktop.ui import file_dialogs, messages
from desktop.ui.context import UiContext
from desktop.ui.pages.base import PageBase
from desktop.ui.widgets.layouts import group_box
from desktop.ui.widgets.tables import hbox, read_only_table
from desktop.formatting import dmy_hm
from desktop.texts import LABELS


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


TABLE_LABELS = {table: _t(label) for table, label in texts.TABLE_LABELS.items()}
MEDIUM_LABELS = {"usb": _t("USB"), "http": _t("Mạng"), "file": _t("Tệp")}
RECEIPT_STATUS = {"applied": _t("Đã cập nhật"), "duplicate": _t("Đã nhận trước đó"), "dry_run": _t("Chạy thử")}
ENROLMENT_TEXT = {
    "none": _t("Chưa gửi đề nghị đăng ký"),
    "requested": _t("Đã ghi đề nghị đăng ký lúc %1 — chờ tỉnh đăng ký"),
    "confirmed": _t("Đã đăng ký (tỉnh đã nhận dữ liệu của máy này)"),
    "revoked": _t("Tỉnh đã thu hồi quyền đồng bộ của máy này"),
    "unknown": _t("Tỉnh chưa đăng ký máy này — gửi tệp đề nghị đăng ký cho tỉnh"),
}
EXPORT_HEADERS = (_t("Thời điểm xuất"), _t("Tệp"), _t(LABELS["location"]), _t("Cách gửi"), _t("Mã gói"),
                  _t("Số bản ghi"), _t("Thứ tự thay đổi"), _t("Tỉnh xác nhận lúc"))
RECEIPT_HEADERS = (_t("Nhập lúc"), _t("Mã gói"), _t(LABELS["result"]), _t("Cập nhật"), _t("Không đổi"),
                   _t(LABELS["skip"]),
                   _t("Bị từ chối"), _t("Giờ máy chủ tỉnh"))
REJECTION_HEADERS = (_t("Nhận lúc"), _t("Loại dữ liệu"), _t("Mã bản ghi"), _t(LABELS["version"]),
                     _t("Lý do của tỉnh"))
STAGES = {"export": _t("Đang đóng gói dữ liệu…"), "upload": _t("Đang gửi lên máy chủ tỉnh…"),
          "retry": _t("Mạng chập chờn, đang thử lại (lần %1/%2)…"), "done": _t("Xong."),
          "download": _t("Đang tải gói dữ liệu của tỉnh…")}


@dataclass
class Pickers:
    """The file dialogs, replaceable (tests hand in paths; no modal dialog blocks them)."""

    open_file: Callable[[QWidget, str, str], Path | None] = file_dialogs.open_file
    save_file: Callable[[QWidget, str, str, str], Path | None] = file_dialogs.save_file
    folder: Callable[[QWidget, str], Path | None] = file_dialogs.choose_folder


class _Progress(QObject):
    """Emitted from the worker thread; Qt queues it to the page on the GUI thread."""

    changed = Signal(str, int, int)


def _item(value: Any, *, right: bool = False) -> QTableWidgetItem:
    text = "" if value is None else str(value)
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = read_only_table(headers, name=name, select_rows=True)
    table.setWordWrap(False)  # file names and paths break at '-' and '/': one line, elided in the middle
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    return table

class SyncView(PageBase):
    """The widgets and how the status and the running action are shown; no action starts here."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx, "sync-page")
        self.pickers = Pickers()
        self.status: dict[str, Any] | None = None
        self.last_export: Any = None
        self.last_push: Any = None
        self.last_package: Any = None
        self._cancel: threading.Event | None = None
        self._busy = False
        self._saved_url = ""
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)

        top = hbox((self._device_box(), 4), (self._pending_box(), 3), (self._network_box(ctx), 4))
        first, second, progress_row = self._action_rows(ctx)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addLayout(first)
        root.addLayout(second)
        root.addLayout(progress_row)
        root.addWidget(self._history_tabs(), 1)

    def _device_box(self) -> QGroupBox:
        device_box = QGroupBox(self.tr("Máy này"))
        form = QFormLayout(device_box)
        self.device_label = QLabel(objectName="device_id")
        self.unit_label = QLabel(objectName="unit")
        self.key_label = QLabel(objectName="province_key", wordWrap=True)
        self.enrolment_label = QLabel(objectName="enrolment", wordWrap=True)
        self.package_label = QLabel(objectName="package_version")
        for label in (self.device_label, self.unit_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Mã máy:"), self.device_label)
        form.addRow(self.tr("Đơn vị:"), self.unit_label)
        form.addRow(self.tr("Khóa của tỉnh:"), self.key_label)
        form.addRow(self.tr("Đăng ký:"), self.enrolment_label)
        form.addRow(self.tr("Gói dữ liệu tỉnh:"), self.package_label)

        return device_box

    def _pending_box(self) -> QGroupBox:
        self.pending_count = QLabel(objectName="pending_count")
        font = self.pending_count.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.pending_count.setFont(font)
        self.pending_detail = QLabel(objectName="pending_detail", wordWrap=True)
        self.last_sync_label = QLabel(objectName="last_sync", wordWrap=True)
        return group_box(self.tr("Chờ tỉnh xác nhận"), self.pending_count, self.pending_detail,
                         self.last_sync_label, 1)

    def _network_box(self, ctx: UiContext) -> QGroupBox:
        net_box = QGroupBox(self.tr("Máy chủ tỉnh (gửi qua mạng)"))
        net = QGridLayout(net_box)
        self.url_edit = QLineEdit(objectName="hub_url")
        self.url_edit.setPlaceholderText("http://10.0.0.5:8765")
        self.url_edit.setReadOnly(not ctx.is_admin)
        self.url_edit.setToolTip(self.tr("Chỉ quản trị được thay đổi địa chỉ máy chủ tỉnh."))
        self.save_url_button = QPushButton(self.tr("Lưu địa chỉ"), objectName="save_hub_url")
        self.save_url_button.setEnabled(ctx.is_admin)
        self.url_error = QLabel(objectName="hub_url_error", wordWrap=True)
        self.url_error.setStyleSheet("color: #c92a2a;")
        self.url_error.hide()
        self.push_result = QLabel(objectName="push_result", wordWrap=True)
        net.addWidget(QLabel(self.tr("Địa chỉ:")), 0, 0)
        net.addWidget(self.url_edit, 0, 1)
        net.addWidget(self.save_url_button, 0, 2)
        net.addWidget(self.url_error, 1, 0, 1, 3)
        net.addWidget(self.push_result, 2, 0, 1, 3)
        net.setRowStretch(3, 1)
        net.setColumnStretch(1, 1)

        return net_box

    def _action_rows(self, ctx: UiContext) -> tuple[QHBoxLayout, QHBoxLayout, QHBoxLayout]:
        self.export_button = QPushButton(self.tr("Xuất ra USB… (Ctrl+E)"), objectName="export")
        self.receipt_button = QPushButton(self.tr("Nhập biên nhận… (Ctrl+I)"), objectName="import_receipt")
        self.push_button = QPushButton(self.tr("Gửi qua mạng (Ctrl+G)"), objectName="push")
        self.package_button = QPushButton(self.tr("Áp dụng gói dữ liệu của tỉnh… (Ctrl+U)"), objectName="package_file")
        self.package_url_button = QPushButton(self.tr("Tải gói từ máy chủ tỉnh"), objectName="package_url")
        self.key_button = QPushButton(self.tr("Cài khóa của tỉnh…"), objectName="install_key")
        self.key_button.setEnabled(ctx.is_admin)
        self.key_button.setToolTip(self.tr("Chỉ quản trị được cài khóa công khai của tỉnh."))
        self.enrol_button = QPushButton(self.tr("Ghi đề nghị đăng ký…"), objectName="enrol")
        self.cancel_button = QPushButton(self.tr(LABELS["cancel"]), objectName="cancel")
        self.cancel_button.setEnabled(False)
        self.export_button.setDefault(True)
        first = QHBoxLayout()
        for button in (self.export_button, self.receipt_button, self.push_button):
            first.addWidget(button)
        first.addStretch(1)
        for button in (self.key_button, self.enrol_button):
            first.addWidget(button)
        second = hbox(self.package_button, self.package_url_button, 1)
        self.progress = QProgressBar(objectName="progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")  # no «0%» while nothing runs
        self.progress_label = QLabel(objectName="progress_label", wordWrap=True)
        progress_row = hbox((self.progress, 2), (self.progress_label, 3), self.cancel_button)

        return first, second, progress_row

    def _history_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget(objectName="history_tabs")
        self.exports_table = _table("exports", EXPORT_HEADERS)
        self.receipts_table = _table("receipts", RECEIPT_HEADERS)
        self.rejections_table = _table("rejections", REJECTION_HEADERS)
        for table, widths in ((self.exports_table, (120, 345, 190, 70, 80, 80, 100)),
                              (self.receipts_table, (130, 90, 120, 80, 80, 70, 80)),
                              (self.rejections_table, (130, 130, 280, 80))):
            for column, width in enumerate(widths):
                table.setColumnWidth(column, width)
        self.rejections_table.setWordWrap(True)
        self.tabs.addTab(self.exports_table, self.tr("Lịch sử xuất gói"))
        self.tabs.addTab(self.receipts_table, self.tr("Biên nhận của tỉnh"))
        self.tabs.addTab(self.rejections_table, self.tr("Bản ghi tỉnh từ chối"))

        return self.tabs

    def show_status(self, status: dict[str, Any]) -> None:
        self.status = status
        self.device_label.setText(status["device_id"] or self.tr("(chưa tạo)"))
        self.unit_label.setText(str(status["unit_code"] or ""))
        if status["province_keys_installed"]:
            self.key_label.setText(self.tr("Đã cài — %1").replace("%1", status["province"] or self.tr("tỉnh")))
        else:
            self.key_label.setText(self.tr("Chưa cài (cần tệp province.pub do tỉnh cấp)"))
        request = status.get("enrolment_request") or {}
        self.enrolment_label.setText(ENROLMENT_TEXT[status["enrolment"]].replace("%1", dmy_hm(request.get("at"))))
        version = status.get("package_version")
        self.package_label.setText(self.tr("Phiên bản %1").replace("%1", str(version)) if version
                                   else self.tr("Chưa nhận gói nào"))
        pending = status["pending_records"]
        self.pending_count.setText(self.tr("%1 bản ghi").replace("%1", number(pending)))
        if status["pending_changes"]:
            detail = self.tr("%1 thay đổi, thứ tự %2–%3; %4 chưa xuất, %5 đã xuất chờ tỉnh xác nhận.") \
                .replace("%1", str(status["pending_changes"])).replace("%2", str(status["pending_seq_from"])) \
                .replace("%3", str(status["pending_seq_to"])).replace("%4", str(status["ready_changes"])) \
                .replace("%5", str(status["exported_unconfirmed"]))
        else:
            detail = self.tr("Không có gì chờ gửi: tỉnh đã xác nhận mọi dữ liệu.")
        self.pending_detail.setText(detail)
        last = status.get("last_sync_at")
        self.last_sync_label.setText(self.tr("Tỉnh xác nhận lần cuối: %1").replace("%1", dmy_hm(last)) if last
                                     else self.tr("Tỉnh chưa xác nhận lần nào."))
        saved = status.get("hub_url") or ""
        if self.url_edit.text() == self._saved_url:  # never overwrite an address the officer is typing
            self.url_edit.setText(saved)
        self._saved_url = saved
        self.push_result.setText(self._push_text(status.get("last_push")))
        self._fill_exports(status["batches"])
        self._fill_receipts(status["receipts"])
        self._fill_rejections(status["rejections"])

    def _push_text(self, push: Any) -> str:
        if not isinstance(push, dict) or not push:
            return self.tr("Chưa gửi qua mạng lần nào.")
        when = dmy_hm(push.get("at"))
        status = push.get("status")
        if status == "up_to_date":
            return self.tr("Lần gửi gần nhất (%1): không có gì cần gửi.").replace("%1", when)
        if status == "queued":
            return self.tr("Lần gửi gần nhất (%1): tỉnh đã nhận gói, đang cập nhật; lần gửi sau sẽ nhận xác nhận.") \
                .replace("%1", when)
        if status in ("refused", "failed"):
            head = self.tr("Lần gửi gần nhất (%1) không thành công: %2") if status == "failed" \
                else self.tr("Lần gửi gần nhất (%1) bị tỉnh từ chối: %2")
            said = message_for(push.get("code"), str(push.get("message") or ""), admin=self.ctx.is_admin)
            return head.replace("%1", when).replace("%2", said)
        return self.tr("Lần gửi gần nhất (%1): tỉnh cập nhật %2 bản ghi, xác nhận %3 thay đổi.") \
            .replace("%1", when).replace("%2", str(push.get("applied", 0))) \
            .replace("%3", str(push.get("acknowledged", 0)))

    def _fill_exports(self, batches: list[dict[str, Any]]) -> None:
        self.exports_table.setRowCount(len(batches))
        for r, b in enumerate(batches):
            confirmed = dmy_hm(b["acknowledged_at"]) or (
                self.tr("không cần (đã có gói sau)") if b.get("superseded") else self.tr("chưa"))
            values = (dmy_hm(b["exported_at"]), b["file"], b["destination"], MEDIUM_LABELS.get(b["medium"],
                      b["medium"]), b["batch_id"][:8], number(b["changes"]), f"{b['seq_from']}–{b['seq_to']}",
                      confirmed)
            for c, value in enumerate(values):
                self.exports_table.setItem(r, c, _item(value, right=c == 5))
            self.exports_table.item(r, 4).setToolTip(b["batch_id"])
        self.tabs.setTabText(0, self.tr("Lịch sử xuất gói (%1)").replace("%1", str(len(batches))))

    def _fill_receipts(self, receipts: list[dict[str, Any]]) -> None:
        self.receipts_table.setRowCount(len(receipts))
        for r, x in enumerate(receipts):
            counts = x.get("counts") or {}
            values = (dmy_hm(x["imported_at"]), x["batch_id"][:8], RECEIPT_STATUS.get(x["status"], x["status"]),
                      number(counts.get("applied", 0)), number(counts.get("unchanged", 0)),
                      number(counts.get("skipped", 0)),
                      number(counts.get("rejected", 0) + counts.get("conflict", 0)), dmy_hm(x.get("hub_time")))
            for c, value in enumerate(values):
                self.receipts_table.setItem(r, c, _item(value, right=3 <= c <= 6))
            self.receipts_table.item(r, 1).setToolTip(x["batch_id"])
        self.tabs.setTabText(1, self.tr("Biên nhận của tỉnh (%1)").replace("%1", str(len(receipts))))

    def _fill_rejections(self, rejections: list[dict[str, Any]]) -> None:
        self.rejections_table.setRowCount(len(rejections))
        for r, x in enumerate(rejections):
            values = (dmy_hm(x["received_at"]), TABLE_LABELS.get(x["table"], x["table"]), x["record_id"],
                      x["version"], x["message"])
            for c, value in enumerate(values):
                self.rejections_table.setItem(r, c, _item(value, right=c == 3))
        self.rejections_table.resizeRowsToContents()
        self.tabs.setTabText(2, self.tr("Bản ghi tỉnh từ chối (%1)").replace("%1", str(len(rejections))))

    # -- background work ---------------------------------------------------------------------
    def _start(self, label: str, *, cancellable: bool = False) -> bool:
        if self._busy:
            return False
        self._busy = True
        for button in (self.export_button, self.receipt_button, self.push_button, self.package_button,
                       self.package_url_button, self.enrol_button):
            button.setEnabled(False)
        self.key_button.setEnabled(False)
        self.cancel_button.setEnabled(cancellable)
        self.progress.setFormat("%p%")
        self.progress.setRange(0, 0)  # busy until the first real progress arrives
        self.progress_label.setStyleSheet("")
        self.progress_label.setText(label)
        return True

    def _finish(self, text: str, *, error: bool = False) -> None:
        self._busy = False
        self._cancel = None
        for button in (self.export_button, self.receipt_button, self.push_button, self.package_button,
                       self.package_url_button, self.enrol_button):
            button.setEnabled(True)
        self.key_button.setEnabled(self.ctx.is_admin)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if error else 1)
        self.progress.setFormat("" if error else "%p%")  # no «0%» beside a failure
        self.progress_label.setStyleSheet("color: #c92a2a;" if error else "")
        self.progress_label.setText(text)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._finish(self.tr("Đã hủy. Dữ liệu vẫn an toàn trên máy; có thể làm lại bất cứ lúc nào."), error=True)
            return
        exc = for_role(exc, admin=self.ctx.is_admin)
        self._finish(exc.message if isinstance(exc, UserError) else self.tr("Lỗi không mong muốn."), error=True)
        messages.show_error(self, exc)

    def show_error(self, exc: BaseException) -> None:
        """A failure as this officer should read it: an officer is not sent to an administrator's button."""
        messages.show_error(self, for_role(exc, admin=self.ctx.is_admin))

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        text = STAGES.get(stage, "")
        if stage == "retry":
            text = text.replace("%1", str(done)).replace("%2", str(total))
            self.progress.setRange(0, 0)
        elif total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text:
            self.progress_label.setText(text)
