"""``sync push|package|relay`` (sync part 2), added to the ``sync`` group of desktop/cli/sync.py.

No ``register()`` here on purpose: these are subcommands of ``sync``, not a group of their own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import settings
from desktop.cli.app import CliApp
from desktop.platform.arguments import command


def add_to_sync_group(s: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = command(s, "push", run_push, "gửi dữ liệu chưa được xác nhận tới máy chủ tỉnh qua mạng", json=True)
    p.add_argument("--url", help="địa chỉ máy chủ tỉnh, ví dụ http://10.0.0.5:8765 (mặc định: cài đặt hub_url)")
    p.add_argument("--attempts", type=int, default=6, help="số lần thử tối đa khi mạng chập chờn")

    k = command(s, "package", run_package,
                "áp dụng gói dữ liệu tham chiếu của tỉnh (tệp hoặc tải về)", json=True)
    k.add_argument("file", nargs="?", help="tệp gói .mcp (từ USB)")
    k.add_argument("--url", help="tải gói mới nhất từ máy chủ tỉnh thay vì đọc tệp")

    r = command(s, "relay", run_relay, "chuyển tiếp nguyên vẹn các gói dữ liệu của xã (máy huyện)", json=True)
    r.add_argument("--in", dest="in_dir", required=True, help="thư mục chứa các tệp .mcb của xã")
    where = r.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="gửi thẳng tới máy chủ tỉnh")
    where.add_argument("--out", help="chép sang thư mục khác (USB của huyện)")
    r.add_argument("--receipts", help="thư mục ghi biên nhận cho xã (mặc định: <in>/receipts)")
    r.add_argument("--receipts-from", help="thư mục biên nhận tỉnh trả về (trên USB) để chép cho xã")


def _url(args: argparse.Namespace, app: CliApp) -> str:
    from desktop.errors import UserError
    from desktop.services.desk import get_setting

    if args.url:
        return str(args.url)
    with app.reading() as session:
        url = get_setting(session, settings.HUB_URL.key)
    if not url:
        raise UserError("Chưa có địa chỉ máy chủ tỉnh: dùng --url.", field="url")
    return str(url)


def run_push(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync.push import Backoff, Refused, push

    def progress(stage: str, done: int, total: int) -> None:
        if not args.json:
            label = {"export": "Đang đóng gói", "upload": "Đang gửi", "retry": "Thử lại lần"}.get(stage)
            if label:
                sys.stderr.write(f"\r{label} {done}/{total}   ")

    try:
        result = push(app.db, _url(args, app), progress=progress, backoff=Backoff(attempts=args.attempts),
                      officer=app.officer)
    except Refused as exc:
        if args.json:
            emit_json({"batch_id": None, "status": "refused", "applied": 0, "code": exc.code, "message": exc.message})
        else:
            sys.stderr.write(f"Tỉnh từ chối: {exc.message}\n")
        return 1
    if args.json:
        emit_json(result.as_json())
    elif result.status == "up_to_date":
        print("Không có gì cần gửi: tỉnh đã xác nhận mọi dữ liệu.")
    elif result.status == "queued":
        print(f"\nTỉnh đã nhận gói {result.batch_id} và đang cập nhật; chạy lại lệnh sau ít phút để nhận xác nhận.")
    else:
        print(f"\nĐã gửi gói {result.batch_id}: tỉnh cập nhật {result.applied} bản ghi, "
              f"{result.acknowledged} thay đổi đã được xác nhận.")
    return 0


def run_package(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.errors import UserError
    from desktop.platform.console import emit_json
    from desktop.sync import workflows

    if args.file:
        result = workflows.install_package_file(app.db, Path(args.file), officer=app.actor)
    elif args.url:
        download = workflows.download_package(app.db, args.url, officer=app.actor)
        if download.applied is None:
            if args.json:
                emit_json({"version": download.current, "status": "up_to_date"})
            else:
                print(f"Máy đã có gói dữ liệu mới nhất (phiên bản {download.current}).")
            return 0
        result = download.applied
    else:
        raise UserError("Chỉ ra tệp gói dữ liệu hoặc --url.", field="file")
    if args.json:
        emit_json(result.as_json() | {"status": "applied"})
    else:
        print(f"Đã áp dụng gói dữ liệu của tỉnh phiên bản {result.version}: {result.procedures_created} thủ tục mới, "
              f"{result.procedures_updated} cập nhật, {result.calendar_days} ngày nghỉ/làm bù.")
        if result.this_device_revoked:
            print("Cảnh báo: máy này nằm trong danh sách bị thu hồi quyền đồng bộ.")
    return 0


def run_relay(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync.relay import relay

    items = relay(Path(args.in_dir), url=args.url, out_dir=Path(args.out) if args.out else None,
                  receipts_dir=Path(args.receipts) if args.receipts else None,
                  receipts_from=Path(args.receipts_from) if args.receipts_from else None)
    if args.json:
        emit_json([i.as_json() for i in items])
    else:
        for item in items:
            print(f"{item.file}: {item.status}" + (f" [{item.code}] {item.message}" if item.code else ""))
    return 1 if any(i.status in ("refused", "failed") for i in items) else 0
