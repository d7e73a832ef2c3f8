"""``sync keys|enrol|export|receipt|status``: the desk's side of the road to the province."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "sync", "đồng bộ dữ liệu với tỉnh (USB hoặc mạng)")

    k = command(s, "keys", run_keys, "cài khóa công khai của tỉnh", json=True)
    k.add_argument("--province-key", required=True, help="tệp province.pub do tỉnh cấp")

    e = command(s, "enrol", run_enrol, "tạo tệp đề nghị đăng ký máy này với tỉnh", json=True)
    e.add_argument("--out", required=True, help="tệp đề nghị đăng ký cần ghi")

    x = command(s, "export", run_export, "xuất gói dữ liệu chưa được tỉnh xác nhận", json=True)
    x.add_argument("--out", required=True, help="thư mục đích (ví dụ ổ USB)")
    x.add_argument("--medium", default="usb", help="usb | file | http (ghi vào lịch sử)")

    r = command(s, "receipt", run_receipt, "nhập biên nhận của tỉnh", json=True)
    r.add_argument("file")

    ib = command(s, "inbox", run_inbox,
                 "nhận hộp thư của tỉnh: hồ sơ chuyển đến, kết quả chuyển về", json=True)
    ib.add_argument("file", help="tệp hộp thư .mci (từ USB)")

    command(s, "status", run_status, "tình trạng đồng bộ", json=True)

    from desktop.cli.sync_net import add_to_sync_group  # sync part 2: push, package, relay

    add_to_sync_group(s)


def run_keys(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit
    from desktop.sync import workflows

    bundle = workflows.install_key(app.db, Path(args.province_key), officer=app.actor)
    out = {"province": bundle.get("province"), "signing_keys": [k["kid"] for k in bundle["signing_keys"]],
           "encryption_keys": [k["kid"] for k in bundle["encryption_keys"]]}
    return emit(args.json, out, f"Đã cài khóa công khai của {out['province'] or 'tỉnh'} "
                                f"(khóa mã hóa: {', '.join(out['encryption_keys'])}).")


def run_enrol(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit
    from desktop.sync import workflows

    body = workflows.write_enrolment(app.db, Path(args.out), officer=app.actor)
    return emit(args.json, {"file": args.out, "device_id": body["device_id"], "unit_code": body["unit_code"],
                            "kid": body["kid"]},
                f"Đã ghi đề nghị đăng ký máy {body['device_id']} (đơn vị {body['unit_code']}) vào {args.out}. "
                "Gửi tệp này cho Văn phòng UBND tỉnh.")


def run_export(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync.export import export_batch

    def progress(done: int, total: int) -> None:
        if not args.json and total:
            sys.stderr.write(f"\rĐang đóng gói {done}/{total} thay đổi")

    result = export_batch(app.db, Path(args.out), medium=args.medium, officer=app.officer, progress=progress)
    if args.json:
        emit_json(result.as_json())
    elif result.file is None:
        print("Không có thay đổi nào cần gửi: tỉnh đã xác nhận mọi dữ liệu.")
    else:
        sys.stderr.write("\n")
        print(f"Đã xuất {result.changes} bản ghi (thứ tự {result.seq_from}–{result.seq_to}) vào {result.file}.")
    return 0


def run_receipt(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync import workflows

    outcome = workflows.receive_receipt(app.db, Path(args.file), officer=app.actor)
    if args.json:
        emit_json({"batch_id": outcome.batch_id, "status": outcome.status, "acknowledged": outcome.acknowledged,
                   "rejected": outcome.rejected, "already_imported": outcome.already_imported})
    elif outcome.already_imported:
        print(f"Biên nhận của gói {outcome.batch_id} đã được nhập trước đây.")
    else:
        print(f"Tỉnh đã xác nhận gói {outcome.batch_id}: {outcome.acknowledged} thay đổi đã đồng bộ, "
              f"{outcome.rejected} bản ghi bị từ chối.")
    return 0


def run_inbox(args: argparse.Namespace, app: CliApp) -> int:
    """Issue #15: apply the hub's inbox file (one transaction; a bad or foreign file changes nothing)."""
    from desktop.errors import UserError
    from desktop.platform.console import emit
    from desktop.sync import inbox

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp hộp thư {path}.", field="file")
    if path.stat().st_size > inbox.DEFAULT_LIMITS.max_file_bytes:  # refused before it is read into memory
        raise UserError(f"Tệp hộp thư {path} quá lớn.", field="file")
    outcome = inbox.apply_file(app.db, path.read_bytes(), officer=app.actor).as_json()
    return emit(args.json, outcome,
                f"Đã nhận hộp thư: {outcome['applied']} bản ghi mới, {outcome['dossiers']} hồ sơ chuyển đến hoặc "
                f"chuyển về; {len(outcome['problems'])} bản ghi không nhận.")


def run_status(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync import workflows

    status = workflows.status(app.db)
    if args.json:
        emit_json(status)
        return 0
    print(f"Máy: {status['device_id']}  đơn vị: {status['unit_code']}")
    print(f"Chờ gửi: {status['pending_records']} bản ghi ({status['ready_changes']} thay đổi mới, "
          f"{status['exported_unconfirmed']} đã xuất chờ tỉnh xác nhận)")
    print(f"Lần đồng bộ gần nhất: {status['last_sync_at'] or 'chưa có'}")
    for item in status["rejections"][:10]:
        print(f"  Bị từ chối: {item['table']} {item['record_id']}: {item['message']}")
    return 0
