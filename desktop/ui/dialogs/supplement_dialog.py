"""Yêu cầu bổ sung: every missing item at once (one per line) and an optional reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop.ui.dialogs.base import Dialog


class SupplementDialog(Dialog):
    def __init__(self, missing: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(560, 320))
        self.setWindowTitle(self.tr("Yêu cầu bổ sung hồ sơ"))
        form = QFormLayout(self)
        hint = QLabel(self.tr("Ghi MỘT LẦN đầy đủ các nội dung cần bổ sung, mỗi nội dung một dòng."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.items = QPlainTextEdit("\n".join(missing))
        self.items.setObjectName("items")
        self.items.setTabChangesFocus(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        form.addRow(self.tr("Nội dung cần bổ sung:"), self.items)
        form.addRow(self.tr("Lý do (không bắt buộc):"), self.reason)
        self.button_box(form, ok_text=self.tr("Ghi nhận và in phiếu"))

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.toPlainText().splitlines() if line.strip()]

    def reason_text(self) -> str | None:
        return self.reason.text().strip() or None
