"""A period picker: preset (this month, last month, this quarter, this year, the official report
windows 15→14…) or two dates; the one date box; the Excel export of a page showing one period's figures.

Emits ``changed(start, end)`` with an inclusive window of whole days; display only, no report rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QWidget

from desktop.formatting import dmy
from desktop.platform import clock
from desktop.texts import LABELS


class DateBox(QDateEdit):
    """A date box that is one Tab stop (issue #18: Qt's date edit makes Tab walk its day, month and year, so
    three stops each). The parts are typed — the cursor moves on once a part is full — or moved between
    with ← → and changed with ↑ ↓; Tab and Shift+Tab leave the box."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 — Qt's names
        return QWidget.focusNextPrevChild(self, next)


def date_box(day: date, name: str) -> QDateEdit:
    """A date box showing ``day`` as 31/12/2026, with the calendar drop-down: every date field of the desk."""
    return DateBox(QDate(day.year, day.month, day.day), objectName=name, calendarPopup=True,
                   displayFormat="dd/MM/yyyy")


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _presets(today: date) -> list[tuple[str, date, date]]:
    month = _month_start(today)
    last_month_end = month - timedelta(days=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter - timedelta(days=1)
    last_quarter = date(last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1)
    from desktop.reports.periods import period_containing

    official = period_containing(today, "month", calendar=False)
    official_quarter = period_containing(today, "quarter", calendar=False)
    return [
        (LABELS["this_month"], month, today),
        ("Tháng trước", _month_start(last_month_end), last_month_end),
        ("Quý này", quarter, today),
        ("Quý trước", last_quarter, last_quarter_end),
        ("Năm nay", date(today.year, 1, 1), today),
        ("Năm trước", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        # the windows of the periodic report (data closes on the 14th), so the numbers match Biểu 06's
        ("Kỳ báo cáo tháng này (15→14)", official.start, official.end),
        ("Kỳ báo cáo tháng trước (15→14)", official.previous().start, official.previous().end),
        ("Kỳ báo cáo quý này (15→14)", official_quarter.start, official_quarter.end),
        ("Tùy chọn", month, today),
    ]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class PeriodRange(QWidget):
    changed = Signal(object, object)  # start: date, end: date

    def __init__(self, parent: QWidget | None = None, *, preset: int = 0) -> None:
        super().__init__(parent)
        self._presets = _presets(clock.today())
        self.preset = QComboBox(objectName="period_preset")
        for label, _start, _end in self._presets:
            self.preset.addItem(self.tr(label))
        self.start_edit = date_box(clock.today(), "period_start")  # the preset below sets both
        self.end_edit = date_box(clock.today(), "period_end")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Kỳ:")))
        layout.addWidget(self.preset)
        layout.addWidget(QLabel(self.tr("từ")))
        layout.addWidget(self.start_edit)
        layout.addWidget(QLabel(self.tr("đến")))
        layout.addWidget(self.end_edit)
        self.hint = QLabel(objectName="period_hint")  # says what was understood when the dates are reversed
        self.hint.setStyleSheet("color: #c92a2a;")
        layout.addWidget(self.hint)
        self._quiet = False
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.start_edit.dateChanged.connect(self._edited)
        self.end_edit.dateChanged.connect(self._edited)
        self.preset.setCurrentIndex(preset)
        self._apply_preset(preset)

    def window(self) -> tuple[date, date]:
        start, end = self.start_edit.date().toPython(), self.end_edit.date().toPython()
        if start <= end:
            self.hint.clear()
            return start, end
        self.hint.setText(self.tr("«Từ» sau «đến»: hiểu là từ %1 đến %2").replace("%1", dmy(end)).replace(
            "%2", dmy(start)))
        return end, start

    def _apply_preset(self, index: int) -> None:
        _label, start, end = self._presets[index]
        custom = index == len(self._presets) - 1
        self._quiet = True
        if not custom:
            self.start_edit.setDate(_qdate(start))
            self.end_edit.setDate(_qdate(end))
        self._quiet = False
        self.changed.emit(*self.window())

    def _edited(self) -> None:
        if self._quiet:
            return
        custom = len(self._presets) - 1
        if self.preset.currentIndex() != custom:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(custom)
            self.preset.blockSignals(False)
        self.changed.emit(*self.window())


@dataclass(frozen=True)
class ExcelExport:
    """What a page's «Xuất Excel» writes: the save dialog's title, the file name's start, the writer."""

    title: str
    prefix: str
    write: Callable[..., Path]


class PeriodExport:
    """«Xuất Excel» of a page that shows one period's figures (its ``data`` and ``period`` picker): asks where,
    suggesting ``<prefix>-<start>-<end>.xlsx``, then writes the workbook with the page's ``excel`` writer in
    a read session, where the unit's name is read (not on the GUI thread). The written path: ``last_export``."""

    excel: ExcelExport
    data: Any
    period: PeriodRange
    ctx: Any

    def choose_export(self) -> None:
        if self.data is None:
            return
        start, end = self.period.window()
        parent = cast(QWidget, self)
        name, _ = QFileDialog.getSaveFileName(parent, parent.tr(self.excel.title),
                                              f"{self.excel.prefix}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
                                              parent.tr("Bảng tính Excel (*.xlsx)"))
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        data, write = self.data, self.excel.write

        def work(session: Any) -> Path:
            from desktop.services.desk import local_unit

            return write(data, path, unit_name=local_unit(session).name)

        self.ctx.read(work, lambda saved: setattr(self, "last_export", saved))
