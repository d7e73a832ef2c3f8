"""Hostile or broken files: each refused with its own code, and the hub left exactly as it was."""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop import settings
from desktop.db.session import Database, open_database
from desktop.services.desk import put_setting
from desktop.sync import batch, container, keys
from desktop.sync.container import Limits
from province.db import Hub
from province.devices import revoke
from province.importer import import_file
from province.keys import encryption_keys
from province.models import HubImportAudit, HubQuarantine
from tests.sync_support import connect_desk, deliver, export, hub_state, receive, zip_bytes


@pytest.fixture
def setup(db: Database, hub: Hub, tmp_path: Path) -> dict[str, Any]:
    """An enrolled desk with one batch already at the hub, and a second batch ready to carry."""
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    first = export(db, tmp_path / "1")
    deliver(hub, db, first, tmp_path / "1")
    receive(db, 2, name="Hoàng Văn Minh")
    second = export(db, tmp_path / "2")
    return {"first": first.file, "second": second.file, "dir": tmp_path}


def _bundle(hub: Hub) -> dict[str, Any]:
    return hub.meta("public_bundle")


def _bound(header: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in header.items() if k not in ("recipients", "cipher", "payload")}


def _reseal(hub: Hub, header: dict[str, Any], inner: bytes) -> bytes:
    data, _ = container.seal_inner(_bound(header), inner, keys.recipients(_bundle(hub)))
    return data


