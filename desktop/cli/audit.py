"""``audit verify|list``: is the audit chain intact, and who changed what."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.platform.arguments import command, group


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "audit", "nhật ký kiểm tra: ai đã thay đổi gì")
    command(s, "verify", run_verify, "kiểm tra nhật ký có bị sửa ngoài phần mềm không", json=True)
    lst = command(s, "list", run_list, "các thay đổi gần nhất", json=True)
    lst.add_argument("--limit", type=int, default=50)


def _check_role(session, app: CliApp) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.permissions import Permission, require

    session.info["officer"] = app.officer
    require(session, Permission.AUDIT_VIEW)


def run_verify(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.db.audit import verify_chain
    from desktop.platform.console import emit_json

    with app.reading() as session:
        _check_role(session, app)
        result = verify_chain(session)
    if args.json:
        emit_json(result.to_json())
    elif result.ok:
        print(f"Nhật ký kiểm tra nguyên vẹn ({result.entries} dòng).")
        if result.anchored:
            print(f"Khớp với mốc tỉnh đã ký xác nhận: {result.anchored['count']} dòng "
                  f"(gói {result.anchored['batch_id']}, {result.anchored['hub_time']}).")
        for note in result.notes:
            print(note)
        if result.unaudited:
            print("Bản ghi có từ trước khi bật nhật ký hoặc nạp hàng loạt: "
                  + ", ".join(f"{t}: {n}" for t, n in sorted(result.unaudited.items())))
    else:
        print("CẢNH BÁO: dữ liệu đã bị thay đổi ngoài phần mềm.")
        for problem in result.problems:
            print(f"  - {problem}")
        for note in result.notes:
            print(note)
    return 0 if result.ok else 1


def run_list(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.db.audit import list_entries
    from desktop.platform.console import emit_json

    with app.reading() as session:
        _check_role(session, app)
        entries = list_entries(session, limit=args.limit)
    if args.json:
        emit_json(entries)
        return 0
    labels = {"insert": "thêm", "update": "sửa", "delete": "xóa"}
    for e in entries:
        print(f"{e['seq']:>6}  {e['at']}  {e['actor']:<12} {labels.get(e['op'], e['op']):<4} {e['table']} {e['record_id']}")
    return 0
