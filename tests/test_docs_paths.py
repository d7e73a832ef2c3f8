"""docs/architecture.md names only files and folders that exist (a map that lies is worse than none)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = ("desktop", "province", "tests", "bench", "scripts", "docs", "resources", "installer", ".ci")
NAMED = re.compile(r"`([A-Za-z0-9_.\-/]+)`")


def _named_paths(text: str) -> set[str]:
    found = set()
    for token in NAMED.findall(text):
        if token.split("/", 1)[0] in TOP and "/" in token:
            found.add(token.rstrip("/"))
        elif re.fullmatch(r"[a-z_0-9]+\.py", token):
            found.add(token)
    return found


def test_every_path_in_architecture_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for name in sorted(_named_paths(text)):
        if "/" in name:
            if not (ROOT / name).exists():
                missing.append(name)
        elif not any(ROOT.glob(f"desktop/**/{name}")) and not any(ROOT.glob(f"province/**/{name}")) \
                and not any(ROOT.glob(f"bench/{name}")) and not any(ROOT.glob(f"scripts/{name}")):
            missing.append(name)
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"

