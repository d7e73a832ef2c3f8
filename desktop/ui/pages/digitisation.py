"""Số hóa: the Decision-766-style tracker for a period, by field and in total, against the yearly
targets, with the monthly trend chart, the year forecast and an Excel export."""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop.formatting import figure, rate
from desktop.reports.digitisation import digitisation_tracker
from desktop.reports.feedback_excel import TRACKER_COLUMNS, export_tracker
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.widgets.line_chart import Line, LineChart
from desktop.ui.widgets.period_range import ExcelExport, PeriodExport, PeriodRange
from desktop.texts import LABELS

RATE_KEYS = {"component_rate", "reuse_rate", "result_rate"}
GOOD, BAD = QColor("#e3f9e5"), QColor("#ffe3e3")




class DigitisationPage(PeriodExport, QWidget):
    excel = ExcelExport("Xuất bảng theo dõi số hóa", "so-hoa", export_tracker)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: dict[str, Any] | None = None
        self.period = PeriodRange(self, preset=4)  # this year
        self.export_button = QPushButton(self.tr("Xuất Excel… (Ctrl+E)"), objectName="export")
        self.targets_label = QLabel(objectName="targets")
        self.forecast_label = QLabel(objectName="forecast", wordWrap=True)
        self.note = QLabel(self.tr("Tự đánh giá tại đơn vị, không phải điểm chính thức của Bộ chỉ số 766."),
                           objectName="note")
        self.note.setStyleSheet("color: #627d98;")
        self.table = QTableWidget(0, len(TRACKER_COLUMNS), objectName="table")
        self.table.setHorizontalHeaderLabels([textwrap.fill(self.tr(label), 12) for _key, label in TRACKER_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        self.table.horizontalHeader().setMinimumHeight(52)
        self.chart = LineChart(self.tr("Tỷ lệ theo tháng (%)"), object_name="chart")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setSizes([260, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.targets_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.forecast_label)
        layout.addWidget(self.note)
        self.period.changed.connect(lambda _s, _e: self.reload())
        self.export_button.clicked.connect(self.choose_export)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.choose_export)
        ctx.bus.changed.connect(lambda topics: self.reload() if DOSSIERS in topics else None)
        self.reload()

    def activate(self) -> None:
        self.reload()

    def reload(self) -> None:
        start, end = self.period.window()
        self.ctx.read(lambda s: digitisation_tracker(s, start, end), self.show_data)

    # -- display ---------------------------------------------------------------------------
    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        rows = list(data["fields"]) + [{"field": self.tr(LABELS["total"])} | data["total"]]
        targets = data["targets"]
        self.table.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c, (key, _label) in enumerate(TRACKER_COLUMNS):
                value = row.get(key)
                item = QTableWidgetItem(figure(value))
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key in RATE_KEYS and value is not None and targets.get(key) is not None:
                    item.setBackground(QBrush(GOOD if value >= targets[key] else BAD))
                    item.setToolTip(self.tr("Chỉ tiêu %1").replace("%1", rate(targets[key])))
                if r == len(rows) - 1:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.targets_label.setText(
            self.tr("Chỉ tiêu năm %1: số hóa thành phần %2 · tái sử dụng %3 · số hóa kết quả %4")
            .replace("%1", str(targets["year"])).replace("%2", rate(targets["component_rate"]))
            .replace("%3", rate(targets["reuse_rate"])).replace("%4", rate(targets["result_rate"])))
        forecast = data["forecast"]
        self.forecast_label.setText(
            self.tr("Dự báo cả năm %1 theo nhịp 90 ngày gần nhất (số liệu đến %2): số hóa thành phần %3, "
                    "tái sử dụng %4, số hóa kết quả %5; khoảng %6 hồ sơ tiếp nhận.")
            .replace("%1", str(forecast["year"])).replace("%2", forecast["as_of"][8:10] + "/" + forecast["as_of"][5:7])
            .replace("%3", rate(forecast["projected_component_rate"]))
            .replace("%4", rate(forecast["projected_reuse_rate"]))
            .replace("%5", rate(forecast["projected_result_rate"]))
            .replace("%6", figure(forecast["projected_received"])))
        self._draw_chart(data["monthly"])

    def _draw_chart(self, monthly: list[dict[str, Any]]) -> None:
        self.chart.draw([m["month"] for m in monthly], [
            Line(self.tr(label), [m[key] for m in monthly], colour) for key, label, colour in (
                ("component_rate", "Số hóa thành phần", "#0b69a3"),
                ("reuse_rate", "Tái sử dụng", "#2f8132"),
                ("result_rate", "Số hóa kết quả", "#c65d21"))], maximum=100)
