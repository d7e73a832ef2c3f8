"""``hours show|set|reset``: office hours per weekday (e.g. Saturday-morning reception)."""

from __future__ import annotations

import argparse

from desktop import settings
from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group
from desktop.rules.deadlines import WEEKDAY_KEYS
from desktop.services import desk
from desktop.texts import WEEKDAY_LABELS

DAY_NAMES = dict(zip(WEEKDAY_KEYS, WEEKDAY_LABELS, strict=True))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "hours", "giờ làm việc, tiếp nhận theo từng ngày trong tuần")
    command(s, "show", run_show, "xem giờ làm việc đang áp dụng", json=True)
    put = command(s, "set", run_set,
                  "đặt giờ theo ngày, ví dụ --sat '07:30-11:30' (ngày không ghi: giữ mặc định)")
    for key in WEEKDAY_KEYS:
        put.add_argument(f"--{key}", metavar="HH:MM-HH:MM[,HH:MM-HH:MM]", help=DAY_NAMES[key] + " ('' = nghỉ)")
    command(s, "reset", run_reset, "bỏ giờ riêng của máy này (dùng giờ của tỉnh hoặc mặc định)")


def _view(app: CliApp) -> dict[str, object]:
    with app.reading() as session:
        rules = desk.desk_context(session).rules
        source = ("local" if desk.get_setting(session, settings.OFFICE_HOURS.key)
                  else "province" if desk.get_setting(session, settings.PROVINCE_OFFICE_HOURS.key) else "default")
    return {"source": source, "week": rules.hours.week_text()}


def run_show(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    view = _view(app)
    if args.json:
        emit_json(view)
        return 0
    for key, text in view["week"].items():  # type: ignore[attr-defined]
        print(f"  {DAY_NAMES[key]:<9} {text or 'nghỉ'}")
    return 0


def run_set(args: argparse.Namespace, app: CliApp) -> int:
    week = {key: getattr(args, key) for key in WEEKDAY_KEYS if getattr(args, key) is not None}
    with app.transaction() as session:
        desk.set_office_hours(session, week or None)
    print("Đã lưu giờ làm việc. Hồ sơ đang giải quyết có hạn trả thay đổi: xem 'calendar pending'.")
    return 0


def run_reset(args: argparse.Namespace, app: CliApp) -> int:
    with app.transaction() as session:
        desk.set_office_hours(session, None)
    print("Đã bỏ giờ làm việc riêng của máy này.")
    return 0
