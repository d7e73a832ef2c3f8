"""What a page of the main window starts with: the context it was built with and its object name (the
style sheet, the tests and the screenshots find the page by it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.ui.context import UiContext


class PageBase(QWidget):
    def __init__(self, ctx: UiContext, name: str) -> None:
        super().__init__(objectName=name)
        self.ctx = ctx
