"""Logs: by area, version first, personal data masked. Crash hook: a crash file, shown next start."""

from __future__ import annotations

import logging
import sys

import pytest

from desktop import __version__

from desktop.platform import crash, logs
from desktop.platform.logs import mask_personal


@pytest.fixture
def log_folder(tmp_path):  # type: ignore[no-untyped-def]
    folder = logs.setup_logging(tmp_path / "logs")
    yield folder
    logs.shutdown_logging()


@pytest.mark.parametrize("raw, masked", [
    ("CCCD 001203004005 nộp hồ sơ", "CCCD [ID] nộp hồ sơ"),
    ("gọi 0912345678 hoặc 0912 345 678 hoặc +84912345678", "gọi [PHONE] hoặc [PHONE] hoặc [PHONE]"),
    ("máy bàn 02433334444", "máy bàn [PHONE]"),
    ("thư an.nguyen@example.vn", "thư [EMAIL]"),
    ("hồ sơ 000.00.23.H49-261120-0001 hẹn 20/11/2026 16:00, phí 1.000.000 đ",
     "hồ sơ 000.00.23.H49-261120-0001 hẹn 20/11/2026 16:00, phí 1.000.000 đ"),
])
def test_mask_personal(raw: str, masked: str) -> None:
    assert mask_personal(raw) == masked


def test_area_files_version_line_and_masking(log_folder) -> None:  # type: ignore[no-untyped-def]
    logging.getLogger("desktop.db").info("dossier %s for %s", "10375-261120-0001", "001203004005")
    logging.getLogger("desktop.sync").warning("hub rejected batch, phone 0987654321")
    try:
        raise ValueError("bad id 001203004005")
    except ValueError:
        logging.getLogger("desktop.ui").exception("handler failed")
    for handler in logging.getLogger("desktop").handlers + logging.getLogger("desktop.db").handlers:
        handler.flush()
    db_log = (log_folder / "db.log").read_text(encoding="utf-8")
    all_log = (log_folder / "motcua.log").read_text(encoding="utf-8")
    ui_log = (log_folder / "ui.log").read_text(encoding="utf-8")
    assert db_log.splitlines()[0].startswith(f"# Một Cửa Offline {__version__}")
    assert "10375-261120-0001 for [ID]" in db_log and "001203004005" not in db_log
    assert "[PHONE]" in (log_folder / "sync.log").read_text(encoding="utf-8")
    assert "ValueError: bad id [ID]" in ui_log and "001203004005" not in all_log
    assert "desktop.sync" in all_log and "desktop.db" in all_log
    assert not (log_folder / "reports.log").read_text(encoding="utf-8").count("\n") > 1


def test_rotation_keeps_the_version_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = logs.setup_logging(tmp_path / "logs", max_bytes=2000, backups=2)
    try:
        for i in range(100):
            logging.getLogger("desktop.reports").info("report row %d %s", i, "x" * 40)
    finally:
        logs.shutdown_logging()
    files = sorted(folder.glob("reports.log*"))
    assert len(files) == 3
    assert all(f.read_text(encoding="utf-8").startswith("# Một Cửa Offline") for f in files)


def test_uncaught_exception_writes_a_crash_file_and_calls_the_dialog(log_folder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shown: list[crash.CrashReport] = []
    folder = crash.install_crash_handlers(shown.append, folder=tmp_path / "crash")
    try:
        try:
            raise RuntimeError("lỗi thử với số 0912345678")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # what Python calls for an uncaught exception
    finally:
        crash.uninstall_crash_handlers()
    [report] = shown
    assert report.path.parent == folder and report.log_folder == log_folder
    text = report.path.read_text(encoding="utf-8")
    assert f"Một Cửa Offline {__version__}" in text and "RuntimeError: lỗi thử với số [PHONE]" in text
    assert "uncaught exception" in (log_folder / "motcua.log").read_text(encoding="utf-8")
    assert [r.path for r in crash.pending_reports(folder)] == [report.path]  # shown again at next start…
    crash.mark_seen(report)
    assert crash.pending_reports(folder) == []  # …until marked as seen


def test_hard_crash_text_from_faulthandler_is_offered_next_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "crash"
    folder.mkdir()
    (folder / crash.FATAL_LOG).write_text("Fatal Python error: Segmentation fault\n")
    [report] = crash.pending_reports(folder)
    assert "Segmentation fault" in report.details and report.path.name.startswith("crash-")
    assert not (folder / crash.FATAL_LOG).exists()


def test_no_dialogs_switch(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOTCUA_NO_DIALOGS", "1")
    shown: list[object] = []
    crash.install_crash_handlers(shown.append, folder=tmp_path / "crash")
    try:
        try:
            raise KeyError("x")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    finally:
        crash.uninstall_crash_handlers()
    assert shown == [] and len(crash.pending_reports(tmp_path / "crash")) == 1
