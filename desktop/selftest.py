"""``--self-test``: prove an installed copy works end to end, in a throw-away folder.

Used by the Windows build workflow and ``scripts/build_bundle.sh`` on the frozen program, and by
support on a desk PC. Touches nothing of the officer's data: the data folder is pointed at a temporary
directory for the duration.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop import __version__


def _resources() -> str:
    from desktop.db.session import MIGRATIONS_DIR
    from desktop.paths import resources_dir

    root = resources_dir()
    needed = [root / "fonts" / "LiberationSerif-Regular.ttf", root / "fonts" / "LICENSE-Liberation.txt",
              root / "catalog" / "starter.csv", MIGRATIONS_DIR / "env.py"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise RuntimeError(f"missing files: {', '.join(missing)}")
    return str(root)


def _receipt_pdf(db, code: str, folder: Path) -> str:  # type: ignore[no-untyped-def]
    """The receipt (giấy tiếp nhận và hẹn trả kết quả) through the forms module, written to a file."""
    from desktop.forms import render_form  # type: ignore[import-not-found]

    with db.reading() as session:
        target = render_form(session, "receipt", code, folder / "receipt.pdf")
    data = Path(target).read_bytes()
    if not data.startswith(b"%PDF") or len(data) < 2000:
        raise RuntimeError("receipt PDF is empty")
    return f"{len(data)} bytes"


def run_self_test(out: Callable[[str], None] = print) -> int:
    """Each step prints a line; returns 0 and prints OK only if every required step passed."""
    started = time.monotonic()
    saved_env = os.environ.get("MOTCUA_DATA_DIR")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="motcua-selftest-") as tmp:
        folder = Path(tmp)
        os.environ["MOTCUA_DATA_DIR"] = str(folder / "data")
        state: dict[str, object] = {}

        def step(name: str, action: Callable[[], str], *, required: bool = True) -> None:
            nonlocal failures
            try:
                out(f"[ok]   {name}: {action()}")
            except Exception as exc:  # noqa: BLE001  every failure is reported, then the exit code says it
                failures += required
                out(f"[{'FAIL' if required else 'warn'}] {name}: {type(exc).__name__}: {exc}")

        def open_db() -> str:
            from desktop.db.session import current_revisions, open_database

            state["db"] = db = open_database(folder / "selftest.sqlite3")
            return "schema " + ",".join(sorted(current_revisions(db.engine)))

        def initialise() -> str:
            from desktop.services import catalog, desk

            with state["db"].transaction() as session:  # type: ignore[attr-defined]
                desk.initialise_desk(session, unit_code="10375", unit_name="UBND xã Tân Lập",
                                     agency_id="000.00.23.H49")
                return f"{catalog.import_starter(session).created} procedures"

        def receive() -> str:
            from desktop.services import catalog, dossiers

            with state["db"].transaction() as session:  # type: ignore[attr-defined]
                procedure = catalog.list_procedures(session, active_only=True)[0].code
                dossier = dossiers.receive(session, dossiers.Reception(
                    procedure_code=procedure, applicant=dossiers.Applicant(name="Nguyễn Văn Thử")))
                state["code"] = dossier.code
                return f"{dossier.code}, due {dossier.due_at:%d/%m/%Y %H:%M}"

        def backup() -> str:
            from desktop.backup import backup_now, integrity_errors

            path = backup_now(folder / "selftest.sqlite3", folder / "backups", "manual")
            if integrity_errors(path):
                raise RuntimeError("backup failed integrity_check")
            return path.name

        def audit() -> str:
            from desktop.db.audit import verify_chain

            with state["db"].reading() as session:  # type: ignore[attr-defined]
                result = verify_chain(session)
            if not result.ok:
                raise RuntimeError("; ".join(result.problems))
            return f"{result.entries} entries chained"

        def receipt() -> str:
            if importlib.util.find_spec("desktop.forms") is None:
                return "skipped: desktop.forms is not in this build"
            return _receipt_pdf(state["db"], str(state["code"]), folder)

        def qt() -> str:
            from desktop.ui.selfcheck import check_qt

            return f"font {check_qt()}"

        out(f"Một Cửa Offline {__version__} self-test ({'frozen' if getattr(sys, 'frozen', False) else 'source'})")
        step("resources", _resources)
        step("database + migrations", open_db)
        if "db" in state:
            step("initialise unit + catalogue", initialise)
            step("receive dossier", receive)
            step("backup", backup)
            step("audit chain", audit)
            if "code" in state:
                step("receipt PDF", receipt)
            state["db"].dispose()  # type: ignore[attr-defined]
        step("Qt offscreen + bundled font", qt)
    if saved_env is None:
        os.environ.pop("MOTCUA_DATA_DIR", None)
    else:
        os.environ["MOTCUA_DATA_DIR"] = saved_env
    out(f"{'OK' if not failures else 'FAILED'} ({time.monotonic() - started:.1f} s)")
    return 0 if not failures else 1
