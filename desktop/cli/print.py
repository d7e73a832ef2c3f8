"""``print receipt|supplement|refusal|apology|stop|control CODE --out F.pdf [--paper A4|A5]`` and
``print ledger --from DATE --to DATE [--out F.pdf] [--xlsx F.xlsx]``: every form without a display."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.errors import UserError
from desktop.platform.arguments import command, group
from desktop.rules.validation import parse_date, parse_moment

FORM_HELP = {
    "receipt": "giấy tiếp nhận hồ sơ và hẹn trả kết quả (2 liên)",
    "supplement": "phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "thông báo dừng giải quyết hồ sơ",
    "control": "phiếu kiểm soát quá trình giải quyết hồ sơ",
    "transfer": "phiếu chuyển hồ sơ đến cơ quan giải quyết (hồ sơ tiếp nhận hộ)",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "print", "in biểu mẫu ra tệp PDF (và sổ theo dõi ra Excel)", metavar="BIỂU_MẪU")
    for kind, helptext in FORM_HELP.items():
        cmd = s.add_parser(kind, help=helptext)
        cmd.add_argument("code")
        cmd.add_argument("--out", required=True, help="tệp PDF cần ghi")
        cmd.add_argument("--paper", default="A4", help="khổ giấy A4 (mặc định) hoặc A5")
        if kind in ("stop", "refusal"):
            cmd.add_argument("--reason", help="lý do (mặc định: lý do đã ghi nhận trong hồ sơ)")
        if kind == "stop":
            cmd.add_argument("--at", help="ngày dừng giải quyết, ISO 8601 (mặc định: ngày rút hồ sơ hoặc hôm nay)")
        cmd.set_defaults(handler=run_form, kind=kind)
    led = command(s, "ledger", run_ledger, "sổ theo dõi hồ sơ (PDF khổ A4 ngang và/hoặc Excel)")
    led.add_argument("--from", dest="date_from", required=True, help="từ ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")
    led.add_argument("--to", dest="date_to", required=True, help="đến ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")
    led.add_argument("--out", help="tệp PDF cần ghi")
    led.add_argument("--xlsx", help="tệp Excel (.xlsx) cần ghi")


def run_form(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.forms import KIND_LABELS, render_form_bytes
    from desktop.platform.atomic import write_atomic

    options: dict[str, object] = {}
    if getattr(args, "reason", None):
        options["reason"] = args.reason
    if getattr(args, "at", None):
        options["at"] = parse_moment(args.at)
    with app.reading() as session:
        payload, pages = render_form_bytes(session, args.kind, args.code, args.paper, **options)
    path = write_atomic(args.out, payload, field="out")
    print(f"Đã in {KIND_LABELS[args.kind]} của hồ sơ {args.code.strip()} ra tệp {path} ({pages} trang).")
    return 0


def run_ledger(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.forms import export_ledger_xlsx, render_ledger

    if not args.out and not args.xlsx:
        raise UserError("Cần ít nhất một tệp kết quả: --out TỆP.pdf hoặc --xlsx TỆP.xlsx.", field="out")
    date_from = parse_date(args.date_from, "from")
    date_to = parse_date(args.date_to, "to")
    with app.reading() as session:
        if args.out:
            path = render_ledger(session, date_from, date_to, args.out)
            print(f"Đã in sổ theo dõi hồ sơ ra tệp {path}.")
        if args.xlsx:
            path = export_ledger_xlsx(session, date_from, date_to, args.xlsx)
            print(f"Đã xuất sổ theo dõi hồ sơ ra tệp Excel {path}.")
    return 0
