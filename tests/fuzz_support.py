"""A seeded generator of mutated batches for the hub importer (the CI fuzz test and ``bench/fuzz_hub.py``).

Each case starts from an honest batch of an enrolled desk and damages it the way a broken stick, a
hostile desk or a curious attacker would: truncation, bit flips, patched zip header fields, other
compression methods, bombs, lying headers re-sealed to the public province key, correctly signed but
hostile values, replays and path-like names. ``run_case`` imports one case and says what happened; the
hub must never raise, and a refusal must leave its data exactly as it was.
"""

from __future__ import annotations

import io
import json
import random
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.platform import clock
from desktop.db.session import Database
from desktop.sync import batch, container, identity, keys
from province.db import Hub
from province.importer import import_file
from province.keys import encryption_keys
from tests.sync_support import hub_state, zip_bytes

JUNK: list[Any] = ["garbage", "", "x" * 3000, "\x00\x07", 2 ** 70, -2 ** 64, 1e308, float("nan"), True, None,
                   [], {"a": {"b": [1, 2]}}, "9999-99-99T99:99:99", "1900-01-01T00:00:00+07:00", "../../x",
                   "2026-11-20T08:00:00+07:00", 0, -1, "Nguyễn\u202eVăn"]


@dataclass
class Source:
    """What every mutation starts from: an honest batch and the desk that signed it."""

    db: Database
    hub: Hub
    honest: bytes
    header: dict[str, Any]
    files: dict[str, bytes]
    manifest: dict[str, Any]

    @classmethod
    def of(cls, db: Database, hub: Hub, honest: Path) -> Source:
        data = honest.read_bytes()
        sealed = batch.read_header(data)
        files = batch.decrypt(sealed, encryption_keys(hub))
        return cls(db, hub, data, sealed.header, files, json.loads(files["manifest.json"]))


def _reseal(src: Source, header: dict[str, Any], inner: bytes) -> bytes:
    bound = {k: v for k, v in header.items() if k not in ("recipients", "cipher", "payload")}
    return container.seal_inner(bound, inner, keys.recipients(src.hub.meta("public_bundle")))[0]


def _signed(src: Source, changes: list[dict[str, Any]], *, batch_id: str | None = None) -> bytes:
    with src.db.reading() as session:
        device = identity.device_id(session)
    key = identity.signing_key(device)
    m = src.manifest
    spec = batch.BatchSpec(batch_id=batch_id or str(uuid.uuid4()), device_id=device, unit_code=m["unit_code"],
                           epoch=m["epoch"], seq_from=m["seq_from"], seq_to=m["seq_to"], created_at=clock.now(),
                           app_version=m["app_version"], schema_version=m["schema_version"], ranges=m["ranges"])
    return batch.build(spec, changes, signing_key=key, device_cert=identity.certificate(device, m["unit_code"], key),
                       recipients=keys.recipients(src.hub.meta("public_bundle")))[0]


def truncate(rng: random.Random, src: Source) -> bytes:
    return src.honest[:rng.randrange(len(src.honest))]


