"""``export all --out FILE.xlsx|FILE.zip [--from D --to D] [--format xlsx|csv] [--json]``: every record out."""

from __future__ import annotations

import argparse
import sys

from desktop.cli.app import CliApp
from desktop.platform.arguments import group
from desktop.texts import LABELS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "export", "xuất toàn bộ dữ liệu ra Excel hoặc CSV",
              dest="export_command", metavar=LABELS["command_metavar"])
    every = s.add_parser("all", help="xuất mọi hồ sơ kèm sự kiện, thành phần, bổ sung, xin lỗi, khảo sát, số thứ tự; "
                                     "chỉ quản trị")
    every.add_argument("--out", required=True, help="tệp .xlsx, hoặc .zip (các tệp CSV UTF-8 có BOM)")
    every.add_argument("--from", dest="date_from", help="từ ngày nhận hồ sơ (YYYY-MM-DD hoặc dd/mm/yyyy)")
    every.add_argument("--to", dest="date_to", help="đến ngày nhận hồ sơ (YYYY-MM-DD hoặc dd/mm/yyyy)")
    every.add_argument("--format", choices=("xlsx", "csv"), help="mặc định theo đuôi tệp (.zip → csv)")
    every.add_argument("--json", action="store_true")
    every.set_defaults(handler=run_export_all)


def run_export_all(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.history.export_all import export_all
    from desktop.platform.console import emit_json
    from desktop.rules.validation import parse_date

    date_from = parse_date(args.date_from, "from") if args.date_from else None
    date_to = parse_date(args.date_to, "to") if args.date_to else None

    def progress(done: int, total: int, sheet: str) -> None:
        if not args.json and total and sys.stderr.isatty():
            sys.stderr.write(f"\r  {done}/{total} dòng {sheet}   ")

    with app.reading() as session:
        session.info["officer"] = app.officer or "cli"
        result = export_all(session, args.out, date_from=date_from, date_to=date_to, fmt=args.format,
                            progress=progress)
    if args.json:
        emit_json(result)
        return 0
    print(f"Đã ghi {result['path']} ({result['rows']} dòng):")
    for title, rows in result["sheets"].items():
        print(f"  {title}: {rows}")
    return 0
