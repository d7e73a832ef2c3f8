"""Sổ theo dõi hồ sơ: a date range, then a PDF preview or an Excel file (desktop.forms does both)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QFileDialog, QFormLayout, QWidget

from desktop.platform import clock
from desktop.errors import UserError
from desktop.forms import export_ledger_xlsx
from desktop.ui import messages
from desktop.ui.context import UiContext
from desktop.ui.printing import print_ledger
from desktop.ui.dialogs.base import Button, Dialog


class LedgerDialog(Dialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Sổ theo dõi hồ sơ"))
        today = clock.today()
        self.date_from = QDateEdit(QDate(today.year, today.month, 1), objectName="date_from")
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day), objectName="date_to")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        form = QFormLayout(self)
        form.addRow(self.tr("Từ ngày:"), self.date_from)
        form.addRow(self.tr("Đến ngày:"), self.date_to)
        buttons = self.button_box(form, Button.Close)
        self.pdf_button = buttons.addButton(self.tr("Xem và in (PDF)"), QDialogButtonBox.ButtonRole.ActionRole)
        self.excel_button = buttons.addButton(self.tr("Xuất Excel…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button.clicked.connect(self.show_pdf)
        self.excel_button.clicked.connect(self.export_excel)

    def range(self) -> tuple[date, date]:
        first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
        if first > last:
            raise UserError(self.tr("«Từ ngày» phải trước hoặc bằng «Đến ngày»."), field="date_from")
        return first, last

    def show_pdf(self) -> None:
        try:
            first, last = self.range()
        except UserError as exc:
            messages.show_error(self, exc)
            return
        print_ledger(self.ctx, self.parentWidget(), first, last)

    def export_excel(self) -> None:
        try:
            first, last = self.range()
        except UserError as exc:
            messages.show_error(self, exc)
            return
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu sổ theo dõi"),
                                                f"so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.xlsx",
                                                self.tr("Tệp Excel (*.xlsx)"))
        if not target:
            return
        path = Path(target)
        self.ctx.read(lambda s: export_ledger_xlsx(s, first, last, path),
                      lambda _r: messages.inform(self, self.tr("Đã xuất"), str(path)))
