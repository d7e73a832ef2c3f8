"""The console both command lines print to: UTF-8 on every Windows code page, JSON with Vietnamese as is."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit(as_json: bool, data: Any, text: str) -> int:
    """A command's answer: ``data`` as JSON with ``--json``, else the Vietnamese sentence ``text``; exit 0."""
    if as_json:
        emit_json(data)
    else:
        print(text)
    return 0


def emit_rows(as_json: bool, rows: Sequence[Any], line: Callable[[Any], str]) -> int:
    """A listing: every row's ``to_json()`` with ``--json``, else one printed ``line(row)`` a row; exit 0."""
    if as_json:
        emit_json([row.to_json() for row in rows])
    else:
        for row in rows:
            print(line(row))
    return 0


def utf8_stdio() -> None:
    """Windows consoles default to a legacy code page; Vietnamese must print either way."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
