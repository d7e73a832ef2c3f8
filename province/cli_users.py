"""``python -m province user add|passwd|disable|enable|list`` and ``access-log``: the hub's province accounts.

A password never comes from the command line (it would stay in the shell history and the process
list): it is typed twice at a prompt, or read from standard input (``--password-stdin``), or from
``MOTCUA_HUB_PASSWORD`` for provisioning scripts.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from desktop.errors import UserError
from desktop.platform.arguments import command, group
from desktop.platform.console import emit, emit_json

PASSWORD_ENV = "MOTCUA_HUB_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from province.auth import ROLES

    us = group(sub, "user", "tài khoản của tỉnh để xem báo cáo, tình trạng đồng bộ trên máy chủ")
    add = command(us, "add", run_add, "tạo tài khoản", json=True)
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=sorted(ROLES),
                     help="; ".join(f"{k}: {v}" for k, v in ROLES.items()))
    add.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ đầu vào chuẩn (một dòng)")
    pw = command(us, "passwd", run_passwd, "đổi mật khẩu (mọi phiên đăng nhập cũ hết hiệu lực)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ đầu vào chuẩn (một dòng)")
    for name, active, text in (("disable", False, "khóa tài khoản (phiên đăng nhập đang mở hết hiệu lực)"),
                               ("enable", True, "mở lại tài khoản đã khóa")):
        one = us.add_parser(name, help=text)
        one.add_argument("username")
        one.set_defaults(handler=run_set_active, active=active)
    command(us, "list", run_list, "danh sách tài khoản", json=True)

    log = command(sub, "access-log", run_access_log,
                  "nhật ký xem dữ liệu trên máy chủ (ai, khi nào, xem gì)", json=True)
    log.add_argument("--limit", type=int, default=100)


def read_password(args: argparse.Namespace) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise UserError("Cần mật khẩu: dùng --password-stdin hoặc biến môi trường MOTCUA_HUB_PASSWORD.",
                        field="password")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise UserError("Hai lần nhập mật khẩu không khớp.", field="password")
    return first


def run_add(args: argparse.Namespace) -> int:
    from province.auth import add_user
    from province.cli import opened_hub

    password = read_password(args)
    with opened_hub(args) as hub:
        out = add_user(hub, args.username, password, args.role)
    return emit(args.json, out, f"Đã tạo tài khoản {out['username']} (vai trò {out['role']}).")


def run_passwd(args: argparse.Namespace) -> int:
    from province.auth import set_password
    from province.cli import opened_hub

    password = read_password(args)
    with opened_hub(args) as hub:
        set_password(hub, args.username, password)
    print(f"Đã đổi mật khẩu của {args.username}.")
    return 0


def run_set_active(args: argparse.Namespace) -> int:
    from province.auth import set_active
    from province.cli import opened_hub

    with opened_hub(args) as hub:
        set_active(hub, args.username, args.active)
    print(f"Đã {'mở lại' if args.active else 'khóa'} tài khoản {args.username}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from province.auth import list_users
    from province.cli import opened_hub

    with opened_hub(args) as hub:
        users = list_users(hub)
    if args.json:
        emit_json(users)
    else:
        for user in users:
            print(f"{user['username']:<24} {user['role']:<8} {'đang dùng' if user['active'] else 'đã khóa'}")
    return 0


def run_access_log(args: argparse.Namespace) -> int:
    from province.auth import access_log
    from province.cli import opened_hub

    with opened_hub(args) as hub:
        rows = access_log(hub, limit=max(1, min(args.limit, 10000)))
    if args.json:
        emit_json(rows)
    else:
        for row in rows:
            mark = " (có họ tên)" if row["personal"] else ""
            print(f"{row['at']}  {row['username']:<16} {row['route']} {row['params']}{mark}")
    return 0
