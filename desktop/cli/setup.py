"""``init``: set up this desk's unit, sequence range and the starter catalogue."""

from __future__ import annotations

import argparse

from desktop.cli.app import CliApp
from desktop.platform.arguments import command
from desktop.rules.unit_levels import level_codes
from desktop.services import catalog, desk


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = command(sub, "init", run_init, "khởi tạo đơn vị cho máy này", json=True)
    p.add_argument("--unit-code", required=True, help="mã đơn vị hành chính (5 chữ số cấp xã)")
    p.add_argument("--unit-name", required=True, help="tên đơn vị, ví dụ 'UBND xã Tân Lập'")
    p.add_argument("--agency-id", help="mã định danh điện tử của cơ quan (QCVN 102), mặc định = mã đơn vị")
    p.add_argument("--level", default="xa", choices=level_codes())
    p.add_argument("--seq-range", default="1-9999", help="dải số thứ tự hồ sơ của máy này, ví dụ 5000-9999")
    p.add_argument("--parent-code", help="mã đơn vị cấp trên")
    p.add_argument("--no-catalog", action="store_true", help="không nạp danh mục TTHC mẫu")


def run_init(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit

    seq_range = desk.parse_seq_range(args.seq_range)
    with app.transaction() as session:
        unit = desk.initialise_desk(
            session, unit_code=args.unit_code, unit_name=args.unit_name, agency_id=args.agency_id,
            level=args.level, seq_range=seq_range, parent_code=args.parent_code,
        )
        imported = None
        if not args.no_catalog and not catalog.list_procedures(session):
            imported = catalog.import_starter(session)
        out = {"unit": {"code": unit.code, "name": unit.name, "agency_id": unit.agency_id, "level": unit.level},
               "seq_range": list(seq_range), "db": str(app.db_path),
               "catalog_created": imported.created if imported else 0}
    return emit(args.json, out, f"Đã khởi tạo đơn vị {out['unit']['name']} ({out['unit']['code']}), "
                                f"dải số {seq_range[0]:04d}–{seq_range[1]:04d}, cơ sở dữ liệu: {app.db_path}")
