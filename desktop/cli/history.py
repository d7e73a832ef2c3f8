"""``history import FILE [--sheet S] [--mapping M.json] [--save-mapping M.json] [--accept-fuzzy] [--dry-run] [--json]``.

Running without ``--dry-run`` is the confirmation: the whole file is imported in one transaction,
or nothing is. Fuzzy procedure names are never used unconfirmed: ``--accept-fuzzy`` confirms every
one listed by the preview, or a ``"procedures"`` entry in the mapping file confirms one.
"""

from __future__ import annotations

import argparse
import sys

from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.texts import LABELS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "history", "nhập sổ theo dõi hồ sơ đã có (Excel/CSV)",
              dest="history_command", metavar=LABELS["command_metavar"])
    imp = command(s, "import", run_import,
                  "nhập hồ sơ từ sổ theo dõi (.xlsx hoặc .csv); chỉ quản trị", json=True)
    imp.add_argument("file", help="tệp sổ theo dõi .xlsx hoặc .csv")
    imp.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
    imp.add_argument("--mapping", help="tệp ánh xạ JSON (cột → trường, tên thủ tục → mã) đã sửa")
    imp.add_argument("--save-mapping", metavar="MAP.json",
                     help="ghi ánh xạ cột đã nhận ra (và các tên thủ tục gần giống) để sửa và dùng lần sau")
    imp.add_argument("--accept-fuzzy", action="store_true",
                     help="chấp nhận mọi tên thủ tục gần giống đã liệt kê trong bản xem trước")
    imp.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")


def run_import(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.history.columns import FIELD_LABELS, Mapping, load_mapping, save_mapping
    from desktop.history.ledger_import import apply_import, plan_import
    from desktop.history.plan import Options
    from desktop.platform.console import emit_json

    mapping = load_mapping(args.mapping) if args.mapping else Mapping()
    options = Options(sheet=args.sheet, mapping=mapping, accept_fuzzy=args.accept_fuzzy)
    if args.dry_run:
        with app.reading() as session:
            session.info["officer"] = app.officer or "cli"
            plan = plan_import(session, args.file, options)
    else:
        with app.transaction() as session:
            plan = apply_import(session, args.file, options)
    if args.save_mapping:
        saved = Mapping(columns=dict(plan.columns.columns), header_rows=plan.columns.header_rows,
                        procedures={**{f.name: f.procedure_code for f in plan.fuzzy.values()},
                                    **{name: code for name, code in mapping.procedures.items()}})
        save_mapping(args.save_mapping, saved)
    summary = plan.summary()
    if args.json:
        emit_json(summary)
        return 0
    out = sys.stdout
    out.write(f"Tệp {plan.source_file}, trang tính «{plan.sheet}», tiêu đề ở dòng "
              f"{plan.columns.header_rows[0]}–{plan.columns.header_rows[1]}.\n")
    for letter, key in summary["columns"].items():
        out.write(f"  cột {letter}: {FIELD_LABELS.get(key, 'bỏ qua')}\n")
    verb = "Đã nhập" if plan.written else "Sẽ nhập"
    out.write(f"{verb}: {summary['imported']} hồ sơ; bỏ qua vì trùng: {summary['skipped_duplicates']}; "
              f"từ chối: {len(plan.refused)}.\n")
    for status, count in sorted(summary["statuses"].items()):
        out.write(f"  {STATUS_LABELS.get(Status(status), status)}: {count}\n")
    if plan.fuzzy:
        out.write("Tên thủ tục gần giống (cần xác nhận bằng --accept-fuzzy hoặc mục \"procedures\" của tệp ánh xạ):\n")
        for f in plan.fuzzy.values():
            mark = "đã chấp nhận" if f.accepted else "CHƯA xác nhận"
            out.write(f"  «{f.name}» → {f.procedure_code} {f.procedure_name} ({f.score:.0%}, dòng "
                      f"{', '.join(map(str, f.rows[:10]))}{'…' if len(f.rows) > 10 else ''}) — {mark}\n")
    for row, reason in plan.duplicates:
        out.write(f"  Dòng {row}: bỏ qua — {reason}\n")
    for row, reason in plan.refused:
        out.write(f"  Dòng {row}: từ chối — {reason}\n")
    if not plan.written:
        out.write("Chưa ghi gì (--dry-run). Chạy lại không có --dry-run để nhập.\n")
    return 0
