"""The one monthly line chart of the desk (Tổng quan, Số hóa): months along the bottom, values up the side.

Pages hand it plain numbers; axes, colours, dashed target lines and the legend are drawn here, so every
chart of the desk looks and reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from desktop.texts import LABELS


@dataclass(frozen=True)
class Line:
    """One series: a value per month (None leaves a gap), drawn dashed for a target."""

    name: str
    values: list[float | None]
    colour: str
    dashed: bool = False
    in_legend: bool = True


def month_labels(months: list[str]) -> list[str]:
    """"2026-10" -> "10" (or "10/26" when the months span two years): twelve full labels do not fit
    under a chart a third of the page wide."""
    if not all(len(m) == 7 and m[4] == "-" for m in months):
        return months
    if len({m[:4] for m in months}) > 1:
        return [f"{m[5:7]}/{m[2:4]}" for m in months]
    return [str(int(m[5:7])) for m in months]


class LineChart(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None, *, minimum_height: int = 230,
                 object_name: str = "") -> None:
        self.chart_ = QChart()
        self.chart_.setTitle(title)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(self.chart_, parent)
        if object_name:
            self.setObjectName(object_name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(minimum_height)
        # One pair of axes for the chart's life: a QChart that gets new axes on every redraw keeps ~0.5 MB of
        # each old pair however they are removed (measured: 25 minutes of Tổng quan visits grew by hundreds of MB).
        self.x_axis = QBarCategoryAxis()
        self.x_axis.setTitleText(LABELS["month"])
        self.x_axis.setTruncateLabels(False)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)

    def series(self) -> list[QLineSeries]:
        return list(self.chart_.series())

    def points(self, index: int) -> list[float]:
        """The y values of one series (for tests and read-outs)."""
        return [point.y() for point in self.chart_.series()[index].points()]

    def draw(self, months: list[str], lines: list[Line], *, maximum: float | None = None) -> None:
        """Redraw; the value axis runs to ``maximum`` or a little above the highest value.

        The chart's series are kept and given the new points (``replace``): a QChart keeps ~7 kB of every
        series removed from it however it is deleted (measured: 300 redraws of three new series +6 MB, the
        same redraws on kept series +0 MB). Series are added or removed only when the number of lines changes.
        """
        chart = self.chart_
        top = maximum or max([1.0] + [v for line in lines for v in line.values if v is not None]) * 1.1
        self.x_axis.clear()
        self.x_axis.append(month_labels(months))
        self.y_axis.setRange(0, top)
        self.y_axis.applyNiceNumbers()
        kept = self.series()
        for extra in kept[len(lines):]:
            chart.removeSeries(extra)
            extra.deleteLater()
        for index, line in enumerate(lines):
            if index < len(kept):
                series = kept[index]
            else:
                series = QLineSeries()
                chart.addSeries(series)
                series.attachAxis(self.x_axis)
                series.attachAxis(self.y_axis)
            _show_line(series, line)
            for marker in chart.legend().markers(series):
                marker.setVisible(line.in_legend)


def _show_line(series: QLineSeries, line: Line) -> None:
    """Name, pen and points of one line on a (new or kept) series; a None value leaves no point."""
    series.setName(line.name)
    pen = QPen(QColor(line.colour))
    pen.setWidth(2)
    if line.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    series.setPen(pen)
    series.replace([QPointF(index, value) for index, value in enumerate(line.values) if value is not None])
