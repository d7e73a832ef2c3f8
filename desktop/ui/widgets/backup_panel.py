"""Cài đặt › Sao lưu: back up now (with progress), the list of backups, the USB folder, restore (admin).

The copying, rotation and restore are headless (``desktop.platform.backup``, ``desktop.services.restore``,
``desktop.services.backups``); the role checks happen there, so an officer pressing «Khôi phục…» by
any route is refused by the service and sees its message. Restore runs on the GUI thread on purpose:
the task runner is drained and every connection closed first, and no timer may touch the file while it
is being swapped. Afterwards the same engine reconnects to the restored file (migrated if it is older).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from desktop.texts import BACKUP_KIND_LABELS as KIND_LABELS
from desktop.formatting import decimal
from desktop.platform.backup import BackupFile, default_backup_dir
from desktop.errors import UserError
from desktop.services import backups, officers
from desktop.ui import messages
from desktop.ui.context import ALL_TOPICS, SETTINGS, UiContext
from desktop.ui.role_gate import gate
from desktop.ui.tasks import wait_for
from desktop.ui.widgets.layouts import vbox
from desktop.ui.widgets.tables import hbox, read_only_table
from desktop.texts import LABELS

log = logging.getLogger("desktop.ui")



def size_text(size: int) -> str:
    """Vietnamese number style: «1,5 MB», «820 KB»."""
    if size >= 1024 * 1024:
        return decimal(size / (1024 * 1024)) + " MB"
    return f"{max(1, round(size / 1024))} KB"


class BackupPanel(QWidget):
    progress_changed = Signal(int, int)  # pages copied, pages in total (emitted from the worker thread)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.extra_dirs: list[Path] = []
        self.entries: list[backups.BackupEntry] = []
        self.second: Path | None = None

        self.folder = QLabel(str(default_backup_dir()), objectName="backup_folder")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.second_edit = QLineEdit(objectName="second_dir")
        self.second_edit.setReadOnly(True)
        self.second_edit.setPlaceholderText(self.tr("(chưa chọn — chỉ lưu trên máy này)"))
        self.choose_second = QPushButton(self.tr("Chọn…"), objectName="choose_second")
        self.clear_second = QPushButton(self.tr("Bỏ"), objectName="clear_second")
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được đổi thư mục sao lưu thứ hai."),
             self.choose_second, self.clear_second)
        second_row = hbox((self.second_edit, 1), self.choose_second, self.clear_second)
        where = QGroupBox(self.tr(LABELS["location"]))
        form = QFormLayout(where)
        form.addRow(self.tr("Bản sao lưu tự động:"), self.folder)
        form.addRow(self.tr("Chép thêm vào (ổ USB):"), second_row)
        hint = QLabel(self.tr("Phần mềm tự sao lưu mỗi ngày khi đang chạy, trước mỗi lần nâng cấp và trước khi "
                              "khôi phục; giữ 7 bản ngày, 8 bản tuần, 12 bản tháng. Bản «Sao lưu ngay» không "
                              "bao giờ bị tự xóa. Chỉ quản trị đổi thư mục thứ hai và khôi phục dữ liệu."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555")
        form.addRow(hint)

        self.backup_button = QPushButton(self.tr("Sao lưu ngay…"), objectName="backup_now")
        self.restore_button = QPushButton(self.tr("Khôi phục…"), objectName="restore")
        self.restore_button.setEnabled(ctx.is_admin)
        if not ctx.is_admin:
            self.restore_button.setToolTip(self.tr("Chỉ tài khoản quản trị được khôi phục dữ liệu."))
        self.refresh_button = QPushButton(self.tr(LABELS["refresh"]), objectName="refresh")
        self.progress = QProgressBar(objectName="progress")
        self.progress.setVisible(False)
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # the stretch at the end: buttons keep their size while the progress bar is hidden
        actions = hbox(self.backup_button, self.restore_button, self.refresh_button, (self.progress, 1), 1)

        headers = [self.tr(LABELS["moment"]), self.tr(LABELS["kind"]), self.tr(LABELS["version"]),
                   self.tr("Dung lượng"), self.tr(LABELS["location"])]
        self.table = read_only_table(headers, name="backups", widths=(150, 130, 90, 100),
                                     select_rows=True, single=True)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        vbox(self, where, actions, self.status, (self.table, 1))

        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.refresh_button.clicked.connect(self.reload)
        self.choose_second.clicked.connect(self.pick_second_dir)
        self.clear_second.clicked.connect(lambda: self.save_second_dir(None))
        self.progress_changed.connect(self._show_progress)
        ctx.bus.changed.connect(lambda topics: self.reload() if SETTINGS in topics else None)
        self.reload()

    # -- list ----------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.read(backups.second_dir, self._got_second)

    def _got_second(self, second: Path | None) -> None:
        self.second = second
        self.second_edit.setText(str(second) if second else "")
        extra = list(self.extra_dirs)
        self.ctx.tasks.run(lambda: backups.backup_entries(second, extra), self.show_entries)

    def show_entries(self, entries: list[backups.BackupEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            b = entry.backup
            values = (f"{b.taken_at:%H:%M:%S %d/%m/%Y}", KIND_LABELS.get(b.kind, b.kind), b.version,
                      size_text(entry.size), entry.folder_label)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(b.path))
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def selected_backup(self) -> BackupFile | None:
        row = self.table.currentRow()
        return self.entries[row].backup if 0 <= row < len(self.entries) else None

    # -- back up now ---------------------------------------------------------------------------
    def backup_now(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Chọn thư mục lưu bản sao lưu"),
                                                  str(default_backup_dir()))
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path) -> None:
        """The copy runs on the read pool (the backup API reads a snapshot); progress comes back queued."""
        db, who, report = self.ctx.db, self.ctx.officer.username, self.progress_changed.emit
        self._busy(True)
        self.status.setText(self.tr("Đang sao lưu…"))
        self.ctx.tasks.run(lambda: backups.manual_backup(db, who, folder, report),
                           lambda info: self._backed_up(info, folder), self._failed)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _backed_up(self, info: BackupFile, folder: Path) -> None:
        self._busy(False)
        if folder.resolve() != default_backup_dir().resolve() and folder not in self.extra_dirs:
            self.extra_dirs.append(folder)
        self.status.setText(self.tr("Đã sao lưu vào %1 (%2); bản sao lưu đạt kiểm tra toàn vẹn.")
                            .replace("%1", str(info.path)).replace("%2", size_text(info.path.stat().st_size)))
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.status.setText("")
        messages.show_error(self, error)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # "working" until the first step reports
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.ctx.is_admin)

    # -- second folder -------------------------------------------------------------------------
    def pick_second_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Chọn thư mục trên ổ USB"), str(self.second or ""))
        if folder:
            self.save_second_dir(Path(folder))

    def save_second_dir(self, folder: Path | None) -> None:
        self.ctx.write(lambda s: backups.set_second_dir(s, folder))

    # -- restore -------------------------------------------------------------------------------
    def restore_selected(self) -> None:
        chosen = self.selected_backup()
        path = chosen.path if chosen else None
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, self.tr(LABELS["choose_backup_file"]),
                                                  str(default_backup_dir()),
                                                  self.tr("Bản sao lưu (*.sqlite3)"))
            path = Path(name) if name else None
        if path is not None:
            self.restore_from(path)

    def restore_from(self, path: Path) -> bool:
        """Ask, then restore (the service checks the file's integrity and the officer's role first)."""
        from desktop.platform.backup import parse_backup
        from desktop.db.session import upgrade
        from desktop.services.restore import restore

        info = parse_backup(path)
        when = f"{info.taken_at:%H:%M ngày %d/%m/%Y}" if info else path.name
        if not messages.confirm(self, self.tr("Khôi phục dữ liệu"), self.tr(
                "Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu lúc %1?\n\nDữ liệu hiện tại được sao lưu trước "
                "(bản «Trước khôi phục»). Hồ sơ nhập sau thời điểm sao lưu cần nhập lại; lần đồng bộ tới sẽ gửi "
                "lại dữ liệu lên tỉnh.").replace("%1", when)):
            return False
        db = self.ctx.db
        if db.path is None:
            messages.show_error(self, UserError(self.tr("Cơ sở dữ liệu này không phải tệp trên máy.")))
            return False
        self.ctx.tasks.shutdown()  # queued writes land first; nothing may hold the file during the swap
        db.dispose()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        db_path, officer = db.path, self.ctx.officer.username

        def swap() -> Any:
            result = restore(db_path, path, officer=officer)
            upgrade(db.engine)  # a backup from an older version gets today's schema (after its own backup)
            return result

        try:
            result = wait_for(swap)
        except UserError as exc:
            QApplication.restoreOverrideCursor()
            messages.show_error(self, exc)
            return False
        QApplication.restoreOverrideCursor()
        log.warning("dữ liệu được khôi phục từ %s, do %s thực hiện", path.name, self.ctx.officer.username)
        self.ctx.bus.changed.emit(ALL_TOPICS)
        messages.inform(self, self.tr(LABELS["data_restored"]), self.tr(
            "Đã khôi phục dữ liệu từ bản sao lưu lúc %1. Dữ liệu trước khi khôi phục được giữ tại %2. "
            "Đã bắt đầu kỳ đồng bộ mới.").replace("%1", when).replace("%2", str(result.safety_backup or "")))
        self._check_officer_still_exists()
        self.reload()
        return True

    def _check_officer_still_exists(self) -> None:
        """The restored data may predate this officer's account: then the session cannot go on."""
        self.ctx.read(lambda session: {a.info.username for a in officers.list_accounts(session) if a.active},
                      self._close_unless_active)

    def _close_unless_active(self, active: set[str]) -> None:
        if self.ctx.officer.username not in active:
            messages.inform(self, self.tr("Đăng nhập lại"), self.tr(
                "Dữ liệu đã khôi phục không có tài khoản %1 (đang hoạt động). Phần mềm sẽ đóng; hãy mở lại và "
                "đăng nhập bằng tài khoản có trong bản sao lưu.").replace("%1", self.ctx.officer.username))
            window = self.window()
            if window is not self:
                window.close()
