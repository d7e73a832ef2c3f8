"""Each label vocabulary is written once, in desktop/texts.py (issue #16): statuses, actions, events, roles,
channels, tables, operations, backup kinds and weekdays."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from desktop import texts

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> list[Path]:
    return [p for folder in ("desktop", "province") for p in sorted((ROOT / folder).rglob("*.py"))
            if "migrations" not in p.parts and p != ROOT / "desktop" / "texts.py"]


def test_no_vocabulary_is_written_twice() -> None:
    pairs = {name: set(vocabulary.items()) for name, vocabulary in texts.VOCABULARIES.items()}
    weekdays = set(texts.WEEKDAY_LABELS)
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Dict):
                written = {(k.value, v.value) for k, v in zip(node.keys, node.values, strict=True)
                           if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
                offenders += [f"{where} re-declares {name} labels" for name, known in pairs.items()
                              if len(written & known) >= 2]
            if isinstance(node, (ast.Tuple, ast.List)):
                names = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                if len(names & weekdays) >= 3:
                    offenders.append(f"{where} re-declares the weekday names")
    assert offenders == []


def test_status_labels_are_the_lifecycle_states() -> None:
    from desktop.rules.lifecycle import Action, Status

    assert set(texts.STATUS_LABELS) == {s.value for s in Status}
    assert set(texts.ACTION_LABELS) == {a.value for a in Action}
    assert texts.STATUS_LABELS[Status.RETURNED] == "Đã trả kết quả"  # a Status looks its label up directly


def _label_like(text: str) -> bool:
    """A short capitalised Vietnamese word group with no sentence punctuation: a label, not a message."""
    return (3 <= len(text) <= 40 and text == text.strip() and text[:1].isupper()
            and re.search(r"[À-ỹ]", text) is not None and re.search(r"[{}%:?!.…\n«»()/'\"]", text) is None)


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings]


def test_no_catalogued_label_is_written_outside_the_catalogue() -> None:
    known = set(texts.LABELS.values()) | {v for voc in texts.VOCABULARIES.values() for v in voc.values()}
    offenders = [f"{path.relative_to(ROOT)}:{line} {value!r}: dùng desktop.texts"
                 for path in _sources() for line, value in _string_constants(path) if value in known]
    assert offenders == []


def test_no_label_is_written_in_two_modules() -> None:
    where: dict[str, set[str]] = {}
    for path in _sources():
        for _line, value in _string_constants(path):
            if _label_like(value):
                where.setdefault(value, set()).add(str(path.relative_to(ROOT)))
    repeated = {value: sorted(paths) for value, paths in where.items() if len(paths) > 1}
    assert repeated == {}, "đưa các nhãn này vào desktop/texts.py (LABELS)"
