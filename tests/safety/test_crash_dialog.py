"""The crash dialog shows where the files are and copies the details."""

from __future__ import annotations

import pytest

from desktop.platform.crash import CrashReport

pytestmark = pytest.mark.gui


def test_dialog_names_files_and_copies_details(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from desktop.ui.dialogs.crash_dialog import CrashDialog

    report = CrashReport(tmp_path / "crash-1.txt", "Traceback …\nRuntimeError: hỏng", tmp_path / "logs")
    dialog = CrashDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Phần mềm gặp lỗi"
    assert str(report.path) in dialog.message.text() and str(report.log_folder) in dialog.message.text()
    assert dialog.copy_button.text() == "Sao chép chi tiết"
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError: hỏng" in copied and str(report.path) in copied
    assert dialog.copy_button.text() == "Đã sao chép"
