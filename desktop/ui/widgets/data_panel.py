"""Cài đặt › Dữ liệu: bring a commune's existing ledger in, take all of its data out (admin only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop.formatting import number
from desktop.history.export_all import export_all
from desktop.platform import clock
from desktop.ui import file_dialogs, messages
from desktop.ui.context import UiContext
from desktop.ui.dialogs.history_import import HistoryImportWizard
from desktop.ui.role_gate import gate

EXPORT_FILTER = "Excel (*.xlsx);;CSV nén (*.zip)"


class _Progress(QObject):
    changed = Signal(int, int, str)


class DataPanel(QWidget):
    save_file: Callable[[QWidget, str, str, str], Path | None] = staticmethod(file_dialogs.save_file)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.wizard: HistoryImportWizard | None = None
        self.last_export: dict[str, Any] | None = None
        self.import_button = QPushButton(self.tr("Nhập sổ theo dõi cũ…"), objectName="history_import")
        self.import_button.clicked.connect(self.open_wizard)
        self.export_button = QPushButton(self.tr("Xuất toàn bộ dữ liệu…"), objectName="export_all")
        self.export_button.clicked.connect(self.choose_export)
        self.progress = QProgressBar(objectName="export_progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(objectName="export_status", wordWrap=True)
        self._progress = _Progress(self)
        self._progress.changed.connect(self._tick)
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được nhập hoặc xuất toàn bộ dữ liệu."),
             self.import_button, self.export_button)
        history = QGroupBox(self.tr("Hồ sơ đã có trước khi dùng phần mềm"))
        h = QVBoxLayout(history)
        h.addWidget(QLabel(self.tr("Nhập sổ theo dõi hồ sơ (Excel hoặc CSV) để báo cáo từ đầu năm, chỉ số 766 và "
                                   "danh sách trễ hạn tính đủ. Xem trước, không ghi gì cho đến khi xác nhận; nhập "
                                   "lại cùng tệp không thêm trùng."), wordWrap=True))
        h.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        out = QGroupBox(self.tr("Xuất toàn bộ dữ liệu"))
        o = QVBoxLayout(out)
        o.addWidget(QLabel(self.tr("Mọi hồ sơ với diễn biến, thành phần, bổ sung, xin lỗi, khảo sát và số thứ tự, "
                                   "mỗi loại một trang tính (Excel) hoặc một tệp CSV trong tệp nén."), wordWrap=True))
        o.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        o.addWidget(self.progress)
        o.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(history)
        layout.addWidget(out)
        layout.addStretch(1)

    def open_wizard(self) -> HistoryImportWizard:
        self.wizard = HistoryImportWizard(self.ctx, self)
        self.wizard.open()
        return self.wizard

    def choose_export(self) -> None:
        default = f"tat-ca-du-lieu-{clock.now():%Y%m%d}.xlsx"
        path = self.save_file(self, self.tr("Xuất toàn bộ dữ liệu"), default, EXPORT_FILTER)
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Đang xuất…"))
        emit = self._progress.changed.emit
        self.ctx.read(lambda session: export_all(session, path, progress=lambda d, t, sheet: emit(d, t, sheet)),
                      self._exported, self._failed)

    def _tick(self, done: int, total: int, sheet: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if sheet:
            self.status.setText(self.tr("Đang xuất trang «%1»…").replace("%1", sheet))

    def _exported(self, result: dict[str, Any]) -> None:
        self.last_export = result
        self.export_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        counts = ", ".join(f"{title}: {number(n)}" for title, n in result["sheets"].items())
        self.status.setText(self.tr("Đã xuất vào %1 (%2).").replace("%1", result["path"]).replace("%2", counts))

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(self.ctx.is_admin)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(self.tr("Không xuất được; không có tệp nào được ghi."))
        messages.show_error(self, exc)
