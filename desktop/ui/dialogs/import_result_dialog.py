"""The outcome of a catalogue import: counts, or every bad row with its row number (nothing written)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop.services.catalog import ImportResult
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Button, Dialog


class ImportResultDialog(Dialog):
    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(640, 360 if result.errors else 140))
        self.setWindowTitle(self.tr("Kết quả nhập danh mục"))
        layout = QVBoxLayout(self)
        if result.written:
            text = self.tr("Đã nhập: %1 thủ tục mới, %2 thủ tục cập nhật.").replace(
                "%1", str(result.created)).replace("%2", str(result.updated))
        else:
            text = self.tr("Tệp có %1 dòng lỗi; CHƯA ghi gì vào danh mục. Sửa các dòng dưới đây rồi nhập lại.") \
                .replace("%1", str(len(result.errors)))
        self.summary = QLabel(text, objectName="summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.errors = QTableWidget(len(result.errors), 2, objectName="errors")
        self.errors.setHorizontalHeaderLabels([self.tr(LABELS["row"]), self.tr("Lỗi")])
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for index, (row, message) in enumerate(result.errors):
            self.errors.setItem(index, 0, QTableWidgetItem(str(row)))
            self.errors.setItem(index, 1, QTableWidgetItem(message))
        self.errors.setVisible(bool(result.errors))
        layout.addWidget(self.errors)
        self.button_box(layout, Button.Close)
