"""One calendar override: the day, off or working, and why."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.texts import DAY_OFF, MAKE_UP_DAY
from desktop.platform import clock
from desktop.ui.dialogs.base import Dialog
from desktop.ui.widgets.layouts import form_layout
from desktop.ui.widgets.period_range import date_box


class OverrideDialog(Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Điều chỉnh lịch làm việc"))
        today = clock.today()
        self.date = date_box(today, "date")
        self.kind = QComboBox(objectName="kind")
        self.kind.addItem(self.tr(DAY_OFF), False)
        self.kind.addItem(self.tr(MAKE_UP_DAY), True)
        self.reason_edit = QLineEdit(objectName="reason")
        self.button_box(form_layout(self, (self.tr("Ngày:"), self.date), (self.tr("Loại:"), self.kind),
                                    (self.tr("Lý do, căn cứ:"), self.reason_edit)))

    def day(self) -> date:
        return self.date.date().toPython()  # type: ignore[no-any-return]

    def is_working(self) -> bool:
        return bool(self.kind.currentData())

    def reason(self) -> str | None:
        return self.reason_edit.text().strip() or None
