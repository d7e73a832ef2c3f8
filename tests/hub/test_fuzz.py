"""The importer under a seeded storm of damaged and hostile batches: it never raises, and every refusal
leaves the hub's data exactly as it was (``tests/fuzz_support.py``; the longer run is ``bench/fuzz_hub.py``)."""

from __future__ import annotations

import collections
import os
from pathlib import Path

from desktop.db.session import Database
from tests.fuzz_support import Source, run_case
from tests.sync_support import connect_desk, export, fresh_hub, receive

CASES = int(os.environ.get("MOTCUA_FUZZ_CASES", "2000"))


def test_two_thousand_mutated_batches(db: Database, tmp_path: Path) -> None:
    hub = fresh_hub(None, tmp_path / "hub")
    try:
        connect_desk(db, hub, tmp_path / "desk")
        receive(db, 3, name="Đỗ Thị Hạnh")
        src = Source.of(db, hub, export(db, tmp_path / "usb").file)
        work = tmp_path / "cases"
        work.mkdir()
        outcomes = [run_case(src, work, seed) for seed in range(CASES)]
    finally:
        hub.dispose()
    crashes = [o for o in outcomes if o.crashed]
    partial = [o for o in outcomes if o.partial]
    assert not crashes, crashes[:5]
    assert not partial, partial[:5]
    by_kind = collections.Counter((o.kind, o.status) for o in outcomes)
    assert all(o.status in ("refused", "applied", "duplicate") for o in outcomes)
    # the importer's safety net (bad_content) is for the unforeseen: a known shape of damage has its own code
    assert not [o for o in outcomes if o.code == "bad_content"], by_kind
    refused_kinds = {kind for (kind, status) in by_kind if status == "refused"}
    assert {"truncate", "flip_bits", "patch_zip_field", "other_compression", "bomb", "lying_header",
            "path_name"} <= refused_kinds, by_kind
