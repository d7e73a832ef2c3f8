"""``demo --dossiers N [--months M] [--seed S]``."""

from __future__ import annotations

import argparse
import sys

from desktop.cli.app import CliApp
from desktop.platform.arguments import command


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = command(sub, "demo", run_demo, "tạo dữ liệu mẫu để trình diễn, đo hiệu năng", json=True)
    p.add_argument("--dossiers", type=int, required=True)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=1)


def run_demo(args: argparse.Namespace, app: CliApp) -> int:
    from desktop import demo
    from desktop.platform.console import emit

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\rĐang tạo hồ sơ mẫu: {done}/{total}")

    with app.transaction() as session:
        result = demo.generate(session, dossiers=args.dossiers, months=args.months, seed=args.seed, progress=progress)
    return emit(args.json, {"dossiers": result.dossiers, "events": result.events},
                f"\nĐã tạo dữ liệu mẫu; tổng số hồ sơ trong cơ sở dữ liệu: {result.dossiers}.")
