"""Tổng quan: today's figures, the period's indicators against targets, 12-month trend charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen
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
    QWidget,
)

from desktop.formatting import decimal, plain
from desktop.reports.indicators import indicators
from desktop.ui import messages
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.pages.reports import PeriodPicker
from desktop.texts import LABELS

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


class DashboardPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: dict[str, Any] | None = None
        self.setObjectName("dashboard-page")
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

        top = QHBoxLayout()
        self.picker = PeriodPicker(self)
        self.show_button = QPushButton(self.tr("Xem"), objectName="show_indicators")
        self.export_button = QPushButton(self.tr("Xuất Excel…"), objectName="export_indicators")
        self.export_button.setEnabled(False)
        top.addWidget(self.picker, 1)
        top.addWidget(self.show_button)
        top.addWidget(self.export_button)
        root.addLayout(top)

        middle = QHBoxLayout()
        self.targets = QTableWidget(0, 4, objectName="targets_table")
        self.targets.setHorizontalHeaderLabels([self.tr(LABELS["indicator"]), self.tr(LABELS["result"]), self.tr(LABELS["target"]),
                                                self.tr(LABELS["rating"])])
        self.targets.verticalHeader().setVisible(False)
        self.targets.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.targets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.targets.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        middle.addWidget(self.targets, 3)
        self.assessment = QLabel(objectName="self_assessment")
        self.assessment.setWordWrap(True)
        self.assessment.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        middle.addWidget(self.assessment, 2)
        root.addLayout(middle, 2)

        self.waiting = QLabel(objectName="waiting_summary")
        self.waiting.setWordWrap(True)
        root.addWidget(self.waiting)

        charts = QHBoxLayout()
        self.trend_chart = QChart()
        self.trend_chart.setTitle(self.tr("Hồ sơ theo tháng (12 tháng)"))
        self.rate_chart = QChart()
        self.rate_chart.setTitle(self.tr("Tỷ lệ so với chỉ tiêu (%) — nét đứt: chỉ tiêu"))
        self.waiting_chart = QChart()
        self.waiting_chart.setTitle(self.tr("Thời gian chờ theo tháng (phút)"))
        for chart in (self.trend_chart, self.rate_chart, self.waiting_chart):
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(240)
            charts.addWidget(view)
        root.addLayout(charts, 3)

        self.show_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.ctx.bus.changed.connect(self._changed)

    def activate(self) -> None:
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
        self.ctx.read(lambda s: indicators(s, period), self.show_data, lambda e: messages.show_error(self, e))

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

    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        self.export_button.setEnabled(True)
        today = data.get("today") or {}
        for key, label in self.today_values.items():
            value = today.get(key)
            label.setText("—" if value is None else str(value))
        rows = data["targets"]
        self.targets.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate((row["label"], row["value_text"], row["target_text"], row["status_text"])):
                item = QTableWidgetItem(text)
                item.setToolTip(self.tr("Cách tính: %1").replace("%1", row["formula"]))
                if c == 3 and row["met"] is False:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.targets.setItem(r, c, item)
        sa = data["self_assessment"]
        lines = [f"<b>{self.tr('Tự đánh giá theo QĐ 766 (không phải điểm chính thức)')}</b>", sa["note"]]
        for group in sa["groups"]:
            points = "—" if group["points"] is None else plain(group['points'])
            lines.append(f"• {group['label']}: {points}/{group['max']} — {group['formula']}")
        lines.append(self.tr("Tổng các nhóm tính được: %1/%2").replace("%1", plain(sa['points']))
                     .replace("%2", str(sa["max_points"])))
        self.assessment.setText("<br>".join(lines))
        self._show_waiting(today, data.get("waiting") or {}, data["period_title"])
        self._draw_trend(data["trend"])
        targets = {r["key"]: r["target"] for r in rows}
        self._draw_rates(data["trend"], targets)
        self._draw_waiting(data["trend"], targets.get("waiting_minutes"))

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

    def _axes(self, chart: QChart, labels: list[str], maximum: float) -> None:
        for axis in list(chart.axes()):
            chart.removeAxis(axis)
        x = QBarCategoryAxis()
        # month numbers only: 12 labels like "2026-10" do not fit under a chart a third of the page wide
        x.append([str(int(label[5:7])) if len(label) == 7 else label for label in labels])
        x.setTitleText(self.tr(LABELS["month"]))
        x.setTruncateLabels(False)
        y = QValueAxis()
        y.setRange(0, maximum)
        y.applyNiceNumbers()
        y.setLabelFormat("%d")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in chart.series():
            series.attachAxis(x)
            series.attachAxis(y)

    def _draw_trend(self, months: list[dict[str, Any]]) -> None:
        chart = self.trend_chart
        chart.removeAllSeries()
        top = 1
        for key, name in (("received", self.tr(LABELS["newly_received"])), ("resolved", self.tr(LABELS["resolved"])),
                          ("late", self.tr(LABELS["late"]))):
            series = QLineSeries()
            series.setName(name)
            for index, month in enumerate(months):
                series.append(index, month[key])
                top = max(top, month[key])
            chart.addSeries(series)
        self._axes(chart, [m["label"] for m in months], top * 1.1)

    @staticmethod
    def _line(name: str, colour: str, points: list[tuple[int, float]], *, dashed: bool = False) -> QLineSeries:
        series = QLineSeries()
        series.setName(name)
        pen = QPen(QColor(colour))
        pen.setWidth(2)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        series.setPen(pen)
        for x, y in points:
            series.append(x, y)
        return series

    def _draw_rates(self, months: list[dict[str, Any]], targets: dict[str, float | None]) -> None:
        """Each rate, then its target as a dashed line of the same colour (series 0, 1 = on time)."""
        chart = self.rate_chart
        chart.removeAllSeries()
        for key, target_key, name, colour in RATE_SERIES:
            values = [(i, m[key] * 100) for i, m in enumerate(months) if m.get(key) is not None]
            chart.addSeries(self._line(self.tr(name), colour, values))
            target = targets.get(target_key)
            if target is not None:
                goal = self._line(self.tr("Chỉ tiêu %1").replace("%1", self.tr(name).lower()), colour,
                                  [(i, target * 100) for i in range(len(months))], dashed=True)
                chart.addSeries(goal)
                for marker in chart.legend().markers(goal):
                    marker.setVisible(False)  # the title explains the dashed lines; keeps the legend short
        self._axes(chart, [m["label"] for m in months], 100)

    def _draw_waiting(self, months: list[dict[str, Any]], target: float | None) -> None:
        chart = self.waiting_chart
        chart.removeAllSeries()
        top = max([target or 0.0] + [m.get(k) or 0.0 for m in months
                                     for k in ("waiting_avg_minutes", "waiting_p90_minutes")]) or 1.0
        for key, name, colour in (("waiting_avg_minutes", self.tr("Bình quân"), "#1f6fb2"),
                                  ("waiting_p90_minutes", self.tr("90% lượt khách"), "#e67e22")):
            chart.addSeries(self._line(name, colour, [(i, m[key]) for i, m in enumerate(months)
                                                      if m.get(key) is not None]))
        if target is not None:
            chart.addSeries(self._line(self.tr(LABELS["target"]), "#c0392b",
                                       [(i, target) for i in range(len(months))], dashed=True))
        self._axes(chart, [m["label"] for m in months], top * 1.1)

    def series_points(self, chart: str, index: int) -> list[float]:
        """The y values of one series (for tests and accessibility read-outs)."""
        charts = {"trend": self.trend_chart, "rates": self.rate_chart, "waiting": self.waiting_chart}
        series = charts[chart].series()[index]
        return [point.y() for point in series.points()]
