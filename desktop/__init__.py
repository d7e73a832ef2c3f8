"""Một Cửa Offline — the desk application. Everything outside ``desktop.ui`` is Qt-free."""

from __future__ import annotations

from pathlib import Path as _Path


def _read_version() -> str:
    """One version, in pyproject.toml; read it from the checkout first so a dev tree never lies."""
    pyproject = _Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            if line.startswith("version ="):
                return line.split("=", 1)[1].strip().strip('"')
    from importlib import metadata  # only here: importing it costs ~35 ms of every start

    try:
        return metadata.version("mot-cua-offline")
    except metadata.PackageNotFoundError:  # frozen bundle without metadata
        return "0.0.0"


__version__ = _read_version()
