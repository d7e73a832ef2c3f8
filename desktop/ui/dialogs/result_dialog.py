"""Ghi nhận kết quả: approved, or rejected with the reason (required by the service)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget,
)
from desktop.ui.dialogs.base import Dialog


class ResultDialog(Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(520, 280))
        self.setWindowTitle(self.tr("Ghi nhận kết quả giải quyết"))
        self.approved = QRadioButton(self.tr("Giải quyết (cấp kết quả)"), objectName="approved")
        self.rejected = QRadioButton(self.tr("Không giải quyết (trả lời bằng văn bản, nêu lý do)"),
                                     objectName="rejected")
        self.approved.setChecked(True)
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setEnabled(False)
        self.rejected.toggled.connect(self.reason.setEnabled)
        choices = QVBoxLayout()
        choices.addWidget(self.approved)
        choices.addWidget(self.rejected)
        form = QFormLayout(self)
        form.addRow(choices)
        form.addRow(self.tr("Lý do không giải quyết:"), self.reason)
        self.button_box(form)

    def is_rejected(self) -> bool:
        return self.rejected.isChecked()

    def reason_text(self) -> str | None:
        return self.reason.toPlainText().strip() or None if self.is_rejected() else None
