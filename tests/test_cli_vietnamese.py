"""No English at the command line (issue #18 item 11): every ``--help`` of the desk's and the hub's
commands, argparse's own errors, and a user's mistakes end in one Vietnamese line, never a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import build_parser as desk_parser
from province.cli import build_parser as hub_parser

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ("usage:", "options:", "show this help", "positional arguments", "the following arguments",
           "invalid choice", "unrecognized arguments", "expected one argument", "error:", "Traceback")


def _parsers(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:  # noqa: SLF001 — walking the tree is what argparse offers
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


@pytest.mark.parametrize("build, prog", [(desk_parser, "desktop"), (hub_parser, "province")])
def test_every_help_is_vietnamese(build, prog) -> None:  # type: ignore[no-untyped-def]
    found = [(path, word) for path, parser in _parsers(build(), prog) for word in ENGLISH
             if word.lower() in parser.format_help().lower()]
    assert found == []
    assert sum(1 for _ in _parsers(build(), prog)) > 20  # the walk reached the subcommands


def _run(*args: str, module: str = "desktop", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUTF8="1", **(env or {})), check=False)


@pytest.mark.parametrize("args", [
    ("dossier", "receive"),  # required arguments missing
    ("dossier", "receive", "--procedure", "1", "--applicant", "A", "--payment", "bitcoin"),  # invalid choice
    ("report", "periodic", "--period", "2026-10", "--bogus"),  # unrecognized
    ("nothing-like-this",),
])
def test_usage_errors_are_vietnamese(args: tuple[str, ...], tmp_path: Path) -> None:
    result = _run("--db", str(tmp_path / "x.sqlite3"), *args)
    assert result.returncode == 2
    assert "Lỗi:" in result.stderr and "Cách dùng:" in result.stderr
    assert not [word for word in ENGLISH if word.lower() in result.stderr.lower()]


def test_a_report_on_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.sqlite3"
    result = _run("--db", str(missing), "report", "periodic", "--period", "2026-10")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Không tìm thấy tệp dữ liệu" in result.stderr and str(missing) in result.stderr
    assert not missing.exists()


def test_hub_on_an_unreachable_database_says_so_in_one_line(tmp_path: Path) -> None:
    result = _run("--db-url", "postgresql+psycopg://nobody@127.0.0.1:9/none", "--data-dir", str(tmp_path),
                  "report", "periodic", "--unit", "all", "--period", "2026-10", module="province")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Lỗi: ") and len(result.stderr.strip().splitlines()) == 1
