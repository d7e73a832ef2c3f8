"""``python -m province aggregates check|rebuild`` (issue 14): the report aggregates against the raw rows.

``check`` recomputes every aggregate from the raw tables and compares: exit 0 when they are equal, 1 with
one Vietnamese line per (unit, half-month of reception) that differs. ``rebuild`` replaces them.
"""

from __future__ import annotations

import argparse
import sys

from desktop.platform.arguments import command, group
from desktop.platform.console import emit, emit_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    acts = group(sub, "aggregates", "bảng tổng hợp báo cáo của tỉnh: kiểm tra với dữ liệu gốc, dựng lại")
    command(acts, "check", run_check, "tính lại từ dữ liệu gốc và so sánh (mã thoát 1 nếu khác)", json=True)
    command(acts, "rebuild", run_rebuild, "dựng lại bảng tổng hợp từ dữ liệu gốc", json=True)


def run_check(args: argparse.Namespace) -> int:
    from province import report_counts
    from province.cli import opened_hub

    with opened_hub(args) as hub, hub.reading() as session:
        differences = report_counts.check(session)
    if args.json:
        emit_json({"ok": not differences, "differences": [
            {"unit": d.owner_unit, "half_month": report_counts.bucket_start(d.r_bucket).date().isoformat(),
             "table": d.what, "stored": d.stored, "expected": d.expected, "message": d.message}
            for d in differences]})
    elif differences:
        for d in differences:
            sys.stderr.write(d.message + "\n")
        sys.stderr.write(f"Lỗi: {len(differences)} phần của bảng tổng hợp khác dữ liệu gốc; "
                         "chạy 'python -m province aggregates rebuild' để dựng lại.\n")
    else:
        print("Bảng tổng hợp báo cáo khớp với dữ liệu gốc.")
    return 1 if differences else 0


def run_rebuild(args: argparse.Namespace) -> int:
    from province import report_counts
    from province.cli import opened_hub

    with opened_hub(args) as hub, hub.transaction() as session:
        counts, watch = report_counts.rebuild(session)
    return emit(args.json, {"count_rows": counts, "watch_rows": watch},
                f"Đã dựng lại bảng tổng hợp báo cáo: {counts} dòng số liệu, {watch} dòng hồ sơ trễ/quá hạn.")
