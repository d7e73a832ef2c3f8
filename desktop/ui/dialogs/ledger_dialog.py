"""Sổ theo dõi hồ sơ: a date range, then a PDF preview or an Excel file (desktop.forms does both)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QFormLayout, QWidget

from desktop.platform import clock
from desktop.errors import UserError
from desktop.forms import export_ledger_xlsx
from desktop.ui import messages
from desktop.ui.context import UiContext
from desktop.ui.printing import print_ledger
from desktop.ui.dialogs.base import Button, Dialog
from desktop.ui.widgets.period_range import date_box


class LedgerDialog(Dialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Sổ theo dõi hồ sơ"))
        today = clock.today()
        self.date_from = date_box(today.replace(day=1), "date_from")
        self.date_to = date_box(today, "date_to")
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

    def _chosen(self) -> tuple[date, date] | None:
        """The range, or None once a reversed one has been pointed out to the officer."""
        try:
            return self.range()
        except UserError as exc:
            messages.show_error(self, exc)
            return None

    def show_pdf(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            print_ledger(self.ctx, self.parentWidget(), *chosen)

    def export_excel(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        first, last = chosen
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu sổ theo dõi"),
                                                f"so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.xlsx",
                                                self.tr("Tệp Excel (*.xlsx)"))
        if not target:
            return
        path = Path(target)
        self.ctx.read(lambda s: export_ledger_xlsx(s, first, last, path),
                      lambda _r: messages.inform(self, self.tr("Đã xuất"), str(path)))
