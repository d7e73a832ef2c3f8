"""Tổng quan: today's figures, the period's indicators against targets, 12-month trend charts."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from desktop.reports.indicators import indicators
from desktop.ui import messages
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.pages.reports import PeriodPicker

TODAY_FIELDS = (
    ("received_today", "Tiếp nhận hôm nay"),
    ("due_today", "Đến hạn hôm nay"),
    ("overdue_now", "Đang quá hạn"),
    ("awaiting_supplement", "Chờ bổ sung"),
    ("waiting_queue", "Đang chờ tại quầy"),
)


class DashboardPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: dict[str, Any] | None = None
        self.setObjectName("dashboard-page")
        root = QVBoxLayout(self)

        today_box = QGroupBox(self.tr("Hôm nay"))
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
        top.addWidget(self.picker, 1)
        top.addWidget(self.show_button)
        root.addLayout(top)

        middle = QHBoxLayout()
        self.targets = QTableWidget(0, 4, objectName="targets_table")
        self.targets.setHorizontalHeaderLabels([self.tr("Chỉ số"), self.tr("Kết quả"), self.tr("Chỉ tiêu"),
                                                self.tr("Đánh giá")])
        self.targets.verticalHeader().setVisible(False)
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

        charts = QHBoxLayout()
        self.trend_chart = QChart()
        self.trend_chart.setProperty("base_title", self.tr("Hồ sơ theo tháng"))
        self.trend_chart.setTitle(self.tr("Hồ sơ theo tháng"))
        self.rate_chart = QChart()
        self.rate_chart.setProperty("base_title", self.tr("Tỷ lệ đúng hạn so với chỉ tiêu (%)"))
        self.rate_chart.setTitle(self.tr("Tỷ lệ đúng hạn so với chỉ tiêu (%)"))
        for chart in (self.trend_chart, self.rate_chart):
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(240)
            charts.addWidget(view)
        root.addLayout(charts, 3)

        self.show_button.clicked.connect(self.refresh)
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

    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
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
            points = "—" if group["points"] is None else _number(group["points"])
            lines.append(f"• {group['label']}: {points}/{group['max']} — {group['formula']}")
        lines.append(self.tr("Tổng các nhóm tính được: %1/%2").replace("%1", _number(sa["points"]))
                     .replace("%2", str(sa["max_points"])))
        self.assessment.setText("<br>".join(lines))
        self._draw_trend(data["trend"])
        target = next((r["target"] for r in rows if r["key"] == "on_time_rate"), None)
        self._draw_rates(data["trend"], target)

    def _axes(self, chart: QChart, labels: list[str], maximum: float) -> None:
        for axis in list(chart.axes()):
            chart.removeAxis(axis)
        x = QBarCategoryAxis()
        # Month numbers only ("2026-10" -> "10"): 12 categories in half a window leave ~40 px each and Qt
        # Charts cuts anything longer to "0…"; the months' years are in the chart title.
        x.append([_month_number(label) for label in labels])
        if labels:
            chart.setTitle(chart.property("base_title") + f" — {_month_year(labels[0])} – {_month_year(labels[-1])}")
        y = QValueAxis()
        step = _nice_step(maximum / 5)  # whole-number ticks: no "0, 0, 1, 1" on an almost empty chart
        y.setRange(0, step * 5)
        y.setTickCount(6)
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
        for key, name in (("received", self.tr("Tiếp nhận mới")), ("resolved", self.tr("Đã giải quyết")),
                          ("late", self.tr("Trễ hạn"))):
            series = QLineSeries()
            series.setName(name)
            for index, month in enumerate(months):
                series.append(index, month[key])
                top = max(top, month[key])
            chart.addSeries(series)
        self._axes(chart, [m["label"] for m in months], top * 1.1)

    def _draw_rates(self, months: list[dict[str, Any]], target: float | None) -> None:
        chart = self.rate_chart
        chart.removeAllSeries()
        rate = QLineSeries()
        rate.setName(self.tr("Tỷ lệ đúng hạn"))
        for index, month in enumerate(months):
            if month["on_time_rate"] is not None:
                rate.append(index, month["on_time_rate"] * 100)
        chart.addSeries(rate)
        if target is not None:
            goal = QLineSeries()
            goal.setName(self.tr("Chỉ tiêu"))
            for index in range(len(months)):
                goal.append(index, target * 100)
            chart.addSeries(goal)
        self._axes(chart, [m["label"] for m in months], 100)

    def series_points(self, chart: str, index: int) -> list[float]:
        """The y values of one series (for tests and accessibility read-outs)."""
        series = (self.trend_chart if chart == "trend" else self.rate_chart).series()[index]
        return [point.y() for point in series.points()]


def _number(value: float) -> str:
    """Vietnamese decimal comma: 18,28 (not 18.28)."""
    return f"{value:g}".replace(".", ",")


def _month_number(label: str) -> str:
    return str(int(label[5:7])) if len(label) >= 7 and label[4] == "-" else label


def _month_year(label: str) -> str:
    """"2026-10" -> "10/2026"."""
    return f"{int(label[5:7])}/{label[:4]}" if len(label) >= 7 and label[4] == "-" else label


def _nice_step(raw: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least ``raw`` (and at least 1)."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)
