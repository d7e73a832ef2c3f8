"""``calendar off|working|show|pending|apply``."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.errors import UserError
from desktop.platform.arguments import command, group
from desktop.rules.validation import parse_date
from desktop.rules.workcalendar import SOURCE_LABELS
from desktop.services import calendar


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "calendar", "lịch ngày làm việc, ngày nghỉ")
    off = s.add_parser("off", help="thêm ngày nghỉ")
    off.add_argument("date")
    off.add_argument("--reason")
    off.set_defaults(handler=run_override, working=False)
    work = s.add_parser("working", help="thêm ngày làm việc (làm bù)")
    work.add_argument("date")
    work.add_argument("--reason")
    work.set_defaults(handler=run_override, working=True)
    show = command(s, "show", run_show, "xem lịch một năm", json=True)
    show.add_argument("--year", type=int, required=True)
    command(s, "pending", run_pending,
            "hồ sơ đang giải quyết có hạn trả sẽ đổi theo lịch hiện tại", json=True)
    apply = command(s, "apply", run_apply,
                    "đổi hạn trả của các hồ sơ đã liệt kê (pending) theo lịch hiện tại", json=True)
    apply.add_argument("codes", nargs="*")
    apply.add_argument("--all", action="store_true", help="áp dụng cho mọi hồ sơ trong danh sách")


def run_override(args: argparse.Namespace, app: CliApp) -> int:
    day = parse_date(args.date)
    with app.transaction() as session:
        calendar.set_override(session, day, working=args.working, reason=args.reason)
    kind = "ngày làm việc" if args.working else "ngày nghỉ"
    print(f"Đã đặt {day:%d/%m/%Y} là {kind}.")
    return 0


def run_show(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    with app.reading() as session:
        view = calendar.year_view(session, args.year)
    if args.json:
        emit_json(view)
        return 0
    print(f"Ngày nghỉ năm {args.year}:")
    for item in view["days_off"]:
        print(f"  {item['date']}  {item['name']}  [{_source(item)}]")
    print("Ngày làm việc bù:")
    for item in view["extra_working_days"]:
        print(f"  {item['date']}  {item['reason']}  [{_source(item)}]")
    return 0


def _source(item: dict[str, object]) -> str:
    label = SOURCE_LABELS.get(str(item["source"]), str(item["source"]))
    return f"{label}, chưa chắc chắn" if item["uncertain"] else label


def _print_changes(changes: list[calendar.DueChange]) -> None:
    for c in changes:
        old = f"{c.due_at:%H:%M %d/%m/%Y}" if c.due_at else "—"
        print(f"  {c.code}  {c.applicant_name}: {old} → {c.new_due_at:%H:%M %d/%m/%Y}")


def run_pending(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    with app.reading() as session:
        changes = calendar.due_changes(session)
    if args.json:
        emit_json({"dossiers": [c.as_json() for c in changes]})
        return 0
    if not changes:
        print("Không có hồ sơ nào phải đổi hạn trả theo lịch hiện tại.")
        return 0
    print(f"{len(changes)} hồ sơ có hạn trả sẽ đổi (dùng 'calendar apply MA_HO_SO…' hoặc '--all'):")
    _print_changes(changes)
    return 0


def run_apply(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    if not args.codes and not args.all:
        raise UserError("Cần mã hồ sơ hoặc --all.", field="codes")
    with app.transaction() as session:
        moved = calendar.apply_due_changes(session, None if args.all else args.codes)
    if args.json:
        emit_json({"dossiers": [c.as_json() for c in moved]})
        return 0
    print(f"Đã đổi hạn trả của {len(moved)} hồ sơ.")
    _print_changes(moved)
    return 0
