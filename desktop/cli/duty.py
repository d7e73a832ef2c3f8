"""``duty show|set``: the desk staff on duty one day (the denominator of «năng suất tiếp nhận»)."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group
from desktop.rules.validation import parse_date
from desktop.services import duty


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "duty", "cán bộ trực bộ phận một cửa theo ngày (tính năng suất tiếp nhận)")
    show = command(s, "show", run_show, "xem ai trực một ngày (ghi tự động khi đăng nhập)", json=True)
    show.add_argument("--day", required=True, help="ngày, YYYY-MM-DD")
    put = command(s, "set", run_set,
                  "lãnh đạo sửa danh sách trực của một ngày (thay danh sách ghi từ đăng nhập)", json=True)
    put.add_argument("--day", required=True, help="ngày, YYYY-MM-DD")
    put.add_argument("--staff", action="append", default=[],
                     help="cán bộ trực (lặp lại được; bỏ trống: không ai trực)")


def _print(args: argparse.Namespace, day: str, names: list[str]) -> int:
    from desktop.platform.console import emit

    return emit(args.json, {"day": day, "on_duty": names, "count": len(names)},
                f"Ngày {day}: {len(names)} cán bộ trực" + (f" — {', '.join(names)}" if names else ""))


def run_show(args: argparse.Namespace, app: CliApp) -> int:
    day = parse_date(args.day, "day")
    with app.reading() as session:
        names = duty.on_duty(session, day)
    return _print(args, day.isoformat(), names)


def run_set(args: argparse.Namespace, app: CliApp) -> int:
    day = parse_date(args.day, "day")
    with app.transaction() as session:
        names = duty.set_on_duty(session, day, args.staff)
    return _print(args, day.isoformat(), names)
