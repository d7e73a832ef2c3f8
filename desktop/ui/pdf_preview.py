"""Preview of a rendered PDF (QtPdf) with «In» (system printer) and «Lưu PDF»."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.platform.atomic import atomic_write
from desktop.errors import UserError
from desktop.ui.messages import show_error
from desktop.ui.dialogs.base import Dialog

PRINT_DPI = 300


class PdfPreview(Dialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(820, 900))
        self.path = Path(path)
        self.setWindowTitle(self.tr("Xem trước — %1").replace("%1", title))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.print_button = QPushButton(self.tr("&In…"))
        self.save_button = QPushButton(self.tr("&Lưu PDF…"))
        close = QPushButton(self.tr("Đó&ng"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_copy)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.paint_to(printer)

    def paint_to(self, printer: QPrinter) -> None:
        """Each page rendered at the printer's resolution, fitted to its page rectangle."""
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, UserError(self.tr("Không mở được máy in.")))
            return
        try:
            for index in range(self.document.pageCount()):
                if index:
                    printer.newPage()
                target = painter.viewport()
                points = self.document.pagePointSize(index)
                dpi = min(PRINT_DPI, printer.resolution())
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = self.document.render(index, size)
                scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(QPoint(0, 0), scaled), image)
        finally:
            painter.end()

    def save_copy(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu tệp PDF"), self.path.name,
                                                self.tr("Tệp PDF (*.pdf)"))
        if target:
            try:
                save_pdf_copy(self.path, Path(target))
            except UserError as exc:  # folder gone, file open in a PDF reader
                show_error(self, exc)


def save_pdf_copy(source: Path, target: Path) -> None:
    """Copy to a temporary name beside the target, fsync, then replace (never a half-written file)."""
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    with open(source, "rb") as src:
        atomic_write(target, lambda handle: shutil.copyfileobj(src, handle), field="path")
