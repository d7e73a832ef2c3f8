"""``self-test`` (also the global ``--self-test`` flag): the installed program checks itself."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("self-test", help="tự kiểm tra phần mềm trong một thư mục tạm (không đụng dữ liệu thật)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.selftest import run_self_test

    return run_self_test()
