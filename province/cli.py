"""``python -m province [--db-url URL] [--data-dir DIR] init|enrol|revoke|import|report``.

Exit codes: 0 success, 1 when any batch was refused, 2 for a user error (message on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from desktop.errors import UserError
from desktop.platform.arguments import Parser, command, group
from desktop.platform.console import emit, emit_json, utf8_stdio
from desktop.texts import LABELS


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m province", description="Máy chủ tổng hợp dữ liệu của tỉnh — Một Cửa Offline.")
    p.add_argument("--db-url", help="URL cơ sở dữ liệu (mặc định SQLite trong thư mục dữ liệu của máy chủ); "
                                    "PostgreSQL: postgresql+psycopg://user@host/db")
    p.add_argument("--data-dir", help="thư mục dữ liệu của máy chủ tỉnh (khóa bí mật, cách ly, tạm)")
    sub = p.add_subparsers(dest="command", required=True, metavar=LABELS["command_metavar"], parser_class=Parser)

    i = command(sub, "init", run_init, "tạo khóa của tỉnh và ghi tệp khóa công khai province.pub", json=True)
    i.add_argument("--name", required=True, help="tên đơn vị, ví dụ 'UBND tỉnh Phú Thọ'")
    i.add_argument("--keys-out", required=True, help="thư mục ghi province.pub để gửi cho các xã")

    ks = group(sub, "keys", "khóa bí mật của tỉnh")
    command(ks, "encrypt", run_keys_encrypt,
            "mã hóa các tệp khóa bí mật cũ chưa được mã hóa (dùng mật khẩu khóa)")

    e = command(sub, "enrol", run_enrol, "đăng ký máy của xã từ tệp đề nghị", json=True)
    e.add_argument("file")
    e.add_argument("--replace", action="store_true", help="thay khóa của máy đã đăng ký (máy cài lại)")

    r = command(sub, "revoke", run_revoke, "thu hồi quyền đồng bộ của một máy")
    r.add_argument("device_id")
    r.add_argument("--reason", default="")

    im = command(sub, "import", run_import, "nhập các gói dữ liệu của xã", json=True)
    im.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp .mcb hoặc thư mục chứa chúng")
    im.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không ghi gì")
    im.add_argument("--receipts-out", help="thư mục ghi biên nhận để mang về xã")

    rs = group(sub, "report", "báo cáo tổng hợp", metavar="BÁO_CÁO")
    per = command(rs, "periodic", run_report_periodic, "báo cáo định kỳ (Biểu 06) của một xã hoặc tất cả")
    per.add_argument("--unit", required=True, help="mã đơn vị, hoặc 'all'")
    per.add_argument("--period", required=True,
                     help="kỳ báo cáo: 2026-10 (tháng), 2026-Q4 (quý), 2026-H1/2026-H2 (6 tháng), 2026-9M, 2026 (năm)")
    windows = per.add_mutually_exclusive_group()
    windows.add_argument("--calendar", action="store_true", help="kỳ theo tháng dương lịch (01→cuối tháng)")
    windows.add_argument("--official", action="store_true", help="kỳ chính thức (15→14)")
    per.add_argument("--json", action="store_true", help="in JSON (giống máy xã); đây là dạng in duy nhất")
    ind = command(rs, "indicators", run_report_indicators,
                  "bộ chỉ số (như máy xã) của một xã hoặc tất cả, theo chỉ tiêu của tỉnh")
    ind.add_argument("--unit", required=True, help="mã đơn vị, hoặc 'all'")
    ind.add_argument("--period", required=True, help="kỳ báo cáo, như báo cáo định kỳ")
    ind_windows = ind.add_mutually_exclusive_group()
    ind_windows.add_argument("--calendar", action="store_true", help="kỳ theo tháng dương lịch (01→cuối tháng)")
    ind_windows.add_argument("--official", action="store_true", help="kỳ chính thức (15→14)")
    ind.add_argument("--json", action="store_true", help="in JSON; đây là dạng in duy nhất")
    from province import cli_net  # sync part 2: package build, serve, unit views

    cli_net.register(sub)
    from province import cli_users  # province accounts of the read API

    cli_users.register(sub)
    from province import cli_aggregates  # issue 14: report aggregates check / rebuild

    cli_aggregates.register(sub)
    return p


def _hub(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from province.db import open_hub

    return open_hub(args.db_url, data_dir=args.data_dir)


@contextlib.contextmanager
def opened_hub(args: argparse.Namespace) -> Iterator[Any]:
    """The hub named by ``--db-url/--data-dir`` for one command, closed however the command ends."""
    hub = _hub(args)
    try:
        yield hub
    finally:
        hub.dispose()


def run_keys_encrypt(args: argparse.Namespace) -> int:
    from province.keys import encrypt_existing

    with opened_hub(args) as hub:
        done = encrypt_existing(hub)
    print(f"Đã mã hóa {len(done)} tệp khóa: {', '.join(done)}" if done else "Mọi tệp khóa đã được mã hóa.")
    return 0


def run_init(args: argparse.Namespace) -> int:
    from province.keys import init_keys

    with opened_hub(args) as hub:
        bundle = init_keys(hub, name=args.name, keys_out=Path(args.keys_out))
    out = {"province": bundle["province"], "public_bundle": str(Path(args.keys_out) / "province.pub"),
           "signing_kid": bundle["signing_keys"][0]["kid"], "encryption_kid": bundle["encryption_keys"][0]["kid"],
           "data_dir": str(hub.data_dir)}
    return emit(args.json, out,
                f"Đã tạo khóa cho {out['province']}. Gửi tệp {out['public_bundle']} cho các xã; "
                f"khóa bí mật nằm trong {hub.data_dir / 'keys'}.")


def run_enrol(args: argparse.Namespace) -> int:
    from province.devices import enrol

    with opened_hub(args) as hub:
        out = enrol(hub, Path(args.file), replace=args.replace)
    return emit(args.json, out, f"Đã đăng ký máy {out['device_id']} của đơn vị {out['unit_code']}.")


def run_revoke(args: argparse.Namespace) -> int:
    from province.devices import revoke

    with opened_hub(args) as hub:
        revoke(hub, args.device_id, reason=args.reason)
    print(f"Đã thu hồi quyền đồng bộ của máy {args.device_id}.")
    return 0


def _batch_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.glob("*.mcb")) if path.is_dir() else [path])
    return files


def run_import(args: argparse.Namespace) -> int:
    from province.importer import import_file

    results = []
    with opened_hub(args) as hub:
        for path in _batch_files(args.paths):
            results.append(import_file(hub, path, dry_run=args.dry_run,
                                       receipts_out=Path(args.receipts_out) if args.receipts_out else None))
        if args.receipts_out and not args.dry_run:  # sync part 2: the newest package rides back on the stick
            from province.packages import write_beside

            write_beside(hub, Path(args.receipts_out))
    if args.json:
        emit_json([r.as_json() for r in results])
    else:
        for r in results:
            if r.status == "refused":
                print(f"{r.file}: TỪ CHỐI [{r.code}] {r.message}")
            else:
                label = {"applied": "đã nhập", "duplicate": "đã nhập trước đây", "dry_run": "chạy thử"}[r.status]
                gaps = f", thiếu thứ tự {r.gaps}" if r.gaps else ""
                print(f"{r.file}: {label}: {r.applied} bản ghi cập nhật, {r.skipped} bỏ qua, "
                      f"{r.conflicts} xung đột, {r.rejected} bị từ chối{gaps}")
    return 1 if any(r.status == "refused" for r in results) else 0


def run_report_periodic(args: argparse.Namespace) -> int:
    from province.reports import periodic

    return _report(args, periodic)


def run_report_indicators(args: argparse.Namespace) -> int:
    from province.reports import indicators

    return _report(args, indicators)


def _report(args: argparse.Namespace, build: Callable[..., dict[str, Any]]) -> int:
    with opened_hub(args) as hub:
        calendar = True if args.calendar else False if args.official else None
        data = build(hub, unit=args.unit, period=args.period, calendar=calendar)
    emit_json(data)
    return 0


def main(argv: Sequence[str] | None = None) -> int:

    utf8_stdio()
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        sys.stderr.write(f"Lỗi: {exc.message}\n")
        return 2
    except OperationalError as exc:  # the database is down, missing or refuses us: say so, no traceback
        reason = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else type(exc).__name__
        sys.stderr.write(f"Lỗi: không kết nối được cơ sở dữ liệu của máy chủ tỉnh ({_safe_url(args)}): {reason}\n")
        return 2


def _safe_url(args: argparse.Namespace) -> str:
    """The database URL without its password, for an error message."""
    from sqlalchemy.engine import make_url

    if not args.db_url:
        return "SQLite mặc định"
    try:
        return make_url(args.db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — a malformed URL is itself the problem; do not echo secrets
        return "URL không hợp lệ"
