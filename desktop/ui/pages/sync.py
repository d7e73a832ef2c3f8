"""Đồng bộ, the actions: export to a USB stick, import the province's receipt, push over the network,
apply or download the province package, install the province key, write the enrolment request.

Each action is one call to ``desktop/sync/workflows.py`` (the same functions the command line calls),
run off the GUI thread with a progress bar: export and the local writes on the single writer, the
network work on the pool (its database writes are short transactions, and a slow or retrying network
must not hold up the counter's saves). The view (``sync_view.py``) shows the outcome; the database tells
every page what changed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut

from desktop.errors import UserError
from desktop.sync import hub_settings, workflows
from desktop.sync.errors import for_role
from desktop.sync.status import sync_status
from desktop.ui import messages
from desktop.ui.context import CALENDAR, CATALOG, DOSSIERS, SETTINGS, UiContext
from desktop.ui.pages.sync_view import STAGES, Pickers, SyncView


class SyncPage(SyncView):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        for button, slot in ((self.export_button, self.choose_export), (self.push_button, self.push),
                             (self.receipt_button, self.choose_receipt), (self.key_button, self.choose_key),
                             (self.package_button, self.choose_package),
                             (self.package_url_button, self.package_from_hub),
                             (self.enrol_button, self.choose_enrolment), (self.save_url_button, self.save_url)):
            button.clicked.connect(slot)
        self.url_edit.returnPressed.connect(self.save_url)
        self.cancel_button.clicked.connect(self.cancel)
        for keys, slot in (("Ctrl+E", self.choose_export), ("Ctrl+I", self.choose_receipt), ("Ctrl+G", self.push),
                           ("Ctrl+U", self.choose_package)):
            QShortcut(QKeySequence(keys), self, activated=slot)
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    # -- reading -----------------------------------------------------------------------------
    def activate(self) -> None:
        self.reload()

    def _on_changed(self, topics: object) -> None:
        """Own actions say SETTINGS (always reload); new dossiers only matter while the page is on screen."""
        if not isinstance(topics, frozenset):
            return
        if SETTINGS in topics or (topics & {DOSSIERS, CATALOG, CALENDAR} and self.isVisible()):
            self.reload()

    def reload(self) -> None:
        self.ctx.read(lambda s: sync_status(s, recent=50), self.show_status, self.show_error)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.progress_label.setText(self.tr("Đang hủy…"))

    def is_busy(self) -> bool:
        return self._busy

    # -- USB ---------------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self._busy:
            return
        folder = self.pickers.folder(self, self.tr("Chọn thư mục (ổ USB) để ghi gói dữ liệu"))
        if folder is not None:
            self.export_to(folder)

    def export_to(self, folder: Path) -> None:
        from desktop.sync.export import ExportResult, export_batch

        if not self._start(self.tr("Đang đóng gói dữ liệu…")):
            return
        db, officer, emit = self.ctx.db, self.ctx.officer.username, self._progress.changed.emit

        def job() -> ExportResult:
            return export_batch(db, folder, medium="usb", officer=officer, progress=lambda d, t: emit("export", d, t))

        def done(result: ExportResult) -> None:
            self.last_export = result
            if result.file is None:
                self._finish(self.tr("Không có thay đổi nào cần gửi: tỉnh đã xác nhận mọi dữ liệu."))
            else:
                self._finish(self.tr("Đã ghi %1 bản ghi (thứ tự %2–%3) vào %4. Mang USB lên tỉnh, rồi nhập biên nhận "
                                     "tỉnh trả về.").replace("%1", str(result.changes))
                             .replace("%2", str(result.seq_from)).replace("%3", str(result.seq_to))
                             .replace("%4", str(result.file)))

        self.ctx.tasks.write(job, done, self._failed)

    def _pick_file(self, title: str, filter_text: str) -> Path | None:
        """The file the officer picks, or None: cancelled, or an action of this page is still running."""
        return None if self._busy else self.pickers.open_file(self, title, filter_text)

    def choose_receipt(self) -> None:
        path = self._pick_file(self.tr("Chọn tệp biên nhận hoặc hộp thư của tỉnh"),
                               self.tr("Biên nhận, hộp thư (*.receipt.json *.json *.mci);;Mọi tệp (*)"))
        if path is not None and path.suffix == ".mci":
            self.import_inbox(path)
        elif path is not None:
            self.import_receipt(path)

    def import_inbox(self, path: Path) -> None:
        """The hub's inbox file beside the receipts on the stick (issue #15): forwarded dossiers, results back."""
        from desktop.sync import inbox

        if not self._start(self.tr("Đang kiểm tra chữ ký hộp thư…")):
            return
        db, officer = self.ctx.db, self.ctx.officer.username

        def done(outcome: inbox.InboxResult) -> None:
            self.ctx.bus.changed.emit(frozenset({DOSSIERS}))
            self._finish(self.tr("Đã nhận hộp thư của tỉnh: %1 bản ghi mới, %2 hồ sơ chuyển đến hoặc chuyển về.")
                         .replace("%1", str(outcome.applied)).replace("%2", str(outcome.dossiers)))

        self.ctx.tasks.write(lambda: inbox.apply_file(db, path.read_bytes(), officer=officer), done, self._failed)

    def import_receipt(self, path: Path) -> None:
        from desktop.sync.receipt import ReceiptOutcome

        if not self._start(self.tr("Đang kiểm tra chữ ký biên nhận…")):
            return
        db, officer = self.ctx.db, self.ctx.officer.username

        def job() -> ReceiptOutcome:
            return workflows.receive_receipt(db, path, officer=officer)

        def done(outcome: ReceiptOutcome) -> None:
            if outcome.already_imported:
                self._finish(self.tr("Biên nhận của gói %1 đã được nhập trước đây.").replace("%1", outcome.batch_id[:8]))
                return
            text = self.tr("Tỉnh đã xác nhận gói %1: %2 thay đổi đã đồng bộ.").replace("%1", outcome.batch_id[:8]) \
                .replace("%2", str(outcome.acknowledged))
            if outcome.rejected:
                text += " " + self.tr("%1 bản ghi bị từ chối — xem thẻ «Bản ghi tỉnh từ chối».") \
                    .replace("%1", str(outcome.rejected))
                self.tabs.setCurrentIndex(2)
            self._finish(text)

        self.ctx.tasks.write(job, done, self._failed)

    # -- network -----------------------------------------------------------------------------
    def _valid_url(self) -> str | None:
        """The address in the field, checked by the sync layer; the error is shown next to the field."""
        try:
            url = hub_settings.normalise_hub_url(self.url_edit.text())
        except UserError as error:
            exc = for_role(error, admin=self.ctx.is_admin)
            self.url_error.setText(str(exc))
            self.url_error.show()
            self.url_edit.setFocus()
            messages.show_error(self, exc)
            return None
        self.url_error.hide()
        return url

    def save_url(self) -> None:
        text = self.url_edit.text()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self.url_error.setText(exc.message)
                self.url_error.show()
            messages.show_error(self, exc)

        def done(value: str) -> None:
            self.url_error.hide()
            self.url_edit.setText(value)
            self.progress_label.setStyleSheet("")
            self.progress_label.setText(self.tr("Đã lưu địa chỉ máy chủ tỉnh.") if value
                                        else self.tr("Đã xóa địa chỉ máy chủ tỉnh."))

        self.ctx.write(lambda s: hub_settings.save_hub_url(s, text), done, failed)

    def push(self) -> None:
        from desktop.sync.push import PushResult
        from desktop.sync.push import push as push_batches

        if self._busy:
            return
        url = self._valid_url()
        if url is None or not self._start(self.tr("Đang kết nối máy chủ tỉnh…"), cancellable=True):
            return
        cancel = self._cancel = threading.Event()
        db, officer, emit = self.ctx.db, self.ctx.officer.username, self._progress.changed.emit

        def job() -> PushResult:
            return push_batches(db, url, progress=emit, cancel=cancel, officer=officer)

        def done(result: PushResult) -> None:
            self.last_push = result
            if result.status == "up_to_date":
                self._finish(self.tr("Không có gì cần gửi: tỉnh đã xác nhận mọi dữ liệu."))
            elif result.status == "queued":
                self._finish(self.tr("Tỉnh đã nhận gói %1 và đang cập nhật; lần gửi sau sẽ nhận xác nhận.")
                             .replace("%1", (result.batch_id or "")[:8]))
            else:
                self._finish(self.tr("Đã gửi gói %1: tỉnh cập nhật %2 bản ghi, xác nhận %3 thay đổi.")
                             .replace("%1", (result.batch_id or "")[:8]).replace("%2", str(result.applied))
                             .replace("%3", str(result.acknowledged)))

        self.ctx.tasks.run(job, done, self._failed)

    # -- province package --------------------------------------------------------------------
    def choose_package(self) -> None:
        path = self._pick_file(self.tr("Chọn gói dữ liệu của tỉnh"),
                               self.tr("Gói dữ liệu của tỉnh (*.mcp);;Mọi tệp (*)"))
        if path is not None:
            self.apply_package_file(path)

    def _package_done(self, result: Any) -> None:
        self.last_package = result
        if result is None:
            self._finish(self.tr("Máy đã có gói dữ liệu mới nhất của tỉnh."))
            return
        text = self.tr("Đã áp dụng gói dữ liệu của tỉnh phiên bản %1: %2 thủ tục mới, %3 cập nhật, %4 ngày nghỉ/làm bù.") \
            .replace("%1", str(result.version)).replace("%2", str(result.procedures_created)) \
            .replace("%3", str(result.procedures_updated)).replace("%4", str(result.calendar_days))
        if result.this_device_revoked:
            text += " " + self.tr("Cảnh báo: máy này nằm trong danh sách bị tỉnh thu hồi quyền đồng bộ.")
        self._finish(text, error=result.this_device_revoked)

    def apply_package_file(self, path: Path) -> None:
        if not self._start(self.tr("Đang kiểm tra và áp dụng gói dữ liệu của tỉnh…")):
            return
        db, officer = self.ctx.db, self.ctx.officer.username
        self.ctx.tasks.write(lambda: workflows.install_package_file(db, path, officer=officer), self._package_done,
                             self._failed)

    def package_from_hub(self) -> None:
        """Download and apply in one worker on the pool: the network must not hold up the single writer."""
        if self._busy:
            return
        url = self._valid_url()
        if url is None or not self._start(STAGES["download"]):
            return
        db, officer = self.ctx.db, self.ctx.officer.username
        self.ctx.tasks.run(lambda: workflows.download_package(db, url, officer=officer),
                           lambda download: self._package_done(download.applied), self._failed)

    # -- set-up ------------------------------------------------------------------------------
    def choose_key(self) -> None:
        path = self.pickers.open_file(self, self.tr("Chọn tệp khóa công khai của tỉnh"),
                                      self.tr("Khóa của tỉnh (*.pub);;Mọi tệp (*)"))
        if path is not None:
            self.install_key(path)

    def install_key(self, path: Path) -> None:
        def done(bundle: dict[str, Any]) -> None:
            self.progress_label.setStyleSheet("")
            self.progress_label.setText(self.tr("Đã cài khóa công khai của %1.").replace(
                "%1", str(bundle.get("province") or self.tr("tỉnh"))))

        db, officer = self.ctx.db, self.ctx.officer.username
        self.ctx.tasks.write(lambda: workflows.install_key(db, path, officer=officer), done,
                             self.show_error)

    def choose_enrolment(self) -> None:
        status = self.status or {}
        default = f"dang-ky-{status.get('unit_code') or 'xa'}-{(status.get('device_id') or 'may')[:8]}.json"
        path = self.pickers.save_file(self, self.tr("Ghi tệp đề nghị đăng ký máy"), default,
                                      self.tr("Đề nghị đăng ký (*.json)"))
        if path is not None:
            self.write_enrolment(path)

    def write_enrolment(self, path: Path) -> None:
        db, officer = self.ctx.db, self.ctx.officer.username

        def job() -> dict[str, Any]:
            return workflows.write_enrolment(db, path, officer=officer)

        def done(body: dict[str, Any]) -> None:
            self.progress_label.setStyleSheet("")
            self.progress_label.setText(self.tr("Đã ghi đề nghị đăng ký vào %1. Gửi tệp này cho Văn phòng UBND tỉnh.")
                                        .replace("%1", str(path)))

        self.ctx.tasks.write(job, done, self.show_error)


__all__ = ["Pickers", "SyncPage"]
