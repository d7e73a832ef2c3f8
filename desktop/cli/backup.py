"""``backup --out DIR`` and ``restore FILE``: the officer's copy of the data and the way back."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.app import CliApp
from desktop.platform.arguments import command


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = command(sub, "backup", run_backup,
                "sao lưu cơ sở dữ liệu (an toàn khi phần mềm đang chạy)", json=True)
    b.add_argument("--out", required=True, help="thư mục lưu bản sao lưu, ví dụ ổ USB")

    r = command(sub, "restore", run_restore,
                "khôi phục cơ sở dữ liệu từ một bản sao lưu (chỉ quản trị)", json=True)
    r.add_argument("file", help="tệp sao lưu motcua-....sqlite3")

    command(sub, "check", run_check,
            "kiểm tra tệp dữ liệu có bị hỏng không (PRAGMA integrity_check)", json=True)


def run_backup(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.backup import backup_now, parse_backup
    from desktop.platform.console import emit
    from desktop.services.permissions import Permission, require

    with app.reading() as session:  # opens (and migrates) the database; checks the role
        session.info["officer"] = app.officer
        require(session, Permission.BACKUP)
    path = backup_now(app.db_path, Path(args.out), "manual", second_dir="")
    info = parse_backup(path)
    return emit(args.json, info.to_json() if info else {"path": str(path)}, f"Đã sao lưu vào {path}")


def run_restore(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json
    from desktop.services.restore import restore

    app.close()  # no connection of ours may stay open on the file being replaced
    result = restore(app.db_path, Path(args.file), officer=app.officer)
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"Đã khôi phục dữ liệu từ {result.restored_from.name}.")
        if result.safety_backup:
            print(f"Dữ liệu trước khi khôi phục được giữ tại {result.safety_backup}")
        print("Đã bắt đầu kỳ đồng bộ mới; lần đồng bộ tới sẽ gửi lại dữ liệu lên tỉnh.")
    return 0


def run_check(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.db import health
    from desktop.errors import UserError
    from desktop.platform.console import emit_json

    result = health.check_database(app.db_path)
    if args.json:
        emit_json(result.to_json())
        return 0 if result.ok else 1
    if result.ok:
        print(f"Tệp dữ liệu {app.db_path} không có lỗi ({result.mode}).")
        return 0
    raise UserError(health.damaged_message(app.db_path, health.latest_good_backup(health.backup_dirs(app.db_path))),
                    code="db_corrupt")
