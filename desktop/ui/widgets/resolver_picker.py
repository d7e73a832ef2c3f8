"""The reception form's «Cơ quan giải quyết» (issue #15): this unit, another commune, a provincial body."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from desktop.services.resolvers import ResolvingBody


class ResolverPicker(QComboBox):
    """Item data is the body's code (a unit code or an agency id); the first item is this unit."""

    def __init__(self) -> None:
        super().__init__(objectName="resolver")
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def set_bodies(self, bodies: list[ResolvingBody]) -> None:
        self.blockSignals(True)
        self.clear()
        for body in bodies:
            suffix = self.tr(" (đơn vị này)") if body.is_this_unit else f" — {body.code}"
            self.addItem(body.name + suffix, body.code)
        self.blockSignals(False)

    def select(self, code: str) -> None:
        """Show ``code`` (the catalogue's default); an unknown one falls back to this unit."""
        self.setCurrentIndex(max(self.findData(code), 0))
