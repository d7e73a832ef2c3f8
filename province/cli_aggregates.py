"""``python -m province aggregates check|rebuild`` (issue 14): the report aggregates against the raw rows.

``check`` recomputes every aggregate from the raw tables and compares: exit 0 when they are equal, 1 with
one Vietnamese line per (unit, half-month of reception) that differs. ``rebuild`` replaces them.
"""

from __future__ import annotations

import argparse
import sys

from desktop.platform.console import emit_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = sub.add_parser("aggregates", help="bảng tổng hợp báo cáo của tỉnh: kiểm tra với dữ liệu gốc, dựng lại")
    acts = a.add_subparsers(dest="aggregates_cmd", required=True)
    c = acts.add_parser("check", help="tính lại từ dữ liệu gốc và so sánh (mã thoát 1 nếu khác)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run_check)
    r = acts.add_parser("rebuild", help="dựng lại bảng tổng hợp từ dữ liệu gốc")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=run_rebuild)


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
    if args.json:
        emit_json({"count_rows": counts, "watch_rows": watch})
    else:
        print(f"Đã dựng lại bảng tổng hợp báo cáo: {counts} dòng số liệu, {watch} dòng hồ sơ trễ/quá hạn.")
    return 0
