"""Realistic synthetic dossiers for demos and benchmarks, and the demo database built from them.

generator.py writes the dossiers (the same deadline rules as reception, bulk Core inserts, every row in
the change log so sync sees demo data like real data); database.py makes a whole demo database.
"""

from desktop.demo.database import (
    DEMO_HOOKS,
    DEMO_KIOSK_PIN,
    DEMO_OFFICERS,
    DEMO_UNIT,
    _feedback_demo,
    demo_login_hint,
    ensure_demo_database,
    fill_demo,
    start_demo_desk,
)
from desktop.demo.generator import DemoResult, generate

__all__ = [
    "DEMO_HOOKS", "DEMO_KIOSK_PIN", "DEMO_OFFICERS", "DEMO_UNIT", "DemoResult", "_feedback_demo", "demo_login_hint",
    "ensure_demo_database", "fill_demo", "generate", "start_demo_desk",
]
