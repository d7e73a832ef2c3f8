"""Shared fixtures: a migrated template database copied per test, a pinned clock, the CLI runner."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The province's private keys are always encrypted; tests (and the hub processes they start) use this one.
os.environ.setdefault("MOTCUA_HUB_KEY_PASSPHRASE", "mat-khau-khoa-thu-nghiem")

import pytest

from desktop.platform import clock
from desktop.db.session import Database, open_database
from desktop.services import catalog, desk
from tests.gui_thread_guard import GuiThreadGuard

UNIT = {"unit_code": "10375", "unit_name": "UBND xã Tân Lập", "agency_id": "000.00.23.H49"}
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=clock.VN_TZ)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data folder and a clock pinned to a known Friday afternoon."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    clock.set_now(NOW)
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def gui_thread_guard() -> Iterator[GuiThreadGuard]:
    """Every widget test fails if a view opened a database connection outside the task runner."""
    guard = GuiThreadGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.remove()
    if guard.violations:
        pytest.fail("desktop/ui opened the database on the GUI thread, outside the task runner:\n"
                    + "\n".join(sorted(set(guard.violations))))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated, initialised and catalogued once per run; each test copies it (Anki's trick)."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    saved = os.environ.get("MOTCUA_DATA_DIR")
    os.environ["MOTCUA_DATA_DIR"] = str(folder / "data")  # its audit key lands here; copied per test below
    try:
        db = open_database(path)
        with db.transaction(officer="setup") as session:
            desk.initialise_desk(session, **UNIT)
            catalog.import_starter(session)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
    finally:
        if saved is None:
            os.environ.pop("MOTCUA_DATA_DIR", None)
        else:
            os.environ["MOTCUA_DATA_DIR"] = saved
    return path


def copy_template_keys(template_db: Path, data_dir: Path) -> None:
    """The template's audit key (outside the database, like on a real desk) goes with every copy."""
    shutil.copytree(template_db.parent / "data" / "keys", data_dir / "keys", dirs_exist_ok=True)


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk.sqlite3"
    shutil.copyfile(template_db, target)
    copy_template_keys(template_db, Path(os.environ["MOTCUA_DATA_DIR"]))
    return target


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.dispose()


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``python -m desktop --db <copy> ...`` in-process and capture its output."""
    from desktop.cli import main

    def run(*args: str, db: Path | None = None) -> CliResult:
        capsys.readouterr()
        try:
            code = main(["--db", str(db or db_path), *args])
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
