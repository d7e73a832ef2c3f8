"""The packages say what they hold, and nothing imports upwards (issue #16).

Layers, lowest first: ``platform`` (files, paths, clock) and ``errors`` → ``rules`` (pure domain rules) →
``db`` → ``services`` → ``reports``/``forms``/``sync``/``history``/``demo`` → ``cli``/``ui``. The province
hub sits beside the desk's top layer and may use the desk's public modules, never its CLI or UI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each package may import from the desk (besides itself and ``desktop.errors``/``desktop.__version__``).
ALLOWED: dict[str, set[str]] = {
    "platform": set(),
    "rules": {"platform"},
    "db": {"platform", "rules"},
    "services": {"platform", "rules", "db"},
}
# The one written exception: the audit chain check also verifies the province's signed anchors, which are
# sync data (imported inside the function, so the db package loads without sync).
EXCEPTIONS = {("desktop/db/audit.py", "sync")}


def _desktop_imports(path: Path) -> set[str]:
    """The second component of every ``desktop.X`` a module imports (``desktop.rules.x`` → ``rules``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "desktop" else [f"desktop.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "desktop" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_lower_layers_do_not_import_upwards() -> None:
    offenders = []
    for package, allowed in ALLOWED.items():
        for path in sorted((ROOT / "desktop" / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            foundation = {"errors", "__version__", "settings", "texts"} | ({"formatting"} if package != "platform" else set())
            extra = {name for name in _desktop_imports(path) - allowed - foundation - {package}
                     if (str(path.relative_to(ROOT).as_posix()), name) not in EXCEPTIONS}
            if extra:
                offenders.append(f"{path.relative_to(ROOT)} → {sorted(extra)}")
    assert offenders == []


def test_flat_layer_is_gone() -> None:
    """Only the entry points and what every layer shares stay at the top: the error vocabulary, the one
    display format, the settings' declarations and the labels' catalogue."""
    assert sorted(p.name for p in (ROOT / "desktop").glob("*.py")) == ["__init__.py", "__main__.py", "errors.py",
                                                                       "formatting.py", "settings.py", "texts.py"]


def test_province_uses_no_desk_cli_or_ui() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "province").rglob("*.py"))
                 if _desktop_imports(p) & {"cli", "ui"}]
    assert offenders == []
