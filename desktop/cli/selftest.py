"""``self-test`` (also the global ``--self-test`` flag): prove an installed copy works end to end, in a
throw-away folder.

Used by the Windows build workflow and ``scripts/build_bundle.sh`` on the frozen program, and by
support on a desk PC. Touches nothing of the officer's data: the data folder is pointed at a temporary
directory for the duration.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop import __version__
from desktop.cli.app import CliApp
from desktop.formatting import decimal, dmy_hm, number
from desktop.platform.arguments import command


def _resources() -> str:
    from desktop.db.session import MIGRATIONS_DIR
    from desktop.platform.paths import resources_dir

    root = resources_dir()
    needed = [root / "fonts" / "LiberationSerif-Regular.ttf", root / "fonts" / "LICENSE-Liberation.txt",
              root / "catalog" / "starter.csv", MIGRATIONS_DIR / "env.py"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise RuntimeError(f"thiếu tệp: {', '.join(missing)}")
    return str(root)


def _receipt_pdf(db, code: str, folder: Path) -> str:  # type: ignore[no-untyped-def]
    """The receipt (giấy tiếp nhận và hẹn trả kết quả) through the forms module, written to a file."""
    from desktop.forms import render_form  # type: ignore[import-not-found]

    with db.reading() as session:
        target = render_form(session, "receipt", code, folder / "receipt.pdf")
    data = Path(target).read_bytes()
    if not data.startswith(b"%PDF") or len(data) < 2000:
        raise RuntimeError("tệp PDF giấy tiếp nhận rỗng")
    return f"{number(len(data))} byte"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command(sub, "self-test", run, "tự kiểm tra phần mềm trong một thư mục tạm (không đụng dữ liệu thật)")


def run(args: argparse.Namespace, app: CliApp) -> int:
    return run_self_test()


class _Run:
    """One self-test in one temporary folder: each step is a method returning its one-line outcome."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = None  # type: ignore[var-annotated]
        self.code: str | None = None

    def open_db(self) -> str:
        from desktop.db.session import current_revisions, open_database

        self.db = open_database(self.folder / "selftest.sqlite3")
        return "lược đồ " + ",".join(sorted(current_revisions(self.db.engine)))

    def initialise(self) -> str:
        from desktop.demo import DEMO_UNIT
        from desktop.services import catalog, desk

        with self.db.transaction() as session:  # type: ignore[attr-defined]
            desk.initialise_desk(session, **DEMO_UNIT)
            return f"{catalog.import_starter(session).created} thủ tục"

    def receive(self) -> str:
        from desktop.services import catalog, dossiers

        with self.db.transaction() as session:  # type: ignore[attr-defined]
            procedure = catalog.list_procedures(session, active_only=True)[0].code
            dossier = dossiers.receive(session, dossiers.Reception(
                procedure_code=procedure, applicant=dossiers.Applicant(name="Nguyễn Văn Thử")))
            self.code = dossier.code
            return f"{dossier.code}, hẹn trả {dmy_hm(dossier.due_at)}"

    def backup(self) -> str:
        from desktop.platform.backup import backup_now, integrity_errors

        path = backup_now(self.folder / "selftest.sqlite3", self.folder / "backups", "manual")
        if integrity_errors(path):
            raise RuntimeError("bản sao lưu không qua kiểm tra toàn vẹn")
        return path.name

    def audit(self) -> str:
        from desktop.db.audit import verify_chain

        with self.db.reading() as session:  # type: ignore[attr-defined]
            result = verify_chain(session)
        if not result.ok:
            raise RuntimeError("; ".join(result.problems))
        return f"{number(result.entries)} dòng nhật ký nối chuỗi đúng"

    def receipt(self) -> str:
        if importlib.util.find_spec("desktop.forms") is None:
            return "bỏ qua: bản cài này không có desktop.forms"
        return _receipt_pdf(self.db, str(self.code), self.folder)

    @staticmethod
    def qt() -> str:
        from desktop.ui.selfcheck import check_qt

        return f"phông chữ {check_qt()}"


def run_self_test(out: Callable[[str], None] = print) -> int:
    """Each step prints a line; returns 0 and prints OK only if every required step passed."""
    started = time.monotonic()
    saved_env = os.environ.get("MOTCUA_DATA_DIR")
    failures = 0

    def step(name: str, action: Callable[[], str]) -> None:
        nonlocal failures
        try:
            out(f"[đạt]  {name}: {action()}")
        except Exception as exc:  # noqa: BLE001  every failure is reported, then the exit code says it
            failures += 1
            out(f"[LỖI]  {name}: {type(exc).__name__}: {exc}")

    with tempfile.TemporaryDirectory(prefix="motcua-selftest-") as tmp:
        os.environ["MOTCUA_DATA_DIR"] = str(Path(tmp) / "data")
        run = _Run(Path(tmp))
        out(f"Một Cửa Offline {__version__} — tự kiểm tra ({'bản cài đặt' if getattr(sys, 'frozen', False) else 'mã nguồn'})")
        step("tài nguyên", _resources)
        step("cơ sở dữ liệu + nâng cấp", run.open_db)
        if run.db is not None:
            for name, action in (("khởi tạo đơn vị + danh mục", run.initialise), ("tiếp nhận hồ sơ", run.receive),
                                 ("sao lưu", run.backup), ("chuỗi nhật ký", run.audit)):
                step(name, action)
            if run.code is not None:
                step("giấy tiếp nhận PDF", run.receipt)
            run.db.dispose()
        step("Qt + phông chữ đi kèm", run.qt)
    if saved_env is None:
        os.environ.pop("MOTCUA_DATA_DIR", None)
    else:
        os.environ["MOTCUA_DATA_DIR"] = saved_env
    out(f"{'ĐẠT' if not failures else 'LỖI'} ({decimal(time.monotonic() - started)} giây)")
    return 0 if not failures else 1
