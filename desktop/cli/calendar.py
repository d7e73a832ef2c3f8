"""``calendar off|working|show``."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.services import calendar
from desktop.validation import parse_date


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("calendar", help="lịch ngày làm việc, ngày nghỉ")
    s = p.add_subparsers(dest="calendar_cmd", required=True, metavar="SUBCOMMAND")
    off = s.add_parser("off", help="thêm ngày nghỉ")
    off.add_argument("date")
    off.add_argument("--reason")
    off.set_defaults(handler=run_override, working=False)
    work = s.add_parser("working", help="thêm ngày làm việc (làm bù)")
    work.add_argument("date")
    work.add_argument("--reason")
    work.set_defaults(handler=run_override, working=True)
    show = s.add_parser("show", help="xem lịch một năm")
    show.add_argument("--year", type=int, required=True)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_show)


def run_override(args: argparse.Namespace, app: CliApp) -> int:
    day = parse_date(args.date)
    with app.transaction() as session:
        calendar.set_override(session, day, working=args.working, reason=args.reason)
    kind = "ngày làm việc" if args.working else "ngày nghỉ"
    print(f"Đã đặt {day:%d/%m/%Y} là {kind}.")
    return 0


def run_show(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.cli import emit_json

    with app.reading() as session:
        view = calendar.year_view(session, args.year)
    if args.json:
        emit_json(view)
        return 0
    print(f"Ngày nghỉ năm {args.year}:")
    for item in view["days_off"]:
        print(f"  {item['date']}  {item['name']}")
    print("Ngày làm việc bù:")
    for item in view["extra_working_days"]:
        print(f"  {item['date']}  {item['reason']}")
    return 0
