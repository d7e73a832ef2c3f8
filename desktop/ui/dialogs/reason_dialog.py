"""A reason (required or not): refusal at the counter, withdrawal."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QWidget

from desktop.ui.dialogs.base import Dialog


class ReasonDialog(Dialog):
    def __init__(self, title: str, prompt: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(520, 260))
        self.setWindowTitle(title)
        form = QFormLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        form.addRow(label)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        form.addRow(self.reason)
        self.button_box(form, ok_text=ok_text)

    def text(self) -> str:
        return self.reason.toPlainText().strip()
