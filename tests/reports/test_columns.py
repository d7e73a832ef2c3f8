"""Biểu 06's columns are declared once and read by the report, its layout and the Reports page (#16)."""

from __future__ import annotations

from desktop.reports import columns, layout, periodic


def test_one_column_specification() -> None:
    assert [c.number for c in columns.COLUMNS] == list(range(3, 14))
    assert periodic.COLUMNS == tuple((c.group.key, c.key) for c in columns.COLUMNS)
    assert layout.HEADER_TOP == (("STT", 1, 1), ("Lĩnh vực giải quyết", 2, 2), ("Số hồ sơ nhận giải quyết", 3, 6),
                                 ("Số hồ sơ đã giải quyết", 7, 10), ("Số hồ sơ đang giải quyết", 11, 13))
    assert layout.HEADER_SUB[2] == "Trực tiếp, dịch vụ bưu chính (mới tiếp nhận)" and len(layout.HEADER_SUB) == 11
    assert layout.COLUMN_NUMBERS == tuple(f"({n})" for n in range(1, 14))
    values = {"received": {"total": 5, "new_online": 1, "new_direct_postal": 4, "carried_over": 0, "postal": 0},
              "resolved": {"total": 4, "early": 0, "on_time": 3, "late": 1, "withdrawn": 0},
              "in_progress": {"total": 1, "within_deadline": 0, "overdue": 1}}
    assert periodic.column_values(values) == [5, 1, 4, 0, 4, 0, 3, 1, 1, 0, 1]
