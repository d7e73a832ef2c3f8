"""Hub commands added by sync part 2: ``package build``, ``serve``, ``report-file`` and (issue #15) ``outbox``
(registered from province/cli.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.platform.arguments import command, group
from desktop.platform.console import emit
from province.queue_limits import MAX_QUEUED


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ps = group(sub, "package", "gói dữ liệu tham chiếu gửi xuống các xã")
    b = command(ps, "build", run_package_build,
                "tạo gói mới (phiên bản tăng dần, có chữ ký của tỉnh)", json=True)
    b.add_argument("--catalog", required=True, help="danh mục TTHC (.xlsx/.csv, cùng mẫu với 'catalog import')")
    b.add_argument("--holidays", required=True, help="JSON: [{\"date\": \"2026-12-31\", \"working\": false, \"reason\": …}]")
    b.add_argument("--targets", required=True, help='JSON chỉ tiêu: {"report_targets": {...}, "targets_feedback": {...}} (như report targets --set-file)')
    b.add_argument("--units", help="JSON: [{\"code\", \"name\", \"level\", \"parent_code\"}]")
    b.add_argument("--surveys", help="thư mục các phiếu khảo sát *.json")
    b.add_argument("--revoked", help="JSON: danh sách mã máy bị thu hồi")
    b.add_argument("--forms", help="thư mục chế độ biểu mẫu: <mã chế độ>/regime.json và <loại>.json (tùy chọn)")
    b.add_argument("--indicators", help="bộ chỉ số của tỉnh, cùng dạng resources/indicators/catalogue.json (tùy chọn)")
    b.add_argument("--min-app-version", help="phiên bản phần mềm tối thiểu ở xã (mặc định: phiên bản hiện tại)")
    b.add_argument("--rotate-keys", help="tạo cặp khóa mới của tỉnh, dùng từ ngày này (YYYY-MM-DD)")
    b.add_argument("--out", required=True, help="tệp gói cần ghi (.mcp), ví dụ trên USB")

    r = command(sub, "report-file", run_report_file,
                "báo cáo định kỳ ra tệp: một đơn vị, all hoặc by-unit; json/xlsx/pdf")
    r.add_argument("--unit", required=True, help="mã đơn vị, 'all' (toàn tỉnh) hoặc 'by-unit' (từng đơn vị: JSON, hoặc xlsx/pdf một dòng mỗi đơn vị)")
    r.add_argument("--period", required=True)
    r.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
    r.add_argument("--out", required=True)

    o = command(sub, "outbox", run_outbox,
                "ghi tệp hộp thư (hồ sơ chuyển đến, kết quả chuyển về) của một xã", json=True)
    o.add_argument("--unit", required=True, help="mã đơn vị (5 chữ số)")
    o.add_argument("--out", required=True, help="thư mục ghi tệp, ví dụ USB cùng chỗ với biên nhận")

    s = command(sub, "serve", run_serve, "chạy máy chủ HTTP nhận gói dữ liệu của xã")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--max-body-mb", type=int, default=256,
                   help="kích thước tối đa một gói (MB; không vượt MOTCUA_HUB_MAX_BATCH_MB, mặc định 64)")
    s.add_argument("--workers", type=int, default=1,
                   help="số tiến trình phục vụ (chỉ với PostgreSQL; ví dụ bằng số nhân CPU)")
    s.add_argument("--tls-cert", help="tệp chứng chỉ PEM để chạy HTTPS (cùng --tls-key)")
    s.add_argument("--tls-key", help="tệp khóa bí mật PEM của chứng chỉ HTTPS")
    s.add_argument("--appliers", type=int,
                   help="số tiến trình áp dụng gói chạy kèm (mặc định: 2 với PostgreSQL, 1 với SQLite; 0: không chạy, "
                        "khi các tiến trình apply-worker chạy riêng)")

    s.add_argument("--max-queued-per-device", type=int, default=MAX_QUEUED,
                   help="số gói tối đa của một máy được chờ áp dụng; vượt quá thì máy xã được báo gửi lại sau "
                        f"(HTTP 429; mặc định {MAX_QUEUED})")

    a = command(sub, "apply-worker", run_apply_worker,
                "áp dụng các gói xã đã gửi và đang chờ (serve tự chạy; chạy riêng khi cần thêm)")
    a.add_argument("--once", action="store_true", help="áp dụng hết các gói đang chờ rồi dừng")


def run_package_build(args: argparse.Namespace) -> int:
    from province.cli import opened_hub
    from province.packages import build_content, build_package, parse_activation, rotate_keys

    content = build_content(catalog=Path(args.catalog), holidays=Path(args.holidays), targets=Path(args.targets),
                            units=Path(args.units) if args.units else None,
                            surveys=Path(args.surveys) if args.surveys else None,
                            revoked=Path(args.revoked) if args.revoked else None,
                            forms=Path(args.forms) if args.forms else None,
                            indicators=Path(args.indicators) if args.indicators else None)
    with opened_hub(args) as hub:
        if args.rotate_keys:
            rotate_keys(hub, activates_at=parse_activation(args.rotate_keys))
        out = build_package(hub, content, min_app_version=args.min_app_version, out=Path(args.out))
    return emit(args.json, out, f"Đã tạo gói dữ liệu phiên bản {out['version']}: {out['file']}")


def run_serve(args: argparse.Namespace) -> int:
    from province.keys import ask_passphrase_now
    from province.server import ServerConfig, serve

    ask_passphrase_now()

    serve(ServerConfig(db_url=args.db_url, data_dir=args.data_dir, max_body_bytes=args.max_body_mb * 1024 * 1024,
                       max_queued_per_device=max(1, args.max_queued_per_device)),
          host=args.host, port=args.port, workers=args.workers, tls_cert=args.tls_cert, tls_key=args.tls_key,
          appliers=args.appliers)
    return 0


def run_apply_worker(args: argparse.Namespace) -> int:
    """Issue 14: the imports of pushed batches, apart from the HTTP processes that acknowledge them."""
    from province import appliers
    from province.cli import opened_hub

    with opened_hub(args) as hub:
        applied = appliers.run(hub, once=args.once)
    if args.once:
        print(f"Đã áp dụng {applied} gói đang chờ.")
    return 0


def run_report_file(args: argparse.Namespace) -> int:
    from desktop.platform.atomic import write_atomic
    from province.cli import opened_hub
    from province.report_files import report_file

    with opened_hub(args) as hub:
        data = report_file(hub, unit=args.unit, period=args.period, fmt=args.format)
    write_atomic(Path(args.out), data, field="out")  # a missing folder is a Vietnamese line, not a traceback
    print(f"Đã ghi báo cáo vào {args.out}.")
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    """Issue #15: the unit's inbox file (its forwarded dossiers), signed and sealed to its devices."""
    from province.cli import opened_hub
    from province.outbox import write_outbox

    with opened_hub(args) as hub:
        out = write_outbox(hub, args.unit, Path(args.out))
    return emit(args.json, out,
                f"Đã ghi hộp thư của đơn vị {out['unit_code']} ({out['dossiers']} hồ sơ): {out['file']}")
