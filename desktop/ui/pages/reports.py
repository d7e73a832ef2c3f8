"""Báo cáo: the periodic report (Biểu 06) for a chosen period, its late list, and Excel/PDF export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.platform import clock
from desktop.reports import columns
from desktop.reports import layout
from desktop.reports.periodic import COLUMNS, column_values, periodic_report
from desktop.reports.periods import Period, parse_period, require_begun, period_containing, uses_calendar_windows
from desktop.ui import messages
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.pages.base import PageBase
from desktop.ui.widgets.tables import hbox, read_only_table
from desktop.texts import LABELS

KINDS = ("month", "quarter", "half", "nine_months", "year")


def period_label(kind: str, year: int, index: int) -> str:
    """The label parse_period understands, from the picker's three values (index is 1-based)."""
    if kind == "month":
        return f"{year}-{index:02d}"
    if kind == "quarter":
        return f"{year}-Q{index}"
    if kind == "half":
        return f"{year}-H{index}"
    if kind == "nine_months":
        return f"{year}-9M"
    return f"{year}"


class PeriodPicker(QWidget):
    """Kind (tháng/quý/6 tháng/9 tháng/năm), year, number within the year, official/calendar windows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox(objectName="period_kind")
        for key, text in zip(KINDS, (self.tr(LABELS["month"]), self.tr("Quý"), self.tr("6 tháng"),
                                     self.tr("9 tháng"),
                                      self.tr("Năm")), strict=True):
            self.kind.addItem(text, key)
        self.index = QComboBox(objectName="period_index")
        self.year = QSpinBox(objectName="period_year")
        self.year.setRange(2000, 2100)
        self.calendar = QCheckBox(self.tr("Theo tháng dương lịch (01 → cuối tháng)"), objectName="calendar_windows")
        row.addWidget(QLabel(self.tr("Kỳ báo cáo:")))
        row.addWidget(self.kind)
        row.addWidget(self.index)
        row.addWidget(QLabel(self.tr("năm")))
        row.addWidget(self.year)
        row.addWidget(self.calendar)
        row.addStretch(1)
        self.kind.currentIndexChanged.connect(self._fill_index)
        current = period_containing(clock.today(), "month")
        self.year.setValue(int(current.label[:4]))
        self._fill_index()
        self.index.setCurrentIndex(int(current.label[5:]) - 1)

    def _fill_index(self) -> None:
        kind = self.kind.currentData()
        self.index.clear()
        if kind == "month":
            for m in range(1, 13):
                self.index.addItem(self.tr("Tháng %1").replace("%1", str(m)), m)
        elif kind == "quarter":
            for q, roman in enumerate(("I", "II", "III", "IV"), start=1):
                self.index.addItem(self.tr("Quý %1").replace("%1", roman), q)
        elif kind == "half":
            self.index.addItem(self.tr("6 tháng đầu năm"), 1)
            self.index.addItem(self.tr("6 tháng cuối năm"), 2)
        self.index.setVisible(self.index.count() > 0)

    def set_period(self, label: str, *, calendar: bool) -> None:
        period = parse_period(label)
        self.kind.setCurrentIndex(KINDS.index(period.kind))
        self.year.setValue(int(period.label[:4]))
        if period.kind in ("month", "quarter", "half"):
            self.index.setCurrentIndex(int(period.label[-2:].lstrip("QH-")) - 1)
        self.calendar.setChecked(calendar)

    def period(self) -> Period:
        """The chosen period; one that has not begun yet is refused (it would report zeros, not facts)."""
        index = self.index.currentData() or 1
        period = parse_period(period_label(self.kind.currentData(), self.year.value(), int(index)),
                              calendar=self.calendar.isChecked())
        return require_begun(period, clock.today())


def _item(value: Any, *, align_left: bool = False, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else str(value))
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    item.setTextAlignment((Qt.AlignmentFlag.AlignLeft if align_left else Qt.AlignmentFlag.AlignCenter)
                          | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


class ReportsPage(PageBase):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx, "reports-page")
        self.report: dict[str, Any] | None = None
        root = QVBoxLayout(self)
        self.picker = PeriodPicker(self)
        self.show_button = QPushButton(self.tr("Xem báo cáo"), objectName="show_report")
        root.addLayout(hbox((self.picker, 1), self.show_button))
        self.title = QLabel(objectName="report_title")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.period_line = QLabel(objectName="report_period")
        self.period_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.title)
        root.addWidget(self.period_line)

        self.table = QTableWidget(0, columns.LAST_NUMBER, objectName="report_table")
        for column, (text, tip) in enumerate(self._headers()):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, item)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setDefaultSectionSize(104)
        self.table.setColumnWidth(0, 48)  # STT
        self.table.setColumnWidth(1, 160)  # field names («Lĩnh vực giải quyết») must not be cut
        self.table.setWordWrap(True)
        root.addWidget(self.table, 3)

        self.xlsx_button = QPushButton(self.tr("Xuất Excel…"), objectName="export_xlsx")
        self.pdf_button = QPushButton(self.tr("Xuất PDF…"), objectName="export_pdf")
        root.addLayout(hbox(self.xlsx_button, self.pdf_button, 1))

        self.late_label = QLabel(objectName="late_label")
        root.addWidget(self.late_label)
        self.late_table = read_only_table(layout.LATE_HEADERS, name="late_table")
        self.late_table.setWordWrap(False)  # one line a dossier: rows of one height, whatever a hidden column holds
        root.addWidget(self.late_table, 2)
        self.late_xlsx_button = QPushButton(self.tr("Xuất danh sách trễ hạn (Excel)…"), objectName="export_late_xlsx")
        self.late_pdf_button = QPushButton(self.tr("In danh sách trễ hạn (PDF)…"), objectName="export_late_pdf")
        root.addLayout(hbox(self.late_xlsx_button, self.late_pdf_button, 1))

        self.show_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.late_xlsx_button.clicked.connect(lambda: self.export("late_xlsx"))
        self.late_pdf_button.clicked.connect(lambda: self.export("late_pdf"))
        self.ctx.bus.changed.connect(self._changed)
        self._exports_enabled(False)
        self.ctx.read(lambda s: uses_calendar_windows(s, None), self.picker.calendar.setChecked,
                      lambda e: messages.show_error(self, e))

    def _headers(self) -> list[tuple[str, str]]:
        """Short on-screen headers (group, column, number); the full form wording as tooltip."""
        lead = [(f"{self.tr(text)}\n\n({number})", self.tr(text)) for number, text in enumerate(columns.LEAD, start=1)]
        return lead + [(f"{self.tr(c.group.short)}\n{self.tr(c.short)}\n({c.number})",
                        f"{self.tr(c.group.header)} — {self.tr(c.header)}") for c in columns.COLUMNS]

    def activate(self) -> None:
        if self.report is None:
            self.refresh()

    def _changed(self, topics: frozenset[str]) -> None:
        if DOSSIERS in topics and self.report is not None and self.isVisible():
            self.refresh()

    def _exports_enabled(self, enabled: bool) -> None:
        for button in (self.xlsx_button, self.pdf_button, self.late_xlsx_button, self.late_pdf_button):
            button.setEnabled(enabled)

    def refresh(self) -> None:
        try:
            period = self.picker.period()
        except Exception as exc:  # noqa: BLE001 - UserError from a bad label is shown as is
            messages.show_error(self, exc)
            return
        self.ctx.read(lambda s: periodic_report(s, period), self.show_report, lambda e: messages.show_error(self, e))

    def load(self, label: str, *, calendar: bool = False) -> None:
        self.picker.set_period(label, calendar=calendar)
        self.refresh()

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self.title.setText(layout.title_line(report))
        self.period_line.setText(f"{layout.period_heading(report)} {layout.period_line(report)}")
        rows = report["rows"]
        self.table.setRowCount(len(rows) + 1)
        for r, row in enumerate(rows):
            self.table.setItem(r, 0, _item(r + 1))
            self.table.setItem(r, 1, _item(row["field"], align_left=True))
            for c, value in enumerate(column_values(row), start=2):
                self.table.setItem(r, c, _item(value))
        last = len(rows)
        self.table.setItem(last, 0, _item(""))
        self.table.setItem(last, 1, _item(layout.TOTAL_LABEL, align_left=True, bold=True))
        for c, value in enumerate(column_values(report["total"]), start=2):
            self.table.setItem(last, c, _item(value, bold=True))
        late = report["late_dossiers"]
        missing = report.get("late_without_apology", 0)
        text = self.tr("Hồ sơ trễ hạn, quá hạn: %1").replace("%1", str(len(late)))
        if missing:
            text += " — " + self.tr("%1 hồ sơ trễ hạn chưa có phiếu xin lỗi").replace("%1", str(missing))
        self.late_label.setText(text)
        self.late_table.setRowCount(len(late))
        for r, item in enumerate(late):
            for c, value in enumerate(layout.late_row(r + 1, item)):
                cell = _item(value, align_left=c not in (0, 8))
                cell.setToolTip(cell.text())  # a long procedure or reason is cut with «…» on its one line
                self.late_table.setItem(r, c, cell)
        for column in (0, 1, 4, 5, 6, 8, 9):  # short values and names: as wide as they are
            self.late_table.resizeColumnToContents(column)
        self.late_table.setColumnWidth(3, 260)
        self.late_table.setColumnWidth(7, 180)  # «Đang giải quyết, quá hạn» on one line
        self.late_table.setColumnWidth(10, 300)
        self._exports_enabled(True)

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def export(self, kind: str) -> None:
        if self.report is None:
            return
        report = self.report
        label = report["period"]["label"]
        names = {"xlsx": (f"bieu06-{label}.xlsx", self.tr("Tệp Excel (*.xlsx)")),
                 "pdf": (f"bieu06-{label}.pdf", self.tr("Tệp PDF (*.pdf)")),
                 "late_xlsx": (f"tre-han-{label}.xlsx", self.tr("Tệp Excel (*.xlsx)")),
                 "late_pdf": (f"tre-han-{label}.pdf", self.tr("Tệp PDF (*.pdf)"))}
        default, filter_text = names[kind]
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu báo cáo"), default, filter_text)
        if not target:
            return
        path = Path(target)

        def write(session: Any) -> Path:
            from desktop.services.desk import local_unit

            place = local_unit(session).place_name
            if kind == "xlsx":
                from desktop.reports.xlsx import write_periodic_xlsx

                return write_periodic_xlsx(report, path, place=place)
            if kind == "pdf":
                from desktop.reports.pdf import write_periodic_pdf

                return write_periodic_pdf(report, path, place=place)
            if kind == "late_xlsx":
                from desktop.reports.xlsx import write_late_xlsx

                return write_late_xlsx(report, path)
            from desktop.reports.pdf import write_late_pdf

            return write_late_pdf(report, path)

        self.ctx.read(write, lambda p: messages.inform(self, self.tr(LABELS["saved"]), str(p)),
                      lambda e: messages.show_error(self, e))


__all__ = ["COLUMNS", "PeriodPicker", "ReportsPage", "period_label"]
