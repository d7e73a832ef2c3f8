"""``catalog import|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group
from desktop.services import catalog


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "catalog", "danh mục thủ tục hành chính")
    imp = command(s, "import", run_import, "nạp danh mục từ tệp .xlsx hoặc .csv", json=True)
    imp.add_argument("file")
    imp.add_argument("--skip-bad", action="store_true", help="bỏ qua dòng lỗi, vẫn ghi các dòng đúng")
    lst = command(s, "list", run_list, "liệt kê thủ tục", json=True)
    lst.add_argument("--search")


def run_import(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    with app.transaction() as session:
        result = catalog.import_catalog(session, Path(args.file), skip_bad=args.skip_bad)
    for row, message in result.errors:
        sys.stderr.write(f"Dòng {row}: {message}\n")
    if args.json:
        emit_json(result.to_json())
    elif result.written:
        print(f"Đã nạp danh mục: {result.created} thủ tục mới, {result.updated} thủ tục cập nhật"
              + (f", bỏ qua {len(result.errors)} dòng lỗi." if result.errors else "."))
    if not result.written:
        sys.stderr.write(f"Lỗi: tệp có {len(result.errors)} dòng lỗi, không ghi gì. "
                         "Sửa các dòng trên hoặc dùng --skip-bad.\n")
        return 2
    return 0


def run_list(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_rows

    with app.reading() as session:
        items = catalog.list_procedures(session, search=args.search)
    return emit_rows(args.json, items, lambda p: f"{p.code:10} {p.field:16} {p.name}")
