"""Every setting declared once (issue #16): no key written as a literal elsewhere, one version per database."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from sqlalchemy import text

from desktop import settings
from desktop.db import settings_upgrade
from desktop.db.session import Database, open_database
from desktop.services import desk

ROOT = Path(__file__).resolve().parent.parent
SETTING_CALLS = {"get_setting", "put_setting", "_setting"}


def _sources() -> list[Path]:
    return [p for folder in ("desktop", "province") for p in sorted((ROOT / folder).rglob("*.py"))
            if "migrations" not in p.parts and p != ROOT / "desktop" / "settings.py"]


def test_keys_are_declared_once_and_unique() -> None:
    declared = [v for v in vars(settings).values() if isinstance(v, settings.Setting)]
    assert len({s.key for s in declared}) == len(declared) == len(settings.declared())
    assert all(s.label and s.changed_by in (settings.ADMIN, settings.SYSTEM, settings.PROVINCE) for s in declared)


def test_no_settings_key_literal_outside_the_declaration() -> None:
    keys = set(settings.declared())
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value in keys:
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(re.search(r"(_KEY|_SETTING)$", n) for n in names):
                    offenders.append(f"{where} declares {names[0]} = {node.value.value!r}")
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in SETTING_CALLS and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                    offenders.append(f"{where} {name}(…, {node.args[1].value!r})")
                if name == "get" and len(node.args) == 2 and getattr(node.args[0], "id", None) == "Setting" \
                        and isinstance(node.args[1], ast.Constant):
                    offenders.append(f"{where} session.get(Setting, {node.args[1].value!r})")
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "key" \
                    and any(isinstance(c, ast.Constant) and c.value in keys for c in node.comparators):
                offenders.append(f"{where} compares Setting.key with a literal")
    assert offenders == []


def test_a_database_records_the_settings_version_once(db: Database, tmp_path: Path) -> None:
    with db.reading() as session:
        assert desk.get_setting(session, settings.SETTINGS_VERSION.key) == settings.VERSION
    with db.engine.begin() as conn:  # an older database: no version recorded yet
        conn.execute(text("DELETE FROM setting WHERE key = :k"), {"k": settings.SETTINGS_VERSION.key})
    db.dispose()
    again = open_database(db.path)
    try:
        with again.engine.connect() as conn:
            assert settings_upgrade.stored_version(conn) == settings.VERSION
            assert json.loads(conn.execute(text("SELECT value FROM setting WHERE key = 'unit_code'")).scalar()) == "10375"
        assert settings_upgrade.upgrade(again.engine) == settings.VERSION  # nothing left to run
    finally:
        again.dispose()


def test_several_settings_in_one_read(db: Database) -> None:
    with db.reading() as session:
        values = desk.read_settings(session, settings.UNIT_CODE, settings.IDLE_LOCK_MINUTES, settings.HUB_URL)
    assert values == {"unit_code": "10375", "idle_lock_minutes": 15, "hub_url": None}
