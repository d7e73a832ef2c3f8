"""``python -m desktop [--db PATH] [--officer NAME] COMMAND``: the desk without a display.

Each command group lives in its own module with a ``register(subparsers)`` function; handlers take
``(args, app)`` and return an exit code. User errors print a Vietnamese message and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from desktop import __version__
from desktop.errors import UserError
from desktop.platform.arguments import Parser
from desktop.platform.console import utf8_stdio
from desktop.platform.paths import private_umask
from desktop.texts import LABELS

# Core groups first, in help order; any other module in desktop/cli with register() is added after,
# so each feature adds its commands without touching this file.
CORE_GROUPS = ("setup", "catalog", "calendar", "dossier", "demo")


def _group_modules() -> list[str]:
    import pkgutil

    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("app",) + CORE_GROUPS)
    return list(CORE_GROUPS) + found


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    parser.add_argument("--officer", help="tên đăng nhập của cán bộ thực hiện lệnh")
    parser.add_argument("--version", action="version", version=f"Một Cửa Offline {__version__}")
    parser.add_argument("--demo-on-first-run", action="store_true",
                        help="nếu cơ sở dữ liệu chưa khởi tạo: tạo đơn vị và dữ liệu mẫu (dùng cho Quick start)")
    parser.add_argument("--self-test", action="store_true",
                        help="tự kiểm tra phần mềm trong thư mục tạm rồi thoát (dùng sau khi cài đặt)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m desktop", description="Một Cửa Offline — bộ phận một cửa cấp xã.")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar=LABELS["command_metavar"], parser_class=Parser)
    for name in _group_modules():
        module = importlib.import_module(f"desktop.cli.{name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser




def main(argv: Sequence[str] | None = None) -> int:
    utf8_stdio()
    private_umask()  # databases, backups, batches, keys, logs: the owner's only (issue #13)
    args = _no_command(argv) or build_parser().parse_args(argv)
    if args.self_test:
        from desktop.cli.selftest import run_self_test

        return run_self_test()
    if args.demo_on_first_run:
        from desktop.demo import ensure_demo_database
        from desktop.platform.paths import default_db_path

        ensure_demo_database(args.db or default_db_path())
    if not getattr(args, "handler", None):
        return _start_gui(args)
    from desktop.cli.app import CREATING_COMMANDS, CliApp

    app = CliApp(db_path=args.db, officer=args.officer, may_create=args.command in CREATING_COMMANDS)
    try:
        return int(args.handler(args, app) or 0)
    except UserError as exc:
        sys.stderr.write(f"Lỗi: {exc.message}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("Đã hủy.\n")
        return 130
    finally:
        app.close()


def _no_command(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The global options alone when no command (and no --help) is given: the GUI starts without
    importing every command group (~50 ms of the start before the log-in)."""
    quick = _QuickParser(prog="python -m desktop", add_help=False)
    _global_options(quick)
    try:
        args, rest = quick.parse_known_args(sys.argv[1:] if argv is None else argv)
    except _NotQuick:  # a usage error: the full parser says it, with the commands in the usage
        return None
    return None if rest else args


class _NotQuick(Exception):
    pass


class _QuickParser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _NotQuick(message)


def _start_gui(args: argparse.Namespace) -> int:
    try:
        from desktop.ui.main import run_gui  # type: ignore[import-not-found]
    except ImportError:
        sys.stdout.write(
            "Giao diện đồ họa chưa có trong bản này. Dùng các lệnh dòng lệnh: python -m desktop --help\n"
        )
        return 0
    return int(run_gui(db_path=args.db))