def flip_bits(rng: random.Random, src: Source) -> bytes:
    data = bytearray(src.honest)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def patch_zip_field(rng: random.Random, src: Source) -> bytes:
    """A random field of a random local or central header set to a random value (method, sizes, versions…)."""
    data = bytearray(src.honest)
    starts = [i for sig in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06") for i in _all(data, sig)]
    at = rng.choice(starts) + rng.randrange(4, 30)
    width = rng.choice((1, 2, 4))
    data[at:at + width] = rng.choice((b"\xff" * width, b"\x00" * width, rng.randbytes(width),
                                      (14).to_bytes(width, "little"), (12).to_bytes(width, "little")))
    return bytes(data[:len(src.honest)])


def _all(data: bytearray, sig: bytes) -> list[int]:
    out, at = [], data.find(sig)
    while at != -1:
        out.append(at)
        at = data.find(sig, at + 1)
    return out


def other_compression(rng: random.Random, src: Source) -> bytes:
    method = rng.choice((zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_DEFLATED))
    if rng.random() < 0.5:  # the outer container compressed
        archive = zipfile.ZipFile(io.BytesIO(src.honest))
        return zip_bytes({n: archive.read(n) for n in archive.namelist()}, method)
    return _reseal(src, src.header, zip_bytes(src.files, method))


BOMB_MB = [1, 8]  # bench/fuzz_hub.py --big-bombs adds 64 and 256


def bomb(rng: random.Random, src: Source) -> bytes:
    size = rng.choice(BOMB_MB) << 20
    entries = dict(src.files)
    name = rng.choice(["changes/00001.jsonl", "device.json", "manifest.json", "changes/99999.jsonl"])
    entries[name] = b"\n" * size
    return _reseal(src, src.header, zip_bytes(entries, zipfile.ZIP_DEFLATED))


def lying_header(rng: random.Random, src: Source) -> bytes:
    field = rng.choice(["seq_from", "seq_to", "unit_code", "device_id", "epoch", "created_at", "schema_version",
                        "format_version", "batch_id"])
    return _reseal(src, src.header | {field: rng.choice(JUNK)}, container.pack_files(src.files))


def signed_hostile(rng: random.Random, src: Source) -> bytes:
    """A batch the enrolled desk really signed, with a hostile value somewhere in its rows."""
    changes = batch.read_changes(src.files, src.manifest)
    change = rng.choice(changes)
    target = change if rng.random() < 0.3 else change["row"]
    key = rng.choice(sorted(target)) if rng.random() < 0.8 else "khong_co_cot"
    target[key] = rng.choice(JUNK)
    return _signed(src, changes)


def replay(rng: random.Random, src: Source) -> bytes:
    if rng.random() < 0.5:
        return src.honest  # the same bytes again: a duplicate, never a second apply
    return _reseal(src, src.header, zip_bytes(src.files, zipfile.ZIP_DEFLATED))  # same id, other bytes


def path_name(rng: random.Random, src: Source) -> bytes:
    name = rng.choice(["../../evil", "/etc/passwd", "changes/../../x", "C:\\x", "a" * 300, "changes/\x00"])
    if rng.random() < 0.5:
        return _reseal(src, src.header, zip_bytes(dict(src.files) | {name: b"x"}, zipfile.ZIP_DEFLATED))
    return _signed(src, batch.read_changes(src.files, src.manifest), batch_id=name)


MUTATIONS: list[Callable[[random.Random, Source], bytes]] = [
    truncate, flip_bits, patch_zip_field, other_compression, bomb, lying_header, signed_hostile, replay, path_name]


@dataclass
class Outcome:
    kind: str
    status: str
    code: str | None
    crashed: str | None = None
    partial: bool = False


def run_case(src: Source, folder: Path, seed: int) -> Outcome:
    """One mutated file through the importer; a refusal must leave the hub's data untouched."""
    rng = random.Random(seed)
    mutate = MUTATIONS[seed % len(MUTATIONS)]
    for _ in range(5):  # a value no desk can even write (NaN in canonical JSON) is drawn again
        try:
            data = mutate(rng, src)
            break
        except (ValueError, TypeError, OverflowError):
            continue
    else:
        data = src.honest
    path = folder / f"case-{seed}.mcb"
    path.write_bytes(data)
    before = hub_state(src.hub)
    try:
        result = import_file(src.hub, path)
    except Exception as exc:  # noqa: BLE001 — the finding
        return Outcome(mutate.__name__, "crash", None, crashed=f"{type(exc).__name__}: {exc}"[:300])
    finally:
        path.unlink(missing_ok=True)
    partial = result.status == "refused" and hub_state(src.hub) != before
    return Outcome(mutate.__name__, result.status, result.code, partial=partial)
