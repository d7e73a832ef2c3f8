"""Tổng quan: today's figures, the period's indicators against targets, 12-month trend charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.formatting import decimal, plain
from desktop.reports.indicator_catalogue import reading_text, target_text, value_text
from desktop.reports.indicators import indicator_outlook, indicators, with_outlook
from desktop.reports.layout import on_behalf_line
from desktop.ui import messages
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.pages.base import PageBase
from desktop.ui.pages.reports import PeriodPicker
from desktop.ui.widgets.line_chart import Line, LineChart
from desktop.ui.widgets.tables import WholeRows, hbox
from desktop.texts import LABELS

CATALOGUE_HEADERS = (LABELS["indicator"], LABELS["result"], LABELS["target"], LABELS["rating"], "Kỳ trước → nay",
                     "Dự báo cả năm")
# background, text: green met, amber within reach, red far off, grey no target or no data
READING_COLOURS = {"green": ("#d3f9d8", "#2b8a3e"), "amber": ("#fff3bf", "#8a6100"), "red": ("#ffe3e3", "#c92a2a"),
                   "grey": ("#f1f3f5", "#495057")}


def _trend(entry: dict[str, Any]) -> str:
    """« ↑» / « ↓» when the value moved since the previous period (better or worse reads from the colour)."""
    now, before = entry["value"], entry.get("previous")
    if now is None or before is None or now == before:
        return ""
    return " ↑" if now > before else " ↓"


RATE_SERIES = (  # trend key, target row key, legend, colour
    ("on_time_rate", "on_time_rate", LABELS["on_time"], "#1f6fb2"),
    ("digitisation_rate", "digitisation_rate", LABELS["digitisation"], "#2e8b57"),
    ("satisfaction_rate", "satisfaction_rate", LABELS["satisfied"], "#c0392b"),
)


def _minutes(value: float | None) -> str:
    return "—" if value is None else decimal(value).removesuffix(",0")


TODAY_FIELDS = (
    ("received_today", "Tiếp nhận hôm nay"),
    ("due_today", "Đến hạn hôm nay"),
    ("overdue_now", "Đang quá hạn"),
    ("awaiting_supplement", LABELS["awaiting_supplement"]),
    ("waiting_queue", "Đang chờ tại quầy"),
)


class DashboardPage(PageBase):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx, "dashboard-page")
        self.data: dict[str, Any] | None = None
        self.outlook_pending = False  # the period's figures shown, the trend and the year's outlook still read
        self._generation = 0  # only the newest refresh is shown (reads run in parallel on the pool)
        root = QVBoxLayout(self)

        today_box = QGroupBox(self.tr(LABELS["today"]))
        grid = QGridLayout(today_box)
        self.today_values: dict[str, QLabel] = {}
        for column, (key, text) in enumerate(TODAY_FIELDS):
            value = QLabel("—", objectName=f"today_{key}")
            font = value.font()
            font.setPointSize(font.pointSize() + 8)
            font.setBold(True)
            value.setFont(font)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(self.tr(text))
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, 0, column)
            grid.addWidget(caption, 1, column)
            self.today_values[key] = value
        root.addWidget(today_box)

        self.picker = PeriodPicker(self)
        self.show_button = QPushButton(self.tr("Xem"), objectName="show_indicators")
        self.export_button = QPushButton(self.tr("Xuất Excel…"), objectName="export_indicators")
        self.export_button.setEnabled(False)
        root.addLayout(hbox((self.picker, 1), self.show_button, self.export_button))

        middle = QHBoxLayout()
        self.targets = QTableWidget(0, len(CATALOGUE_HEADERS), objectName="targets_table")
        self.targets.setHorizontalHeaderLabels([self.tr(text) for text in CATALOGUE_HEADERS])
        self.targets.verticalHeader().setVisible(False)
        self.targets.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.targets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.targets.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(CATALOGUE_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(60)
        self.targets.setWordWrap(False)
        self.targets.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        middle.addWidget(WholeRows(self.targets), 5)  # no indicator cut in half at 1366×768
        self.assessment = QLabel(objectName="self_assessment")
        self.assessment.setWordWrap(True)
        self.assessment.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        middle.addWidget(self.assessment, 2)
        root.addLayout(middle, 1)

        self.waiting = QLabel(objectName="waiting_summary")
        self.waiting.setWordWrap(True)
        root.addWidget(self.waiting)
        self.on_behalf = QLabel(objectName="on_behalf_summary")  # issue #15: received for other bodies
        self.on_behalf.setWordWrap(True)
        root.addWidget(self.on_behalf)

        # shown while the second read runs: a year of dossiers at 200k takes seconds, the figures do not wait
        self.outlook_note = QLabel(self.tr("Đang tính biểu đồ 12 tháng, kỳ trước và dự báo cả năm…"),
                                   objectName="outlook_pending")
        self.outlook_note.setVisible(False)
        root.addWidget(self.outlook_note)
        charts = QHBoxLayout()
        self.trend_chart = LineChart(self.tr("Hồ sơ theo tháng (12 tháng)"), minimum_height=200)
        self.rate_chart = LineChart(self.tr("Tỷ lệ so với chỉ tiêu (%) — nét đứt: chỉ tiêu"), minimum_height=200)
        self.waiting_chart = LineChart(self.tr("Thời gian chờ theo tháng (phút)"), minimum_height=200)
        for chart in (self.trend_chart, self.rate_chart, self.waiting_chart):
            chart.chart().legend().setAlignment(Qt.AlignmentFlag.AlignTop)
            charts.addWidget(chart)
        root.addLayout(charts, 1)

        self.show_button.clicked.connect(self.refresh)
        # a new period is computed at once: the old period's figures never sit under the new period's name
        self._period_timer = QTimer(self, singleShot=True, interval=250)
        self._period_timer.timeout.connect(self._period_changed)
        for signal in (self.picker.kind.currentIndexChanged, self.picker.index.currentIndexChanged,
                       self.picker.year.valueChanged, self.picker.calendar.toggled):
            signal.connect(lambda *_: self._period_timer.start())
        self.export_button.clicked.connect(self.export)
        self.ctx.bus.changed.connect(self._changed)

    def activate(self) -> None:
        self.refresh()

    def _period_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def _changed(self, topics: frozenset[str]) -> None:
        if DOSSIERS in topics and self.isVisible():
            self.refresh()

    def load(self, label: str, *, calendar: bool = False) -> None:
        self.picker.set_period(label, calendar=calendar)
        self.refresh()

    def refresh(self) -> None:
        try:
            period = self.picker.period()
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, exc)
            return
        self._generation += 1
        generation = self._generation
        self.ctx.read(lambda s: indicators(s, period, outlook=False),
                      lambda data: self._figures_read(data, period, generation),
                      lambda e: messages.show_error(self, e))

    def _figures_read(self, data: dict[str, Any], period: Any, generation: int) -> None:
        """The period's figures at once; the trend, the previous period and the year so far in a second read."""
        if generation != self._generation:  # another period (or a change) was asked for since: not shown
            return
        self.show_data(data, complete=False)
        self.ctx.read(lambda s: indicator_outlook(s, period), lambda outlook: self._outlook_read(generation, outlook),
                      lambda e: self._outlook_failed(generation, e))

    def _outlook_read(self, generation: int, outlook: dict[str, Any]) -> None:
        if generation == self._generation and self.data is not None:
            self.show_data(with_outlook(self.data, outlook))

    def _outlook_failed(self, generation: int, error: BaseException) -> None:
        """The period's figures stay; the waiting line goes (export stays off: the workbook needs the trend)."""
        if generation == self._generation:
            self.outlook_pending = False
            self.outlook_note.setVisible(False)
        messages.show_error(self, error)

    def export(self) -> None:
        """The figures on screen (targets, self-assessment, 12-month trend) as an Excel workbook."""
        if self.data is None:
            return
        data = self.data
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu chỉ số tổng quan"),
                                                f"chi-so-{data['period']['label']}.xlsx",
                                                self.tr("Tệp Excel (*.xlsx)"))
        if not target:
            return
        from desktop.reports.indicators_xlsx import write_indicators_xlsx

        self.ctx.read(lambda _session: write_indicators_xlsx(data, Path(target)),
                      lambda p: messages.inform(self, self.tr(LABELS["saved"]), str(p)),
                      lambda e: messages.show_error(self, e))

    def show_data(self, data: dict[str, Any], *, complete: bool = True) -> None:
        """``complete``: with the outlook (``indicators(..., outlook=False)`` is not: its cells and charts wait)."""
        self.data = data
        self.outlook_pending = not complete
        self.outlook_note.setVisible(not complete)
        self.export_button.setEnabled(complete)  # the workbook holds the trend and the outlook
        today = data.get("today") or {}
        for key, label in self.today_values.items():
            value = today.get(key)
            label.setText("—" if value is None else str(value))
        self._show_catalogue(data["indicators"])
        sa = data["self_assessment"]
        lines = [f"<b>{self.tr('Tự đánh giá theo QĐ 766 (không phải điểm chính thức)')}</b>", sa["note"]]
        for group in sa["groups"]:
            points = "—" if group["points"] is None else plain(group['points'])
            lines.append(f"• {group['label']}: {points}/{group['max']} — {group['formula']}")
        lines.append(self.tr("Tổng các nhóm tính được: %1/%2").replace("%1", plain(sa['points']))
                     .replace("%2", str(sa["max_points"])))
        self.assessment.setText("<br>".join(lines))
        self._show_waiting(today, data.get("waiting") or {}, data["period_title"])
        behalf = data["sections"].get("on_behalf")
        self.on_behalf.setText(on_behalf_line(behalf) if behalf else "")
        self._draw_trend(data["trend"])
        targets = {r["key"]: r["target"] for r in data["targets"]}
        self._draw_rates(data["trend"], targets)
        self._draw_waiting(data["trend"], targets.get("waiting_minutes"))

    def _show_catalogue(self, entries: list[dict[str, Any]]) -> None:
        """The province's indicators against their targets: a coloured reading at a glance, the previous
        period (the trend) and the year so far (where the year ends at this pace)."""
        self.targets.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            trend = _trend(entry)
            outlook = (value_text(entry["unit"], entry.get("previous")) + trend,
                       value_text(entry["unit"], entry.get("forecast"))) if "forecast" in entry else ("…", "…")
            texts = (entry["short"], value_text(entry["unit"], entry["value"]), target_text(entry),
                     "● " + reading_text(entry), *outlook)
            tip = self.tr("%5\nCách tính: %1 = %2/%3\nNguồn: %4").replace("%5", entry["name"]).replace(
                "%1", entry["formula"]).replace(
                "%2", plain(entry["numerator"] or 0)).replace("%3", plain(entry["denominator"] or 0)).replace(
                "%4", entry["source"])
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if c == 3:
                    colour = READING_COLOURS[entry["reading"] if entry["value"] is not None else "grey"]
                    item.setBackground(QColor(colour[0]))
                    item.setForeground(QColor(colour[1]))
                self.targets.setItem(r, c, item)

    def _show_waiting(self, today: dict[str, Any], period: dict[str, Any], title: str) -> None:
        target = period.get("target_minutes")
        self.waiting.setText(
            self.tr("Thời gian chờ (lấy số → được gọi): hôm nay bình quân %1 phút, 90% lượt không quá %2 phút; "
                    "%3: %4 lượt, đã phục vụ %5, bình quân %6 phút, 90% lượt không quá %7 phút. Chỉ tiêu ≤ %8 phút.")
            .replace("%1", _minutes(today.get("waiting_avg_minutes")))
            .replace("%2", _minutes(today.get("waiting_p90_minutes"))).replace("%3", title)
            .replace("%4", str(period.get("tickets", 0))).replace("%5", str(period.get("served", 0)))
            .replace("%6", _minutes(period.get("avg_minutes"))).replace("%7", _minutes(period.get("p90_minutes")))
            .replace("%8", _minutes(target)))

    def _draw_trend(self, months: list[dict[str, Any]]) -> None:
        self.trend_chart.draw([m["label"] for m in months], [
            Line(name, [m[key] for m in months], colour) for key, name, colour in (
                ("received", self.tr(LABELS["newly_received"]), "#1f6fb2"),
                ("resolved", self.tr(LABELS["resolved"]), "#2e8b57"),
                ("late", self.tr(LABELS["late"]), "#c0392b"))])

    def _draw_rates(self, months: list[dict[str, Any]], targets: dict[str, float | None]) -> None:
        """Each rate, then its target as a dashed line of the same colour (series 0, 1 = on time)."""
        lines = []
        for key, target_key, name, colour in RATE_SERIES:
            lines.append(Line(self.tr(name), [None if m.get(key) is None else m[key] * 100 for m in months], colour))
            target = targets.get(target_key)
            if target is not None:  # the title explains the dashed lines; keeps the legend short
                lines.append(Line(self.tr("Chỉ tiêu %1").replace("%1", self.tr(name).lower()),
                                  [target * 100] * len(months), colour, dashed=True, in_legend=False))
        self.rate_chart.draw([m["label"] for m in months], lines, maximum=100)

    def _draw_waiting(self, months: list[dict[str, Any]], target: float | None) -> None:
        lines = [Line(name, [m.get(key) for m in months], colour) for key, name, colour in (
            ("waiting_avg_minutes", self.tr("Bình quân"), "#1f6fb2"),
            ("waiting_p90_minutes", self.tr("90% lượt khách"), "#e67e22"))]
        if target is not None:
            lines.append(Line(self.tr(LABELS["target"]), [target] * len(months), "#c0392b", dashed=True))
        self.waiting_chart.draw([m["label"] for m in months], lines)

    def series_points(self, chart: str, index: int) -> list[float]:
        """The y values of one series (for tests and accessibility read-outs)."""
        charts = {"trend": self.trend_chart, "rates": self.rate_chart, "waiting": self.waiting_chart}
        return charts[chart].points(index)
