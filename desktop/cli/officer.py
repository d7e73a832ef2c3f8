"""``officer add|reset-password|list``: accounts, for admins (``--officer`` names who acts)."""

from __future__ import annotations

import argparse
import getpass

from desktop.cli.app import CliApp
from desktop.errors import UserError
from desktop.platform.arguments import command, group


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "officer", "tài khoản cán bộ (quản trị)")
    add = command(s, "add", run_add, "thêm cán bộ", json=True)
    add.add_argument("username")
    add.add_argument("--name", required=True, help="họ tên")
    add.add_argument("--role", default="officer", choices=["officer", "leader", "admin"])
    add.add_argument("--password", help="mật khẩu (bỏ trống để nhập ẩn)")
    reset = command(s, "reset-password", run_reset, "đặt lại mật khẩu và mở khóa tài khoản")
    reset.add_argument("username")
    reset.add_argument("--password", help="mật khẩu mới (bỏ trống để nhập ẩn)")
    command(s, "list", run_list, "danh sách cán bộ", json=True)


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise UserError("Hai lần nhập mật khẩu không khớp.", field="password")
    return first


def run_add(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit
    from desktop.services import officers

    password = _password(args.password)
    with app.transaction() as session:
        info = officers.create_officer(session, username=args.username, full_name=args.name,
                                       password=password, role=args.role)
    return emit(args.json, {"username": info.username, "full_name": info.full_name, "role": info.role},
                f"Đã thêm cán bộ {info.full_name} ({info.username}, {info.role_label}).")


def run_reset(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import officers

    password = _password(args.password)
    with app.transaction() as session:
        officers.reset_password(session, args.username, password)
    print(f"Đã đặt lại mật khẩu và mở khóa tài khoản {args.username}.")
    return 0


def run_list(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.services import officers

    with app.reading() as session:
        rows = officers.list_officers(session)
    if args.json:
        emit_json([{"username": o.username, "full_name": o.full_name, "role": o.role} for o in rows])
        return 0
    for o in rows:
        print(f"{o.username:<20} {o.full_name:<32} {o.role_label}")
    return 0
