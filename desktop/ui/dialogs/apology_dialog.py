"""Phiếu xin lỗi, hẹn lại: the new appointment day and the reason (the service checks both)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop.platform import clock
from desktop.ui.dialogs.base import Dialog
from desktop.ui.widgets.layouts import form_layout
from desktop.ui.widgets.period_range import date_box


class ApologyDialog(Dialog):
    def __init__(self, current_due: date | None, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(520, 280))
        self.setWindowTitle(self.tr("Xin lỗi và hẹn lại ngày trả kết quả"))
        start = (current_due or clock.today()) + timedelta(days=1)
        self.new_date = date_box(start, "new_date")
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.button_box(form_layout(self, (self.tr("Ngày hẹn mới:"), self.new_date),
                                    (self.tr("Lý do chậm:"), self.reason)))

    def day(self) -> date:
        return self.new_date.date().toPython()  # type: ignore[no-any-return]

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()
