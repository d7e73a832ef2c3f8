"""Start-up health check: a damaged database file is not opened; the officer is offered the way back.

``desktop.db.health.check_database`` runs ``integrity_check`` (``quick_check`` on big files). On
failure this dialog names the newest backup that passes ``quick_check`` and restores it with the
headless ``desktop.services.restore.restore`` (which checks the backup, keeps the damaged file and starts a new
sync epoch). No log-in is asked first: the officer table of a damaged file cannot be trusted, and
nothing is lost (the damaged file is kept beside the backups); the restore is logged.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.platform.backup import BackupFile, latest_good_backup
from desktop.db import health
from desktop.errors import UserError
from desktop.ui import messages
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Dialog
from desktop.ui.tasks import wait_for

log = logging.getLogger("desktop.ui")

QUIT, RESTORE_LATEST, RESTORE_CHOSEN = 0, 10, 11


class DamagedDatabaseDialog(Dialog):
    """What went wrong, the newest good backup, and three ways on: restore it, choose another, quit."""

    def __init__(self, result: health.HealthResult, backup: BackupFile | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.backup = backup
        self.setWindowTitle(self.tr("Tệp dữ liệu bị hỏng"))
        self.setMinimumWidth(600)
        text = self.tr("Phần mềm đã kiểm tra tệp dữ liệu khi khởi động và phát hiện tệp bị hỏng, "
                       "nên chưa mở để tránh làm hỏng thêm:") + f"<br><b>{result.path}</b><br><br>"
        if backup is not None:
            text += (self.tr("Bản sao lưu còn tốt gần nhất được tạo lúc <b>%1</b>:")
                     .replace("%1", f"{backup.taken_at:%H:%M ngày %d/%m/%Y}") + f"<br>{backup.path}<br><br>"
                     + self.tr("Khôi phục sẽ thay dữ liệu bằng bản sao lưu này. Hồ sơ nhập sau thời điểm đó "
                               "cần nhập lại. Tệp hỏng được giữ lại trong thư mục sao lưu để hỗ trợ kiểm tra."))
        else:
            text += self.tr("Không tìm thấy bản sao lưu còn tốt trong thư mục sao lưu. Nếu có bản sao lưu "
                            "trên ổ USB, bấm «Chọn bản sao lưu khác…». Nếu không, đừng xóa tệp này và hãy "
                            "liên hệ bộ phận hỗ trợ của huyện/tỉnh.")
        self.message = QLabel(text, objectName="message")
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(self.tr("Chi tiết: %1").replace("%1", "; ".join(result.problems[:3])))
        self.details.setWordWrap(True)
        self.details.setStyleSheet("color: #555")
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(self.tr("Khôi phục bản sao lưu này"), objectName="restore_latest")
        self.choose_button = QPushButton(self.tr("Chọn bản sao lưu khác…"), objectName="restore_chosen")
        self.quit_button = QPushButton(self.tr("Thoát"), objectName="quit")
        for button in (self.restore_button, self.choose_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setVisible(backup is not None)  # after addButton, which shows it
        self.restore_button.clicked.connect(lambda: self.done(RESTORE_LATEST))
        self.choose_button.clicked.connect(lambda: self.done(RESTORE_CHOSEN))
        self.quit_button.clicked.connect(lambda: self.done(QUIT))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        (self.restore_button if backup is not None else self.choose_button).setDefault(True)


def choose_backup_file(parent: QWidget | None, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, QApplication.translate("Health", LABELS["choose_backup_file"]), str(start),
                                          QApplication.translate("Health", "Bản sao lưu (*.sqlite3)"))
    return Path(name) if name else None


def ensure_usable(db_path: Path, parent: QWidget | None = None, *,
                  found: health.HealthResult | None = None) -> bool:
    """True when the file is sound (or was just restored from a backup); False when the officer quits.

    ``found`` is a failed check the start-up already ran (``desktop.ui.startup.prepare``); the checks
    and the restore run on a worker thread (``wait_for``): a large file takes seconds."""
    from desktop.services.restore import restore

    if found is None and not health.needs_check(db_path):
        return True
    while True:
        result = found or wait_for(lambda: health.check_database(db_path))
        found = None
        if result.ok:
            health.mark_checked(db_path)
            return True
        dirs = health.backup_dirs(db_path)
        backup = latest_good_backup(dirs)
        choice = DamagedDatabaseDialog(result, backup, parent).exec()
        if choice == RESTORE_LATEST and backup is not None:
            chosen: Path | None = backup.path
        elif choice == RESTORE_CHOSEN:
            chosen = choose_backup_file(parent, Path(dirs[0]) if dirs[0] else db_path.parent)
            if chosen is None:
                continue
        else:
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            done = wait_for(lambda: restore(db_path, chosen))
        except UserError as exc:
            QApplication.restoreOverrideCursor()
            messages.show_error(parent, exc)
            continue
        QApplication.restoreOverrideCursor()
        log.warning("khi khởi động, dữ liệu hỏng đã được thay bằng bản sao lưu %s", chosen.name)
        messages.inform(parent, QApplication.translate("Health", LABELS["data_restored"]),
                        QApplication.translate(
            "Health", "Đã khôi phục dữ liệu từ %1. Tệp hỏng được giữ tại %2. Lần đồng bộ tới sẽ gửi lại "
            "dữ liệu lên tỉnh.").replace("%1", chosen.name).replace("%2", str(done.safety_backup or "")))
