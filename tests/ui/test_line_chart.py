"""The monthly line chart redraws on the same pair of axes: a QChart given new axes on every redraw kept
~0.5 MB of each old pair (Tổng quan grew by hundreds of MB over a working day)."""

from __future__ import annotations

from typing import Any

import pytest

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
