"""The crash dialog: a Vietnamese message, where the logs are, and the details to copy for support."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QWidget

from desktop.platform.crash import CrashReport, install_crash_handlers, mark_seen
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Dialog
from desktop.ui.widgets.layouts import vbox


def _tr(text: str) -> str:
    return QCoreApplication.translate("CrashDialog", text)


class CrashDialog(Dialog):
    """Shown by the crash hook, and at start-up for crash files of earlier runs."""

    def __init__(self, report: CrashReport, parent: QWidget | None = None, *, earlier_run: bool = False) -> None:
        from PySide6.QtCore import Qt  # here: this module is imported before the log-in dialog (startup.py)

        super().__init__(_tr("Phần mềm gặp lỗi"), parent)
        self.report = report
        self.setMinimumWidth(560)
        intro = _tr("Lần chạy trước, phần mềm đã gặp lỗi ngoài dự kiến.") if earlier_run else \
            _tr("Rất tiếc, phần mềm vừa gặp lỗi ngoài dự kiến. Dữ liệu đã lưu trước đó không bị mất.")
        self.message = QLabel(
            f"{intro}<br><br>"
            + _tr("Chi tiết lỗi đã được ghi vào tệp:") + f"<br><b>{report.path}</b><br>"
            + _tr("Thư mục nhật ký:") + f"<br><b>{report.log_folder}</b><br><br>"
            + _tr("Khi gọi hỗ trợ, bấm «Sao chép chi tiết» rồi dán vào tin nhắn hoặc thư điện tử."))
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(report.details)
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(180)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(_tr("Sao chép chi tiết"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = QPushButton(_tr(LABELS["close"]))
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button.clicked.connect(self.accept)
        vbox(self, self.message, self.details, buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(
            f"{self.report.details}\n{_tr('Tệp lỗi')}: {self.report.path}\n{_tr(LABELS['log'])}: {self.report.log_folder}\n")
        self.copy_button.setText(_tr("Đã sao chép"))


def show_crash_dialog(report: CrashReport) -> None:
    """The ``show_dialog`` callback for ``desktop.platform.crash.install_crash_handlers``."""
    if QApplication.instance() is None:
        return  # crashed before the GUI existed: the crash file is shown at the next start
    CrashDialog(report, QApplication.activeWindow()).exec()
    mark_seen(report)


def show_earlier_crashes(reports: list[CrashReport], parent: QWidget | None = None) -> None:
    """At start-up: each crash file of an earlier run once, then marked as seen."""
    for report in reports:
        CrashDialog(report, parent, earlier_run=True).exec()
        mark_seen(report)


class _CrashRelay(QObject):
    """Lives on the GUI thread: a crash in a worker thread reaches the dialog through a queued signal."""

    crashed = Signal(object)

    @Slot(object)
    def show(self, report: CrashReport) -> None:
        show_crash_dialog(report)


_relay: list[_CrashRelay] = []


def _show_on_gui_thread(report: CrashReport) -> None:
    app = QApplication.instance()
    if app is None or not _relay:
        return
    if QThread.currentThread() is app.thread():
        show_crash_dialog(report)
    else:
        _relay[0].crashed.emit(report)


def install_gui_crash_handlers(folder: Path | None = None) -> Path:
    """Crash hooks whose dialog is always shown on the GUI thread; call after the QApplication exists."""
    app = QApplication.instance()
    if app is not None and not _relay:
        relay = _CrashRelay(app)
        relay.crashed.connect(relay.show)
        _relay.append(relay)
    return install_crash_handlers(_show_on_gui_thread, folder=folder)
