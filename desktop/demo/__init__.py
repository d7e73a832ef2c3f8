"""Realistic synthetic dossiers for demos and benchmarks, and the demo database built from them.

generator.py writes the dossiers (the same deadline rules as reception, bulk Core inserts, every row in
the change log so sync sees demo data like real data); database.py makes a whole demo database;
accounts.py holds the demo accounts and the log-in hint.

The names below are imported on first use (PEP 562): ``desktop.demo.accounts`` is read by the log-in
dialog before SQLAlchemy is imported, and importing it runs this file first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.demo.accounts import DEMO_KIOSK_PIN, DEMO_OFFICERS
    from desktop.demo.database import (
        DEMO_HOOKS,
        DEMO_UNIT,
        _feedback_demo,
        demo_login_hint,
        ensure_demo_database,
        fill_demo,
        start_demo_desk,
    )
    from desktop.demo.generator import DemoResult, generate

_HOME = {"DEMO_KIOSK_PIN": "accounts", "DEMO_OFFICERS": "accounts", "DEMO_HOOKS": "database",
         "DEMO_UNIT": "database", "_feedback_demo": "database", "demo_login_hint": "database",
         "ensure_demo_database": "database", "fill_demo": "database", "start_demo_desk": "database",
         "DemoResult": "generator", "generate": "generator"}

__all__ = [
    "DEMO_HOOKS", "DEMO_KIOSK_PIN", "DEMO_OFFICERS", "DEMO_UNIT", "DemoResult", "_feedback_demo", "demo_login_hint",
    "ensure_demo_database", "fill_demo", "generate", "start_demo_desk",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'desktop.demo' has no attribute {name!r}")
    return getattr(importlib.import_module(f"desktop.demo.{home}"), name)
