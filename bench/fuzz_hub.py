"""The hub importer under a long seeded fuzz run, for the province's own checks.

    python bench/fuzz_hub.py --cases 20000 [--seed 0] [--big-bombs]

Builds a throw-away desk and hub (SQLite) in a temporary folder, imports ``--cases`` mutated batches
(``tests/fuzz_support.py``: truncation, bit flips, zip field patches, compression methods, bombs, lying
headers, signed-but-hostile values, replays, path names) and prints how many crashed (an exception
escaped the importer), how many refusals left a partial write, the outcome per kind of mutation, the
time and the peak resident memory. Exit code 1 when anything crashed or wrote partially.
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTCUA_HUB_KEY_PASSPHRASE", "bench-only-passphrase")
RESET_EVERY = 250


def main() -> int:
    parser = argparse.ArgumentParser(description="Fuzz the hub importer with mutated batches.")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0, help="first seed (cases use seed … seed+cases-1)")
    parser.add_argument("--big-bombs", action="store_true", help="bombs of 64 and 256 MB too (slow)")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # every refusal is logged by the importer; the summary says it all
    work = Path(tempfile.mkdtemp(prefix="fuzz-hub-"))
    os.environ["MOTCUA_DATA_DIR"] = str(work / "data")

    from tests import fuzz_support
    from province.db import open_hub
    from tests.sync_support import enrolled_desk, export

    if args.big_bombs:
        fuzz_support.BOMB_MB.extend([64, 256])
    db, hub = enrolled_desk(work, "enrol", applicant="Đỗ Thị Hạnh")
    src = fuzz_support.Source.of(db, hub, export(db, work / "usb").file)
    cases = work / "cases"
    cases.mkdir()
    started = time.perf_counter()
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    crashes, partial = [], []
    pristine = work / "hub-pristine"
    hub.dispose()
    shutil.copytree(work / "hub", pristine)
    for seed in range(args.seed, args.seed + args.cases):
        if (seed - args.seed) % RESET_EVERY == 0:  # a fresh copy now and then: each check reads the whole hub
            src.hub.dispose()
            shutil.rmtree(work / "hub")
            shutil.copytree(pristine, work / "hub")
            src.hub = open_hub(None, data_dir=work / "hub")
        outcome = fuzz_support.run_case(src, cases, seed)
        counts[(outcome.kind, outcome.status)] += 1
        if outcome.crashed:
            crashes.append((seed, outcome))
        if outcome.partial:
            partial.append((seed, outcome))
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for (kind, status), n in sorted(counts.items()):
        print(f"  {kind:<18} {status:<10} {n}")
    for seed, outcome in (crashes + partial)[:20]:
        print(f"  seed {seed}: {outcome}")
    print(f"cases {args.cases}  crashes {len(crashes)}  partial writes {len(partial)}  "
          f"time {elapsed:.1f} s ({args.cases / elapsed:.0f} cases/s)  peak RSS {peak_mb:.0f} MB")
    src.hub.dispose()
    db.dispose()
    return 1 if crashes or partial else 0


if __name__ == "__main__":
    raise SystemExit(main())
