"""The columns of Biểu 06 (Thông tư 01/2020/TT-VPCP), declared once: the report computes them, the
xlsx/PDF layout prints their headers and numbers, the Reports page shows them.

Columns (1) and (2) are the row number and the field; (3)–(13) are counts, each named by the group and
key of the report's figures (``report["total"]["received"]["total"]``…).
"""

from __future__ import annotations

from dataclasses import dataclass
from desktop.texts import LABELS


@dataclass(frozen=True)
class Group:
    key: str
    header: str  # the form's wording
    short: str  # on screen


@dataclass(frozen=True)
class Column:
    number: int  # the form's column number, (3)…(13)
    group: Group
    key: str
    header: str
    short: str


RECEIVED = Group("received", "Số hồ sơ nhận giải quyết", "Nhận giải quyết")
RESOLVED = Group("resolved", "Số hồ sơ đã giải quyết", LABELS["resolved"])
IN_PROGRESS = Group("in_progress", "Số hồ sơ đang giải quyết", LABELS["in_progress"])

LEAD: tuple[str, str] = ("STT", "Lĩnh vực giải quyết")  # columns (1) and (2)

COLUMNS: tuple[Column, ...] = tuple(Column(number, group, key, header, short) for number, (group, key, header, short)
                                    in enumerate((
    (RECEIVED, "total", "Tổng số", "Tổng số"),
    (RECEIVED, "new_online", "Trực tuyến (mới tiếp nhận)", LABELS["online"]),
    (RECEIVED, "new_direct_postal", "Trực tiếp, dịch vụ bưu chính (mới tiếp nhận)", "Trực tiếp,\nbưu chính"),
    (RECEIVED, "carried_over", "Từ kỳ trước chuyển qua", "Từ kỳ trước"),
    (RESOLVED, "total", "Tổng số", "Tổng số"),
    (RESOLVED, "early", "Trước hạn", "Trước hạn"),
    (RESOLVED, "on_time", LABELS["on_time"], LABELS["on_time"]),
    (RESOLVED, "late", LABELS["overdue"], LABELS["overdue"]),
    (IN_PROGRESS, "total", "Tổng số", "Tổng số"),
    (IN_PROGRESS, "within_deadline", "Trong hạn", "Trong hạn"),
    (IN_PROGRESS, "overdue", LABELS["overdue"], LABELS["overdue"]),
), start=3))
LAST_NUMBER = COLUMNS[-1].number


def group_span(group: Group) -> tuple[int, int]:
    """The first and last form column of a group."""
    numbers = [c.number for c in COLUMNS if c.group is group]
    return numbers[0], numbers[-1]


def header_top(lead: tuple[str, ...] = LEAD) -> tuple[tuple[str, int, int], ...]:
    """Level 1 of the two-level header: (text, first column, last column). ``lead`` names the columns before
    the counts (each spans both levels): Biểu 06's STT and field, or the hub's STT, unit code and name."""
    shift = len(lead) - len(LEAD)
    groups = tuple(dict.fromkeys(c.group for c in COLUMNS))
    return (tuple((text, number, number) for number, text in enumerate(lead, start=1))
            + tuple((g.header, group_span(g)[0] + shift, group_span(g)[1] + shift) for g in groups))
