"""Logging by area to rotating files in the data folder, with personal data masked.

Each area (``desktop.db``, ``desktop.sync``, ``desktop.ui``, ``desktop.reports``) has its own file so
a support call can ask for just one; ``motcua.log`` has everything. Every file starts with the app
version. Dossier codes are logged, never citizens' data; the filter below masks ID numbers, phone
numbers and e-mail addresses that slip into a message or a traceback anyway.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from desktop import __version__
from desktop.platform.paths import data_dir, private_dir, private_file

AREAS = ("desktop.db", "desktop.sync", "desktop.ui", "desktop.reports")
ALL_FILE = "motcua.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .-]?\d){9,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal(text: str) -> str:
    """12-digit ID numbers (CCCD), Vietnamese phone numbers and e-mail addresses replaced by tokens."""
    text = _ID_NUMBER.sub("[ID]", text)
    text = _PHONE.sub("[PHONE]", text)
    return _EMAIL.sub("[EMAIL]", text)


class PersonalDataFilter(logging.Filter):
    """Masks the formatted message and the traceback text of every record passing a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        return True


class VersionedFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose first line names the app version (after every rotation too)."""

    def _open(self):  # type: ignore[no-untyped-def]
        private_file(Path(self.baseFilename))  # logs may quote a dossier code: the owner's only
        stream = super()._open()
        if stream.tell() == 0:
            stream.write(f"# Một Cửa Offline {__version__} — Python {sys.version.split()[0]} — {sys.platform}\n")
            stream.flush()
        return stream


_configured: dict[str, Path] = {}


def log_dir(folder: Path | None = None) -> Path:
    """The log folder: the one set up by :func:`setup_logging`, else ``<data>/logs``."""
    path = Path(folder) if folder else _configured.get("folder") or data_dir() / "logs"
    return private_dir(path)


def _handler(path: Path, max_bytes: int, backups: int) -> logging.Handler:
    handler = VersionedFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PersonalDataFilter())
    handler._motcua = True  # type: ignore[attr-defined]
    return handler


def setup_logging(folder: Path | None = None, *, level: int = logging.INFO, max_bytes: int = 1_000_000,
                  backups: int = 5) -> Path:
    """Attach the file handlers (idempotent: a second call replaces the first). Returns the log folder."""
    target = log_dir(folder)
    _configured["folder"] = target
    for name in ("desktop", *AREAS):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "_motcua", False)]:
            logger.removeHandler(old)
            old.close()
    root = logging.getLogger("desktop")
    root.setLevel(level)
    root.addHandler(_handler(target / ALL_FILE, max_bytes, backups))
    for area in AREAS:
        logging.getLogger(area).addHandler(_handler(target / f"{area.split('.', 1)[1]}.log", max_bytes, backups))
    root.info("Một Cửa Offline %s started", __version__)
    return target


def shutdown_logging() -> None:
    _configured.clear()
    for name in ("desktop", *AREAS):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "_motcua", False)]:
            logger.removeHandler(old)
            old.close()
