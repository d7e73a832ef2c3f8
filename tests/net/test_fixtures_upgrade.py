"""Every saved batch fixture (one per released version) imports at today's hub, through the upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from desktop.sync import batch, canonical
from province import upgrades
from province.db import Hub, open_hub, put_meta
from province.devices import enrol
from province.importer import import_file
from province.keys import encryption_keys
from province.schema import DATA_TABLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "batches"
ALL = sorted(FIXTURES.glob("*.mcb"))


def fixture_hub(folder: Path) -> Hub:
    """A hub holding the fixtures' TEST-ONLY province keys, with the fixtures' desk enrolled."""
    hub = open_hub(f"sqlite:///{folder / 'hub.sqlite3'}", data_dir=folder)
    shutil.copytree(FIXTURES / "keys" / "province", folder / "keys", dirs_exist_ok=True)
    bundle = canonical.loads((FIXTURES / "keys" / "province.pub").read_bytes())
    with hub.transaction() as session:
        put_meta(session, "name", bundle["province"])
        put_meta(session, "signing_kid", bundle["signing_keys"][0]["kid"])
        put_meta(session, "public_bundle", bundle)
    enrol(hub, FIXTURES / "keys" / "enrol.json")
    return hub


def test_fixture_set_exists() -> None:
    assert len(ALL) >= 2 and any("synthetic" in p.name for p in ALL)


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_fixture_imports(path: Path, tmp_path: Path) -> None:
    hub = fixture_hub(tmp_path / "hub")
    try:
        result = import_file(hub, path)
        assert result.status == "applied", result.as_json()
        assert result.applied > 3 and result.rejected == 0 and result.conflicts == 0
        table = DATA_TABLES["dossier"]
        with hub.engine.connect() as conn:
            rows = conn.execute(select(table.c.applicant_name, table.c.channel)).all()
        assert sorted(r.applicant_name for r in rows) == [f"Nguyễn Thị Mẫu {i}" for i in range(3)]
        assert {r.channel for r in rows} == {"direct"}
    finally:
        hub.dispose()


def test_synthetic_old_fixture_goes_through_the_upgrade_step(tmp_path: Path) -> None:
    hub = fixture_hub(tmp_path / "hub")
    try:
        old = next(p for p in ALL if "synthetic" in p.name)
        sealed = batch.read_header(old.read_bytes())
        assert sealed.header["schema_version"] == "0001_initial"
        files = batch.decrypt(sealed, encryption_keys(hub))
        changes = batch.read_changes(files, canonical.loads(files["manifest.json"]))
        dossiers = [c for c in changes if c["table"] == "dossier"]
        assert dossiers and all("channel" not in c["row"] for c in dossiers)
        assert "0003_sync" in upgrades.missing_steps("0001_initial")
        upgraded = upgrades.upgrade_changes(sealed.header, changes)
        assert all(c["row"]["channel"] == "direct" for c in upgraded if c["table"] == "dossier")
        assert upgrades.missing_steps("+".join(sorted(upgrades.ancestors({"0003_sync"})))) == [
            r for r in upgrades.ordered_revisions() if r not in upgrades.ancestors({"0003_sync"})]
    finally:
        hub.dispose()


def test_too_old_and_too_new_are_refused_with_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Exception) as caught:
        upgrades.missing_steps("9999_future")
    assert getattr(caught.value, "code", None) == "schema_too_new"
    monkeypatch.setattr(upgrades, "OLDEST_SUPPORTED", "0003_sync")  # the window moved past 0001_initial
    hub = fixture_hub(tmp_path / "hub")
    try:
        old = next(p for p in ALL if "synthetic" in p.name)
        refused = import_file(hub, old)
        assert (refused.status, refused.code) == ("refused", "schema_too_old")
        assert "cập nhật phần mềm" in (refused.message or "")
        # Over HTTP the desk gets the same refusal with a province-signed receipt and "permanent".
        from tests.net.conftest import LiveHub, free_port

        batch_id = batch.read_header(old.read_bytes()).header["batch_id"]
        live = LiveHub(hub=hub, port=free_port())
        live.start()
        try:
            answer = httpx.put(f"{live.url}/api/v1/batches/{batch_id}", content=old.read_bytes())
        finally:
            live.stop()
        assert answer.status_code == 422
        body = answer.json()
        assert body["code"] == "schema_too_old" and body["receipt"]["receipt"]["status"] == "refused"
        from desktop.sync.receipt import verify

        verify(canonical.dumps(body["receipt"]), canonical.loads((FIXTURES / "keys" / "province.pub").read_bytes()))
    finally:
        hub.dispose()