def _open(hub: Hub, path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    sealed = batch.read_header(path.read_bytes())
    return sealed.header, batch.decrypt(sealed, encryption_keys(hub))


def flipped_byte(hub: Hub, s: dict[str, Any]) -> bytes:
    data = bytearray(s["second"].read_bytes())
    data[len(data) // 2] ^= 0x40
    return bytes(data)


def truncated(hub: Hub, s: dict[str, Any]) -> bytes:
    data = s["second"].read_bytes()
    return data[: len(data) * 2 // 3]


def swapped_header_naive(hub: Hub, s: dict[str, Any]) -> bytes:
    """header.json of the first batch glued to the payload of the second."""
    first = zipfile.ZipFile(s["first"])
    second = zipfile.ZipFile(s["second"])
    return zip_bytes({"header.json": first.read("header.json"), "payload.bin": second.read("payload.bin")})


def swapped_header_resealed(hub: Hub, s: dict[str, Any]) -> bytes:
    """Anyone can seal to the province's public key: the second batch's signed content under the first
    batch's header. Decrypts, the signature is good — but the manifest is not what the header says."""
    header1, _ = _open(hub, s["first"])
    _, files2 = _open(hub, s["second"])
    return _reseal(hub, header1 | {"batch_id": str(uuid.uuid4())}, container.pack_files(files2))


def tampered_change(hub: Hub, s: dict[str, Any]) -> bytes:
    """A change line edited after signing (re-sealed with a fresh header): file hash no longer matches."""
    header, files = _open(hub, s["second"])
    name = next(n for n in files if n.startswith("changes/"))
    files[name] = files[name].replace("Hoàng".encode(), b"Hoang")
    return _reseal(hub, header, container.pack_files(files))


def forged_signature(hub: Hub, s: dict[str, Any]) -> bytes:
    """Manifest re-signed with a key that is not the enrolled one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    header, files = _open(hub, s["second"])
    files["manifest.sig"] = container.b64(Ed25519PrivateKey.generate().sign(files["manifest.json"])).encode()
    return _reseal(hub, header, container.pack_files(files))


def replayed_id_other_content(hub: Hub, s: dict[str, Any]) -> bytes:
    """The first batch's id again (already at the hub), with different bytes."""
    header, files = _open(hub, s["first"])
    return _reseal(hub, header, container.pack_files(files))


def outer_path_escape(hub: Hub, s: dict[str, Any]) -> bytes:
    return zip_bytes({"header.json": b"{}", "../../etc/cron.d/x": b"boom"})


def inner_path_escape(hub: Hub, s: dict[str, Any]) -> bytes:
    header, files = _open(hub, s["second"])
    entries = dict(files) | {"../../evil.sh": b"rm -rf /"}
    return _reseal(hub, header, zip_bytes(entries))


def zip_bomb(hub: Hub, s: dict[str, Any]) -> bytes:
    header, files = _open(hub, s["second"])
    entries = dict(files) | {"changes/99999.jsonl": b"\n" * (64 * 1024 * 1024)}
    return _reseal(hub, header, zip_bytes(entries, zipfile.ZIP_DEFLATED))


def not_a_zip(hub: Hub, s: dict[str, Any]) -> bytes:
    return "Báo cáo tháng 11".encode() * 100


CASES: dict[str, tuple[Callable[[Hub, dict[str, Any]], bytes], tuple[str, ...]]] = {
    "flipped_byte": (flipped_byte, ("bad_hash",)),
    "truncated": (truncated, ("truncated",)),
    "swapped_header_naive": (swapped_header_naive, ("bad_hash",)),
    "swapped_header_resealed": (swapped_header_resealed, ("header_mismatch",)),
    "tampered_change": (tampered_change, ("bad_hash",)),
    "forged_signature": (forged_signature, ("bad_signature",)),
    "replay": (replayed_id_other_content, ("duplicate_id_different_hash",)),
    "outer_path_escape": (outer_path_escape, ("path_escape",)),
    "inner_path_escape": (inner_path_escape, ("path_escape",)),
    # an unsigned extra file: refused from the signed list of files, before a byte of it is inflated
    "zip_bomb": (zip_bomb, ("bad_hash",)),
    "not_a_zip": (not_a_zip, ("truncated",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_refused_and_hub_unchanged(case: str, setup: dict[str, Any], hub: Hub) -> None:
    make, codes = CASES[case]
    hostile = setup["dir"] / f"{case}.mcb"
    hostile.write_bytes(make(hub, setup))
    before = hub_state(hub)
    # the hub's caps, lowered so the test's 64 MiB bomb is over them (defaults: 256 MiB per entry)
    result = import_file(hub, hostile, limits=Limits(max_entry_bytes=8 << 20, max_total_bytes=16 << 20))
    assert result.status == "refused" and result.code in codes, result.as_json()
    assert result.message and any(ch in result.message for ch in "ăâđêôơưáàảãạ")  # Vietnamese
    assert hub_state(hub) == before
    with hub.reading() as session:
        quarantined = session.scalars(select(HubQuarantine)).all()
        assert [q.code for q in quarantined] == [result.code]
        assert Path(quarantined[0].stored_as).read_bytes() == hostile.read_bytes()
        assert session.scalars(select(HubImportAudit).where(HubImportAudit.status == "refused")).one().code == result.code
    assert not list((hub.data_dir / "staging").iterdir())
    assert import_file(hub, setup["second"]).status == "applied"  # the honest batch still goes in


def test_oversized_file_refused_before_reading(setup: dict[str, Any], hub: Hub) -> None:
    before = hub_state(hub)
    result = import_file(hub, setup["second"], limits=Limits(max_file_bytes=1000))
    assert (result.status, result.code) == ("refused", "too_large")
    assert hub_state(hub) == before


def test_exact_replay_returns_stored_receipt(setup: dict[str, Any], hub: Hub) -> None:
    before = hub_state(hub)
    again = import_file(hub, setup["first"], receipts_out=setup["dir"] / "again")
    assert again.status == "duplicate" and again.applied == 0
    assert again.receipt_file is not None
    assert Path(again.receipt_file).read_bytes() == (setup["dir"] / "1" / "receipts" / Path(again.receipt_file).name).read_bytes()
    assert hub_state(hub) == before


def _other_desk(db_path: Path, tmp_path: Path) -> Database:
    import shutil

    copy = tmp_path / "other.sqlite3"
    shutil.copyfile(db_path, copy)
    other = open_database(copy)
    with other.transaction() as session:
        put_setting(session, settings.DEVICE_ID.key, str(uuid.uuid4()))
    return other


def test_unenrolled_device_refused(setup: dict[str, Any], hub: Hub, db_path: Path, tmp_path: Path) -> None:
    other = _other_desk(db_path, tmp_path)
    try:
        with other.transaction() as session:
            keys.install_bundle(session, hub.data_dir / "public" / "province.pub")
        result = export(other, tmp_path / "other")
    finally:
        other.dispose()
    before = hub_state(hub)
    outcome = import_file(hub, result.file)  # type: ignore[arg-type]
    assert (outcome.status, outcome.code) == ("refused", "unknown_device")
    assert hub_state(hub) == before


def test_batch_claiming_another_unit_refused(setup: dict[str, Any], db: Database, hub: Hub, tmp_path: Path) -> None:
    with db.transaction() as session:
        put_setting(session, settings.UNIT_CODE.key, "10378")  # the desk now pretends to be another commune
    result = export(db, tmp_path / "claim")
    before = hub_state(hub)
    outcome = import_file(hub, result.file)  # type: ignore[arg-type]
    assert (outcome.status, outcome.code) == ("refused", "wrong_unit")
    assert hub_state(hub) == before


def test_revoked_device_refused(setup: dict[str, Any], db: Database, hub: Hub) -> None:
    with db.reading() as session:
        from desktop.sync.identity import device_id

        device = device_id(session)
    revoke(hub, device, reason="Máy bị mất")
    before = hub_state(hub)
    outcome = import_file(hub, setup["second"])
    assert (outcome.status, outcome.code) == ("refused", "revoked_device")
    assert hub_state(hub) == before


def test_batch_from_newer_schema_refused(setup: dict[str, Any], db: Database, hub: Hub) -> None:
    """A desk running a newer app (a schema revision the hub does not know) is refused, not half-read."""
    import json

    from desktop.platform import clock
    from desktop.sync import identity

    _, files = _open(hub, setup["second"])
    manifest = json.loads(files["manifest.json"])
    with db.reading() as session:
        device = identity.device_id(session)
    key = identity.signing_key(device)
    spec = batch.BatchSpec(batch_id=str(uuid.uuid4()), device_id=device, unit_code="10375",
                           epoch=manifest["epoch"], seq_from=manifest["seq_from"], seq_to=manifest["seq_to"],
                           created_at=clock.now(), app_version="9.0.0", schema_version="9999_future",
                           ranges=manifest["ranges"])
    data, _ = batch.build(spec, batch.read_changes(files, manifest), signing_key=key,
                          device_cert=identity.certificate(device, "10375", key),
                          recipients=keys.recipients(_bundle(hub)))
    path = setup["dir"] / "newer.mcb"
    path.write_bytes(data)
    before = hub_state(hub)
    outcome = import_file(hub, path)
    assert (outcome.status, outcome.code) == ("refused", "unsupported_version")
    assert "cập nhật" in (outcome.message or "")
    assert hub_state(hub) == before


def test_a_pushed_header_cannot_grow_the_refusal_rows(setup: dict[str, Any], hub: Hub) -> None:
    """No key is needed to name an enrolled device (its id is in every batch header) and claim another
    unit: the refusal is recorded before anything is verified, so it must not keep what the header says at
    length (a 60 KB unit code was copied twice into the rows, every request)."""
    from province import intake
    from tests.hub.test_hostile_batches import _big_stored

    header = batch.read_header(setup["second"].read_bytes()).header
    header["unit_code"] = "9" * 60_000
    path = _big_stored({"header": header}, setup["dir"] / "claim.mcb", 1)
    answer = intake.accept(hub, path.read_bytes(), "claim.mcb", header["batch_id"], limits=container.DEFAULT_LIMITS)
    assert (answer.status, answer.http_status) == ("refused", 403)
    with hub.reading() as session:
        refused = session.scalars(select(HubQuarantine)).all()
        audits = session.scalars(select(HubImportAudit).where(HubImportAudit.status == "refused")).all()
    assert [r.code for r in refused] == ["wrong_unit"] and len(refused[0].message) <= 300
    assert len(audits) == 1 and len(audits[0].detail["message"]) <= 300
