"""``catalog import|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.app import CliApp
from desktop.services import catalog


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("catalog", help="danh mục thủ tục hành chính")
    s = p.add_subparsers(dest="catalog_cmd", required=True)
    imp = s.add_parser("import", help="nạp danh mục từ tệp .xlsx hoặc .csv")
    imp.add_argument("file")
    imp.add_argument("--skip-bad", action="store_true", help="bỏ qua dòng lỗi, vẫn ghi các dòng đúng")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_import)
    lst = s.add_parser("list", help="liệt kê thủ tục")
    lst.add_argument("--search")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_list)


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
    from desktop.platform.console import emit_json

    with app.reading() as session:
        items = catalog.list_procedures(session, search=args.search)
    if args.json:
        emit_json([p.to_json() for p in items])
        return 0
    for p in items:
        print(f"{p.code:10} {p.field:16} {p.name}")
    return 0
