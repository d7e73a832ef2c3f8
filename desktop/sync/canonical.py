"""Canonical JSON (what is hashed and signed) and a strict reader (what hostile files meet).

Canonical = sorted keys, no spaces, UTF-8, every string NFC. So an NFD and an NFC spelling of the
same name produce the same bytes and the same SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date, datetime
from typing import Any

import orjson

from desktop.platform import clock
from desktop.sync.errors import SyncError

MAX_DEPTH = 32


def normalise(value: Any) -> Any:
    """NFC every string (keys too); dates become ISO text (+07:00 for moments)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", str(k)): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


_AS_IS = (int, float, bool, type(None))


def row_as_sent(row: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's values as the province reads them from its line (what :func:`normalise` would give),
    computed only for the values it changes: dates, text not in NFC, JSON values. Keys are column names."""
    return {k: v if type(v) in _AS_IS or (type(v) is str and unicodedata.is_normalized("NFC", v)) else normalise(v)
            for k, v in row.items()}


def _moment(value: Any) -> str:
    """What ``normalise`` does to the values JSON cannot write itself (called by the C encoder)."""
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# One encoder each (they keep no state between calls): building one per call cost ~10% of ``dumps``.
_FAST = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_moment)
_EXACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps(value: Any) -> bytes:
    """Canonical bytes. Fast path (issue 14: the export spent 42% here): let the C encoder write the
    value as it is and NFC-check the text once — if the text is already NFC, every key and string in it
    was, and ``normalise`` would have changed nothing but dates, which ``_moment`` writes the same way.
    Only text that is not NFC takes the exact path (normalise every string and key, then encode). Keys are
    strings in every structure that travels (JSON keys are strings; a dict keyed by numbers would not
    survive a round trip anyway)."""
    try:
        text = _FAST.encode(value)
    except TypeError:  # e.g. keys that are not all strings: the exact path decides
        text = None
    if text is None or not (text.isascii() or unicodedata.is_normalized("NFC", text)):
        text = _EXACT.encode(normalise(value))
    return text.encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # C speed; the loop below runs only when a key was repeated
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise SyncError("bad_json", f"khóa trùng '{key}'")
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise SyncError("bad_json", f"giá trị không hợp lệ {name}")


def _depth(value: Any, level: int = 0) -> None:
    if level > MAX_DEPTH:
        raise SyncError("bad_json", "lồng quá sâu")
    if isinstance(value, dict):
        for v in value.values():
            _depth(v, level + 1)
    elif isinstance(value, list):
        for v in value:
            _depth(v, level + 1)


# One strict decoder (it keeps no state between calls): ``json.loads`` with hooks built a new decoder and
# scanner for every call — a third of the hub's parse of ~10 k change lines (issue 14, session 8).
_STRICT = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def loads(data: bytes, *, expect: type = dict) -> Any:
    """Strict: valid UTF-8, no duplicate keys, no NaN/Infinity, bounded depth, the expected top type."""
    try:
        text = data.decode("utf-8")
        value = _STRICT.decode(text)
    except SyncError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SyncError("bad_json", type(exc).__name__) from None
    if not isinstance(value, expect):
        raise SyncError("bad_json", "kiểu dữ liệu gốc sai")
    if data.count(b"{") + data.count(b"[") > MAX_DEPTH:  # fewer brackets than the limit: cannot be too deep
        _depth(value)
    return value


def canonical_object(line: bytes) -> dict[str, Any] | None:
    """The object this line holds when the line is exactly what a canonical writer gives for its value
    (sorted keys, no spaces), else None — then the strict reader decides and names the problem. Issue 14:
    ``loads`` of a 10 k-change batch took ~0.15 s; this takes a third of it.

    orjson parses (C speed: valid UTF-8, no NaN or Infinity) and writes the value back: a line equal to
    its value written back can hold no repeated key (a written object has none), no other spelling of a
    number, no space or BOM, so the strict reader would give the same value. A line with more brackets
    than the depth limit, and any top value other than an object, go to the strict reader too."""
    if line.count(b"{") + line.count(b"[") > MAX_DEPTH:
        return None
    try:
        value = orjson.loads(line)
        if type(value) is dict and orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == line:
            return value
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        pass
    return None
