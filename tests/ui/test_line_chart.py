"""The monthly line chart redraws on the same pair of axes and the same series: a QChart given new axes on
every redraw kept ~0.5 MB of each old pair (Tổng quan grew by hundreds of MB over a working day), and ~7 kB
of every series removed from it (Tổng quan and Số hóa grew ~0.1 MB a visit)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.widgets.line_chart import Line, LineChart

pytestmark = pytest.mark.gui


def test_redraws_reuse_the_axes_and_show_the_new_values(qtbot: Any) -> None:
    chart = LineChart("Thử")
    qtbot.addWidget(chart)
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    chart.draw(months, [Line("Tiếp nhận", [float(m) for m in range(12)], "#1f77b4")])
    first = {id(axis) for axis in chart.chart_.axes()}
    chart.draw(months[:6], [Line("Tiếp nhận", [50.0] * 6, "#1f77b4"),
                            Line("Chỉ tiêu", [40.0] * 6, "#d62728", dashed=True, in_legend=False)])
    assert {id(axis) for axis in chart.chart_.axes()} == first and len(first) == 2
    assert chart.x_axis.categories() == ["1", "2", "3", "4", "5", "6"]
    assert chart.points(0) == [50.0] * 6 and chart.points(1) == [40.0] * 6
    assert chart.y_axis.max() >= 50.0
    assert all(len(series.attachedAxes()) == 2 for series in chart.series())


def test_redraws_keep_the_series_and_follow_the_number_of_lines(qtbot: Any) -> None:
    chart = LineChart("Thử")
    qtbot.addWidget(chart)
    chart.show()  # a legend marker reads visible only on a shown chart
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    lines = [Line("Tiếp nhận", [float(m) for m in range(12)], "#1f77b4"),
             Line("Chỉ tiêu", [5.0] * 12, "#d62728", dashed=True, in_legend=False)]
    chart.draw(months, lines)
    first = [id(series) for series in chart.series()]
    for round_ in range(10):
        chart.draw(months, [Line("Tiếp nhận", [float(round_)] * 12, "#1f77b4"), lines[1]])
    assert [id(series) for series in chart.series()] == first  # no series created or removed
    assert chart.points(0) == [9.0] * 12 and chart.points(1) == [5.0] * 12
    assert chart.series()[1].pen().style() == Qt.PenStyle.DashLine
    QApplication.processEvents()  # a new marker shows once the legend is laid out
    assert [m.isVisible() for m in chart.chart_.legend().markers()] == [True, False]

    chart.draw(months[:3], [Line("Đúng hạn", [None, 80.0, 90.0], "#2e8b57")])  # fewer lines, a gap
    assert len(chart.series()) == 1 and chart.series()[0].name() == "Đúng hạn"
    assert [(p.x(), p.y()) for p in chart.series()[0].points()] == [(1.0, 80.0), (2.0, 90.0)]
    assert chart.series()[0].pen().style() == Qt.PenStyle.SolidLine

    chart.draw(months[:3], [Line("A", [1.0] * 3, "#1f77b4", in_legend=False), Line("B", [2.0] * 3, "#2e8b57")])
    assert [s.name() for s in chart.series()] == ["A", "B"] and chart.points(1) == [2.0] * 3
    assert all(len(series.attachedAxes()) == 2 for series in chart.series())
    QApplication.processEvents()  # a new marker shows once the legend is laid out
    assert [m.isVisible() for m in chart.chart_.legend().markers()] == [False, True]
