"""``sync keys|enrol|export|receipt|status``: the desk's side of the road to the province."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.app import CliApp


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sync", help="đồng bộ dữ liệu với tỉnh (USB hoặc mạng)")
    s = p.add_subparsers(dest="sync_cmd", required=True)

    k = s.add_parser("keys", help="cài khóa công khai của tỉnh")
    k.add_argument("--province-key", required=True, help="tệp province.pub do tỉnh cấp")
    k.add_argument("--json", action="store_true")
    k.set_defaults(handler=run_keys)

    e = s.add_parser("enrol", help="tạo tệp đề nghị đăng ký máy này với tỉnh")
    e.add_argument("--out", required=True, help="tệp đề nghị đăng ký cần ghi")
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=run_enrol)

    x = s.add_parser("export", help="xuất gói dữ liệu chưa được tỉnh xác nhận")
    x.add_argument("--out", required=True, help="thư mục đích (ví dụ ổ USB)")
    x.add_argument("--medium", default="usb", help="usb | file | http (ghi vào lịch sử)")
    x.add_argument("--json", action="store_true")
    x.set_defaults(handler=run_export)

    r = s.add_parser("receipt", help="nhập biên nhận của tỉnh")
    r.add_argument("file")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=run_receipt)

    ib = s.add_parser("inbox", help="nhận hộp thư của tỉnh: hồ sơ chuyển đến, kết quả chuyển về")
    ib.add_argument("file", help="tệp hộp thư .mci (từ USB)")
    ib.add_argument("--json", action="store_true")
    ib.set_defaults(handler=run_inbox)

    st = s.add_parser("status", help="tình trạng đồng bộ")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=run_status)

    from desktop.cli.sync_net import add_to_sync_group  # sync part 2: push, package, relay

    add_to_sync_group(s)


def run_keys(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync import workflows

    bundle = workflows.install_key(app.db, Path(args.province_key), officer=app.actor)
    out = {"province": bundle.get("province"), "signing_keys": [k["kid"] for k in bundle["signing_keys"]],
           "encryption_keys": [k["kid"] for k in bundle["encryption_keys"]]}
    if args.json:
        emit_json(out)
    else:
        print(f"Đã cài khóa công khai của {out['province'] or 'tỉnh'} "
              f"(khóa mã hóa: {', '.join(out['encryption_keys'])}).")
    return 0


def run_enrol(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.sync import workflows

    body = workflows.write_enrolment(app.db, Path(args.out), officer=app.actor)
    if args.json:
        emit_json({"file": args.out, "device_id": body["device_id"], "unit_code": body["unit_code"],
                   "kid": body["kid"]})
    else:
        print(f"Đã ghi đề nghị đăng ký máy {body['device_id']} (đơn vị {body['unit_code']}) vào {args.out}. "
              "Gửi tệp này cho Văn phòng UBND tỉnh.")
    return 0


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
    from desktop.platform.console import emit_json
    from desktop.sync import inbox

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp hộp thư {path}.", field="file")
    if path.stat().st_size > inbox.DEFAULT_LIMITS.max_file_bytes:  # refused before it is read into memory
        raise UserError(f"Tệp hộp thư {path} quá lớn.", field="file")
    outcome = inbox.apply_file(app.db, path.read_bytes(), officer=app.actor).as_json()
    if args.json:
        emit_json(outcome)
    else:
        print(f"Đã nhận hộp thư: {outcome['applied']} bản ghi mới, {outcome['dossiers']} hồ sơ chuyển đến hoặc "
              f"chuyển về; {len(outcome['problems'])} bản ghi không nhận.")
    return 0


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
