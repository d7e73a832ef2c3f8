"""``report periodic|late|indicators --period P [--calendar]``: Biểu 06, the late list, the dashboard."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.app import CliApp
from desktop.formatting import plain
from desktop.platform.arguments import command, group


def _period_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", required=True,
                   help="kỳ báo cáo: 2026-10 (tháng), 2026-Q4 (quý), 2026-H1/2026-H2 (6 tháng), 2026-9M, 2026 (năm)")
    windows = p.add_mutually_exclusive_group()
    windows.add_argument("--calendar", action="store_true",
                         help="dùng kỳ theo tháng dương lịch (01→cuối tháng) thay cho kỳ chính thức (15→14)")
    windows.add_argument("--official", action="store_true",
                         help="dùng kỳ chính thức (15→14) kể cả khi đơn vị đặt mặc định theo tháng dương lịch")
    p.add_argument("--json", action="store_true")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "report", "báo cáo định kỳ (Biểu 06), hồ sơ trễ hạn, chỉ số tổng quan")

    per = command(s, "periodic", run_periodic, "báo cáo tình hình, kết quả giải quyết TTHC (Biểu 06)")
    _period_args(per)
    per.add_argument("--xlsx", help="ghi tệp Excel")
    per.add_argument("--pdf", help="ghi tệp PDF")

    late = command(s, "late", run_late, "danh sách hồ sơ trễ hạn, quá hạn kèm lý do và phiếu xin lỗi")
    _period_args(late)
    late.add_argument("--xlsx", help="ghi tệp Excel")
    late.add_argument("--pdf", help="ghi tệp PDF")

    ind = command(s, "indicators", run_indicators, "chỉ số tổng quan so với chỉ tiêu")
    _period_args(ind)
    ind.add_argument("--xlsx", help="ghi tệp Excel (chỉ tiêu, tự đánh giá, xu hướng 12 tháng)")

    tg = command(s, "targets", run_targets,
                 "xem hoặc đặt chỉ tiêu so sánh trên trang Tổng quan (quản trị)", json=True)
    tg.add_argument("--year", type=int, help="năm áp dụng (mặc định: năm nay)")
    change = tg.add_mutually_exclusive_group()
    change.add_argument("--set-file",
                        help='tệp JSON {"report_targets": {...}, "targets_feedback": {...}} (mỗi mục có thể bỏ)')
    change.add_argument("--reset", action="store_true", help="quay về chỉ tiêu mặc định của phần mềm")


def _windows(args: argparse.Namespace) -> bool | None:
    return True if args.calendar else False if args.official else None


def _report(args: argparse.Namespace, app: CliApp) -> tuple[dict[str, Any], str | None]:
    from desktop.reports.periodic import periodic_report
    from desktop.reports.periods import resolve_period
    from desktop.services.desk import local_unit

    with app.reading() as session:
        period = resolve_period(session, args.period, calendar=_windows(args))
        report = periodic_report(session, period)
        place = local_unit(session).place_name
    return report, place


def _written(paths: list[str]) -> None:
    for path in paths:
        print(f"Đã ghi {path}")


def run_periodic(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.reports import layout
    from desktop.reports.periodic import column_values

    report, place = _report(args, app)
    written = []
    if args.xlsx:
        from desktop.reports.xlsx import write_periodic_xlsx

        written.append(str(write_periodic_xlsx(report, args.xlsx, place=place)))
    if args.pdf:
        from desktop.reports.pdf import write_periodic_pdf

        written.append(str(write_periodic_pdf(report, args.pdf, place=place)))
    if args.json:
        emit_json(report)
        return 0
    print(layout.title_line(report))
    print(f"{layout.period_heading(report)} {layout.period_line(report)}")
    print(" | ".join(layout.COLUMN_NUMBERS))
    for index, row in enumerate(report["rows"], start=1):
        print(" | ".join([str(index), row["field"], *map(str, column_values(row))]))
    print(" | ".join(["", layout.TOTAL_LABEL, *map(str, column_values(report["total"]))]))
    print(layout.on_behalf_line(report["on_behalf"]))
    _written(written)
    return 0


def run_late(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.reports import layout

    report, _ = _report(args, app)
    written = []
    if args.xlsx:
        from desktop.reports.xlsx import write_late_xlsx

        written.append(str(write_late_xlsx(report, args.xlsx)))
    if args.pdf:
        from desktop.reports.pdf import write_late_pdf

        written.append(str(write_late_pdf(report, args.pdf)))
    if args.json:
        from desktop.reports.late_officers import by_officer

        emit_json({"unit": report["unit"], "period": report["period"], "late_dossiers": report["late_dossiers"],
                   "late_without_apology": report["late_without_apology"],
                   "late_by_officer": by_officer(report["late_dossiers"])})
        return 0
    print(f"{layout.LATE_TITLE} — {layout.period_heading(report)} {layout.period_line(report)}")
    for index, item in enumerate(report["late_dossiers"], start=1):
        print(" | ".join(str(v) for v in layout.late_row(index, item)))
    if not report["late_dossiers"]:
        print("Không có hồ sơ trễ hạn hoặc quá hạn trong kỳ.")
    _written(written)
    return 0


def run_indicators(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.reports.indicator_catalogue import reading_text, target_text, value_text
    from desktop.reports.indicators import indicators
    from desktop.reports.periods import resolve_period

    with app.reading() as session:
        period = resolve_period(session, args.period, calendar=_windows(args))
        data = indicators(session, period)
    written = []
    if args.xlsx:
        from desktop.reports.indicators_xlsx import write_indicators_xlsx

        written.append(str(write_indicators_xlsx(data, args.xlsx)))
    if args.json:
        emit_json(data)
        return 0
    today = data["today"] or {}
    print(f"Hôm nay {today.get('date')}: tiếp nhận {today.get('received_today')}, đến hạn {today.get('due_today')}, "
          f"quá hạn {today.get('overdue_now')}, chờ bổ sung {today.get('awaiting_supplement')}, "
          f"đang chờ tại quầy {today.get('waiting_queue')}")
    print(f"Kỳ {data['period_title']}:")
    for item in data["targets"]:
        print(f"  {item['label']}: {item['value_text']} (chỉ tiêu: {item['target_text']}) — {item['status_text']}")
    print("Bộ chỉ số của tỉnh:")
    for entry in data["indicators"]:
        print(f"  {entry['name']}: {value_text(entry['unit'], entry['value'])} (chỉ tiêu: {target_text(entry)})"
              f" — {reading_text(entry)}")
    sa = data["self_assessment"]
    print(f"{sa['note']} Điểm: {sa['points']}/{sa['max_points']} (các nhóm tính được).")
    _written(written)
    return 0


TARGET_LABELS = (
    ("on_time_rate", "Tỷ lệ giải quyết đúng hạn ≥", "%"),
    ("early_share", "Tỷ lệ giải quyết trước hạn ≥", "%"),
    ("online_share", "Tỷ lệ hồ sơ tiếp nhận trực tuyến ≥", "%"),
    ("productivity_per_year", "Năng suất một cán bộ (hồ sơ/năm) ≥", ""),
    ("digitisation_component_rate", "Tỷ lệ hồ sơ có thành phần được số hóa ≥", "%"),
    ("digitisation_reuse_rate", "Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa ≥", "%"),
    ("digitisation_result_rate", "Tỷ lệ kết quả được số hóa ≥", "%"),
    ("satisfaction_rate", "Tỷ lệ hài lòng ≥", "%"),
    ("waiting_max_minutes", "Thời gian chờ bình quân (phút) ≤", ""),
)


def run_targets(args: argparse.Namespace, app: CliApp) -> int:
    import json
    from pathlib import Path

    from desktop.errors import UserError
    from desktop.platform import clock
    from desktop.platform.console import emit_json
    from desktop.reports.targets import effective_targets, set_targets, split_targets_file

    if args.set_file or args.reset:
        data: dict[str, Any] = {}
        if args.set_file:
            try:
                data = json.loads(Path(args.set_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UserError(f"Không đọc được tệp chỉ tiêu {args.set_file}: {exc}", field="set_file") from None
            try:
                split_targets_file(data)
            except UserError as exc:
                raise UserError(exc.message, field="set_file") from None
        with app.transaction() as session:
            set_targets(session, report=data.get("report_targets"), feedback=data.get("targets_feedback"),
                        reset=args.reset)
    with app.reading() as session:
        targets = effective_targets(session, args.year or clock.today().year)
    if args.json:
        emit_json(targets)
        return 0
    print(f"Chỉ tiêu năm {targets['year']}:")
    for key, label, unit in TARGET_LABELS:
        value = targets[key]
        shown = "không đặt" if value is None else plain(value) + unit
        print(f"  {label} {shown}")
    return 0
