"""Desk side without a hub process: identity and key storage, key bundle, receipts, CLI contract."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from desktop.db.models import Setting
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.platform.paths import data_dir
from desktop.sync import canonical, container, identity, keys, receipt
from desktop.sync.errors import SyncError
from desktop.sync.export import export_batch
from province.db import open_hub
from province.keys import init_keys
from tests.sync_support import PROVINCE, receive


@pytest.fixture
def bundle_path(tmp_path: Path) -> Path:
    hub = open_hub(None, data_dir=tmp_path / "hub")
    init_keys(hub, name=PROVINCE, keys_out=tmp_path / "pub")
    hub.dispose()
    return tmp_path / "pub" / "province.pub"


def test_device_key_lives_outside_the_database(db: Database) -> None:
    with db.transaction() as session:
        device = identity.device_id(session)
        key = identity.signing_key(device)
    path = identity.key_path(device)
    assert path.parent.parent == data_dir() and path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(key, Ed25519PrivateKey)
    assert identity.public_key_b64(identity.signing_key(device)) == identity.public_key_b64(key)  # reloaded
    pem = path.read_bytes()
    with db.reading() as session:
        values = [json.dumps(v) for v in session.scalars(select(Setting.value))]
    assert not any(pem.decode()[40:80] in v for v in values)


def test_install_bundle_and_enrolment(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    with db.transaction() as session:
        bundle = keys.install_bundle(session, bundle_path)
        request = keys.write_enrolment(session, tmp_path / "enrol.json")
    assert bundle["province"] == PROVINCE
    outer = json.loads((tmp_path / "enrol.json").read_text(encoding="utf-8"))
    body = outer["request"]
    assert body == request and body["unit_code"] == "10375" and body["app_version"]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(container.unb64(body["public_key"])).verify(
        container.unb64(outer["signature"]), canonical.dumps(body))


def test_bad_bundle_refused(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    bundle = json.loads(bundle_path.read_bytes())
    bundle["encryption_keys"][0]["kid"] = "0000000000000000"
    bad = tmp_path / "bad.pub"
    bad.write_text(json.dumps(bundle), encoding="utf-8")
    with db.transaction() as session, pytest.raises(UserError) as info:
        keys.install_bundle(session, bad)
    assert "không khớp" in info.value.message


def test_export_needs_province_key(db: Database, tmp_path: Path) -> None:
    receive(db, 1)
    with pytest.raises(SyncError) as info:
        export_batch(db, tmp_path / "out")
    assert info.value.code == "no_province_key"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_export_progress_and_no_part_file(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    with db.transaction() as session:
        keys.install_bundle(session, bundle_path)
    receive(db, 3)
    calls: list[tuple[int, int]] = []
    result = export_batch(db, tmp_path / "usb", progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (result.changes, result.changes)
    assert [p.name for p in (tmp_path / "usb").iterdir()] == [result.file.name]  # type: ignore[union-attr]
    assert canonical.sha256(result.file.read_bytes()) == result.sha256  # type: ignore[union-attr]
    from desktop.sync.status import pending_list

    receive(db, 1, name="Mai Văn Sau")  # changed after the export: READY again
    with db.reading() as session:
        items = pending_list(session)
    states = {i["state"] for i in items}
    assert states == {"ready", "exported"}
    assert all(i["batch_id"] == result.batch_id and i["medium"] == "usb" for i in items if i["state"] == "exported")


def _signed_receipt(body: dict, key: Ed25519PrivateKey) -> bytes:
    return receipt.sign(body, key)


def test_forged_receipt_refused(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    with db.transaction() as session:
        keys.install_bundle(session, bundle_path)
        device = identity.device_id(session)
    body = {"format": receipt.RECEIPT_FORMAT, "receipt_id": "r1", "batch_id": "b1", "device_id": device,
            "accepted_through": {"e": 10 ** 6}, "problems": []}
    forged = tmp_path / "forged.receipt.json"
    forged.write_bytes(_signed_receipt(body, Ed25519PrivateKey.generate()))
    with db.transaction() as session, pytest.raises(SyncError) as info:
        receipt.import_receipt(session, forged)
    assert info.value.code == "bad_receipt"


def test_cli_contract(cli, bundle_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("sync", "keys", "--province-key", str(bundle_path)).code == 0
    enrol = cli("sync", "enrol", "--out", str(tmp_path / "enrol.json"), "--json")
    assert enrol.code == 0 and enrol.json()["unit_code"] == "10375"
    receive_out = cli("dossier", "receive", "--procedure", "2.000815", "--applicant", "Lý Thị Thu",
                      "--at", "2026-11-20T09:00:00", "--json")
    assert receive_out.code == 0, receive_out.err
    out = cli("sync", "export", "--out", str(tmp_path / "usb"), "--json")
    data = out.json()
    assert out.code == 0 and {"file", "batch_id", "changes", "seq_from", "seq_to"} <= set(data)
    assert Path(data["file"]).exists() and data["changes"] >= 1 and data["seq_from"] <= data["seq_to"]
    status = cli("sync", "status", "--json").json()
    assert status["pending_records"] >= 1 and status["exported_unconfirmed"] >= 1
    assert status["batches"][0]["batch_id"] == data["batch_id"] and status["batches"][0]["medium"] == "usb"
    bad = cli("sync", "receipt", str(bundle_path))
    assert bad.code == 2 and "Biên nhận không hợp lệ" in bad.err


def test_unwritable_destination_is_a_user_error(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    with db.transaction() as session:
        keys.install_bundle(session, bundle_path)
    receive(db, 1)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as info:
        export_batch(db, blocker / "usb")
    assert "Không ghi được" in info.value.message
    from desktop.sync.status import sync_status

    with db.reading() as session:
        assert sync_status(session)["exported_unconfirmed"] == 0  # nothing marked EXPORTED


def test_two_exports_in_one_second_keep_both_files(db: Database, bundle_path: Path, tmp_path: Path) -> None:
    """The clock is pinned, so both exports carry the same name stamp: the second must not replace the
    first on the stick (the first may be the one that reaches the province)."""
    with db.transaction() as session:
        keys.install_bundle(session, bundle_path)
    receive(db, 2)
    first = export_batch(db, tmp_path / "usb")
    second = export_batch(db, tmp_path / "usb")
    assert first.file != second.file and first.file.exists() and second.file.exists()  # type: ignore[union-attr]
    assert second.file.name == first.file.name.replace(".mcb", "-2.mcb")  # type: ignore[union-attr]
    assert canonical.sha256(first.file.read_bytes()) == first.sha256  # type: ignore[union-attr]


def test_a_value_the_province_would_refuse_stops_the_export_naming_the_dossier(
        db: Database, bundle_path: Path, tmp_path: Path) -> None:
    """Review 13: such a value made the province refuse the batch and every later one (the record is re-sent
    until confirmed); now the export names the dossier and column, and writes and marks nothing."""
    from datetime import datetime

    from sqlalchemy import update

    from desktop.db.models import Dossier
    from desktop.sync.status import sync_status

    with db.transaction() as session:
        keys.install_bundle(session, bundle_path)
    receive(db, 2)
    with db.transaction() as session:
        dossier = session.scalars(select(Dossier).order_by(Dossier.code)).first()
        assert dossier is not None
        code, due = dossier.code, dossier.due_at
        session.execute(update(Dossier).where(Dossier.id == dossier.id).values(due_at=datetime(2150, 1, 1, 17)))
    with pytest.raises(SyncError) as info:
        export_batch(db, tmp_path / "usb")
    assert info.value.code == "unsendable_value"
    assert f"hồ sơ {code}" in info.value.message and "dossier.due_at" in info.value.message
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())
    with db.reading() as session:
        assert sync_status(session)["exported_unconfirmed"] == 0
    with db.transaction() as session:
        session.execute(update(Dossier).where(Dossier.code == code).values(due_at=due))
    result = export_batch(db, tmp_path / "usb")
    assert result.file is not None and result.changes > 0
