"""The hub's fast reading of change lines (``batch._canonical_changes``, orjson) never accepts what the
strict reader refuses, and gives the same changes when it accepts: every hostile or non-canonical file
below is read by ``read_changes`` exactly as by the strict reader alone (same changes, or the same code
and message)."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.sync import batch, canonical
from desktop.sync.errors import SyncError


def _change(seq: int, **row: Any) -> dict[str, Any]:
    return {"change_id": f"c{seq}", "seq": seq, "epoch": "e", "table": "dossier", "record_id": f"r{seq}",
            "op": "upsert", "version": 1, "row": {"id": f"r{seq}", **row}}


def _line(seq: int, **row: Any) -> bytes:
    return canonical.dumps(_change(seq, **row))


def _outcome(read: Any, files: dict[str, bytes], count: int) -> Any:
    try:
        return ("ok", read(files, count))
    except SyncError as exc:
        return ("refused", exc.code, exc.message)


def _both(files: dict[str, bytes], count: int) -> tuple[Any, Any]:
    full = _outcome(lambda f, n: batch.read_changes(f, {"changes": n}), files, count)
    return full, _outcome(batch._strict_changes, files, count)


GOOD = _line(1, name="Lê Thị Bình") + b"\n" + _line(2, fee=1.5, tags=["a", {"b": None}]) + b"\n"
HOSTILE = {
    "duplicate key": b'{"change_id":"c","change_id":"d"}\n',
    "duplicate key, sorted and canonical otherwise": _line(1)[:-1] + b',"version":2}\n',
    "NaN": _line(1, x=0)[:-1].replace(b'"x":0', b'"x":NaN') + b"\n",
    "huge number": _line(1, x=0).replace(b'"x":0', b'"x":1e400') + b"\n",
    "beyond 64 bits": _line(1, x=0).replace(b'"x":0', b'"x":18446744073709551616') + b"\n",
    "minus zero": _line(1, x=0).replace(b'"x":0', b'"x":-0') + b"\n",
    "exponent spelling": _line(1, x=0).replace(b'"x":0', b'"x":1e+16') + b"\n",
    "lone surrogate": _line(1, x="a").replace(b'"a"', b'"\\ud800"') + b"\n",
    "escaped letter": _line(1, x="é").replace("é".encode(), b"\\u00e9") + b"\n",
    "bad UTF-8": _line(1, x="a").replace(b'"a"', b'"\xff"') + b"\n",
    "byte order mark": b"\xef\xbb\xbf" + _line(1) + b"\n",
    "space": _line(1).replace(b":", b": ", 1) + b"\n",
    "unsorted keys": b'{"seq":1,"change_id":"c"}\n',
    "no final newline": _line(1),
    "blank line": _line(1) + b"\n\n" + _line(2) + b"\n",
    "only a newline": b"\n",
    "one value over two lines": _line(1)[:20] + b"\n" + _line(1)[20:] + b"\n",
    "two lines joined into a list": b'[{"a":[1\n2]},{"b":1}]\n',
    "deep": _line(1, x=0).replace(b'"x":0', b'"x":' + b"[" * 40 + b"]" * 40) + b"\n",
    "deep but few brackets": _line(1, x=0).replace(b'"x":0', b'"x":' + b"[" * 31 + b"]" * 31) + b"\n",
    "brackets in text": _line(1, x="{" * 40) + b"\n",
    "array at the top": b"[1,2]\n",
    "string at the top": b'"x"\n',
    "seq as text": canonical.dumps(_change(1) | {"seq": "1"}) + b"\n",
    "seq as boolean": canonical.dumps(_change(1) | {"seq": True}) + b"\n",
    "version negative": canonical.dumps(_change(1) | {"version": -1}) + b"\n",
    "version 2**63": canonical.dumps(_change(1) | {"version": 2 ** 63}) + b"\n",
    "long id": canonical.dumps(_change(1) | {"record_id": "x" * 129}) + b"\n",
    "id longer than the hub's column": canonical.dumps(_change(1) | {"record_id": "x" * 37}) + b"\n",
    "epoch longer than the hub's column": canonical.dumps(_change(1) | {"epoch": "e" * 37}) + b"\n",
    "control character in the id": canonical.dumps(_change(1) | {"record_id": "r\u00851"}) + b"\n",
    "row a list": canonical.dumps(_change(1) | {"row": []}) + b"\n",
    "bad op": canonical.dumps(_change(1) | {"op": "drop"}) + b"\n",
    "missing key": canonical.dumps({k: v for k, v in _change(1).items() if k != "epoch"}) + b"\n",
    "honest": GOOD,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_fast_reader_agrees_with_the_strict_one(name: str) -> None:
    data = HOSTILE[name]
    for count in (data.count(b"\n"), data.count(b"\n") + 1, max(data.count(b"\n") - 1, 0)):
        full, strict = _both({"changes/00001.jsonl": data}, count)
        assert full == strict, (name, count)


def test_honest_lines_take_the_fast_way_and_read_the_same() -> None:
    files = {"changes/00001.jsonl": GOOD, "changes/00002.jsonl": _line(3) + b"\n", "changes/00003.jsonl": b""}
    fast = batch._canonical_changes(files, 3)
    assert fast is not None and fast == batch._strict_changes(files, 3)
    assert [c["seq"] for c in fast] == [1, 2, 3]


def test_a_bad_line_in_a_later_file_is_named_as_before() -> None:
    files = {"changes/00001.jsonl": GOOD, "changes/00002.jsonl": HOSTILE["duplicate key"]}
    full, strict = _both(files, 3)
    assert full == strict and full[0] == "refused" and full[1] == "bad_json"


JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.dictionaries(st.text(max_size=4), JSON, max_size=4), min_size=1, max_size=4),
       cut=st.integers(0, 400), junk=st.sampled_from([b"", b" ", b"\n", b",", b"}", b'"', b"\\", b"1"]))
def test_any_lines_read_as_the_strict_reader_reads_them(rows: list[dict[str, Any]], cut: int, junk: bytes) -> None:
    data = b"".join(_line(i, **{f"k{k}": v for k, v in row.items()}) + b"\n" for i, row in enumerate(rows, 1))
    cut = min(cut, len(data))
    data = data[:cut] + junk + data[cut:]
    full, strict = _both({"changes/00001.jsonl": data}, len(rows))
    assert full == strict


@pytest.mark.parametrize("line", [b"12\n", b"{}\n"])
def test_a_file_of_junk_lines_is_given_up_at_its_first_line(line: bytes) -> None:
    """A signed changes file inflates to up to 256 MB: the fast reader must not hold a list of its lines
    (or of objects of the wrong shape) before it finds the first one it cannot take — a 6 MB file of short
    lines held ~20 times its size. The strict reader, line by line, refuses it at once."""
    data = line * 2_000_000
    for expected in (5, 2_000_000):
        tracemalloc.start()
        try:
            full, strict = _both({"changes/00001.jsonl": data}, expected)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert full == strict and full[0] == "refused"
        assert peak < len(data), (line, expected, peak)
