"""Pages of later issues: an honest notice and the list of what already exists, never fake numbers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.ui.context import UiContext


def _t(text: str) -> str:
    return QCoreApplication.translate("PendingPage", text)


# What exists today for each pending page (updated by whoever builds the page, who also replaces it).
EXISTING: dict[str, list[str]] = {}


class PendingPage(QWidget):
    """«Chức năng này sẽ có trong bản cập nhật tới» plus what the officer can already use."""

    def __init__(self, ctx: UiContext, key: str) -> None:
        super().__init__()
        self.setObjectName(f"pending-{key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        title = QLabel(self.tr("Chức năng này sẽ có trong bản cập nhật tới"))
        font = QFont(title.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        layout.addWidget(title)
        intro = QLabel(self.tr("Những gì đã dùng được ngay bây giờ:"))
        layout.addWidget(intro)
        self.items = [QLabel("• " + text) for text in EXISTING.get(key, [])]
        for label in self.items:
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)
