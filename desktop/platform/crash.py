"""Crash handling without a console: uncaught exceptions and fatal errors end up in a file.

``sys.excepthook`` (and ``threading.excepthook``) write a crash file in the data folder, log the
traceback, and call ``show_dialog`` (the Qt dialog from ``desktop.ui.dialogs.crash_dialog``) if given;
``faulthandler`` writes hard crashes (segfaults in Qt) to ``crash/fatal.log``. Crash files not yet
seen are offered at the next start. ``MOTCUA_NO_DIALOGS=1`` suppresses dialogs (CI, screenshots).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from desktop import __version__

from desktop.platform.atomic import write_atomic
from desktop.platform.logs import log_dir, mask_personal
from desktop.platform.paths import data_dir

log = logging.getLogger("desktop")
FATAL_LOG = "fatal.log"


@dataclass(frozen=True)
class CrashReport:
    path: Path
    details: str
    log_folder: Path


ShowDialog = Callable[[CrashReport], None]
_state: dict[str, object] = {}


def crash_dir(folder: Path | None = None) -> Path:
    path = Path(folder) if folder else data_dir() / "crash"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_crash_file(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                     folder: Path | None = None, thread: str | None = None) -> CrashReport:
    # Imported here, not at the top: platform, and clock with zoneinfo, cost ~10 ms of every start before the
    # log-in dialog (issue #18); a crash file is rare.
    import platform

    from desktop.platform import clock

    moment = clock.now()
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    header = (f"Một Cửa Offline {__version__}\nThời điểm: {clock.iso(moment)}\n"
              f"Hệ thống: {platform.platform()} / Python {platform.python_version()}\n"
              + (f"Luồng: {thread}\n" if thread else "") + "\n")
    details = mask_personal(header + body)
    target = crash_dir(folder) / f"crash-{moment:%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    write_atomic(target, details.encode("utf-8"))
    return CrashReport(target, details, log_dir())


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                     *, thread: str | None = None) -> CrashReport | None:
    """Record an uncaught exception; never raises (a failing crash handler would hide the crash)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return None
    try:
        report = write_crash_file(exc_type, exc, tb, _state.get("folder"), thread)  # type: ignore[arg-type]
        log.critical("uncaught exception, crash file %s", report.path.name, exc_info=(exc_type, exc, tb))
    except Exception:  # noqa: BLE001  last resort: the console, if there is one
        sys.__excepthook__(exc_type, exc, tb)
        return None
    show = _state.get("show_dialog")
    if show is not None:
        try:
            show(report)  # type: ignore[operator]
        except Exception:  # noqa: BLE001
            log.exception("không hiện được hộp báo lỗi")
    return report


def install_crash_handlers(show_dialog: ShowDialog | None = None, *, folder: Path | None = None) -> Path:
    """Install the hooks; returns the crash folder. Call once at start-up, after logging is set up."""
    if os.environ.get("MOTCUA_NO_DIALOGS"):
        show_dialog = None
    target = crash_dir(folder)
    _state.update(folder=target, show_dialog=show_dialog)
    sys.excepthook = lambda t, e, tb: handle_exception(t, e, tb)
    threading.excepthook = lambda args: handle_exception(  # type: ignore[assignment]
        args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback,
        thread=args.thread.name if args.thread else None)
    old = _state.pop("fatal_file", None)
    if old is not None:
        old.close()  # type: ignore[attr-defined]
    _keep_last_fatal(target)
    fatal: IO[str] = open(target / FATAL_LOG, "a", encoding="utf-8")  # noqa: SIM115  kept open for faulthandler
    _state["fatal_file"] = fatal
    faulthandler.enable(file=fatal, all_threads=True)
    return target


def _keep_last_fatal(folder: Path) -> None:
    """A hard crash of the last run left text in fatal.log: turn it into a crash file to show now."""
    fatal = folder / FATAL_LOG
    if fatal.is_file() and fatal.stat().st_size > 0:
        from desktop.platform import clock  # see write_crash_file

        text = fatal.read_text(encoding="utf-8", errors="replace")
        target = folder / f"crash-{clock.now():%Y%m%d-%H%M%S}-fatal.txt"
        target.write_text(f"Một Cửa Offline {__version__}\nLỗi nghiêm trọng ở lần chạy trước:\n\n"
                          + mask_personal(text), encoding="utf-8")
        fatal.unlink()


def uninstall_crash_handlers() -> None:
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    if faulthandler.is_enabled():
        faulthandler.disable()
    fatal = _state.pop("fatal_file", None)
    if fatal is not None:
        fatal.close()  # type: ignore[attr-defined]
    _state.pop("show_dialog", None)


def pending_reports(folder: Path | None = None) -> list[CrashReport]:
    """Crash files from earlier runs the officer has not seen yet (shown at the next start)."""
    target = crash_dir(folder)
    if _state.get("fatal_file") is None:
        _keep_last_fatal(target)
    return [CrashReport(p, p.read_text(encoding="utf-8", errors="replace"), log_dir())
            for p in sorted(target.glob("crash-*.txt")) if not p.name.endswith(".seen.txt")]


def mark_seen(report: CrashReport) -> None:
    """The officer has seen it: keep it for support, but do not show it again."""
    if report.path.exists():
        report.path.rename(report.path.with_name(report.path.stem + ".seen.txt"))
