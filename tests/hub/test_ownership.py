"""Ownership at the hub (issue 13, hole 1): a correctly signed batch from desk B (unit 10376) carrying
desk A's dossier id, a higher version and an empty or B-owned ``owner_unit`` is refused for that record
with ``not_owner``; A's row is unchanged and the rest of B's batch is applied. Through the public command
line and over HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from desktop.db.session import Database
from desktop.sync import canonical, export as desk_export
from province.cli import main as province_main
from province.db import Hub
from province.schema import DATA_TABLES
from tests.net.conftest import LiveHub, free_port
from tests.sync_support import connect_desk, deliver, export, neighbour_desk, receive


@pytest.fixture
def desk_b(tmp_path: Path) -> Iterator[Database]:
    other = neighbour_desk(tmp_path / "b.sqlite3")
    yield other
    other.dispose()


def _dossiers(hub: Hub) -> dict[str, dict[str, Any]]:
    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}


def _forged_batch(monkeypatch: pytest.MonkeyPatch, b: Database, out: Path, victim: dict[str, Any],
                  owner: str) -> dict[str, Any]:
    """B's real export (signed with B's device key) with A's dossier slipped in, and one new row claiming A."""
    real = desk_export._snapshots

    def forged(session: Any, latest: Any) -> list[dict[str, Any]]:
        changes = real(session, latest)
        seq = max(c["seq"] for c in changes)
        epoch = changes[0]["epoch"]
        row = canonical.loads(canonical.dumps(victim))  # as it travels: ISO strings
        row.update(owner_unit=owner, applicant_name="Kẻ Giả Mạo", version=victim["version"] + 5)
        stranger = dict(row, id=str(uuid.uuid4()), code="X-10375-GIA", owner_unit="10375", version=1)
        for r in (row, stranger):
            changes.append({"change_id": f"{epoch}:{seq}", "seq": seq, "epoch": epoch, "table": "dossier",
                            "record_id": r["id"], "op": "upsert", "version": r["version"], "row": r,
                            "officer": "canbo", "device_time": "2026-11-20T09:00:00+07:00"})
        return changes

    monkeypatch.setattr(desk_export, "_snapshots", forged)
    result = export(b, out)
    monkeypatch.setattr(desk_export, "_snapshots", real)
    assert result.file is not None
    return {"file": result.file, "batch_id": result.batch_id, "changes": result.changes}


def _setup(db: Database, b: Database, hub: Hub, tmp_path: Path) -> dict[str, Any]:
    connect_desk(db, hub, tmp_path / "a")
    connect_desk(b, hub, tmp_path / "b")
    receive(db, 2, name="Nguyễn Thị Chủ")
    deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
    receive(b, 3, name="Tạ Thị Nga")
    before = _dossiers(hub)
    victim = next(r for r in before.values() if r["owner_unit"] == "10375")
    return {"before": before, "victim": victim}


def _check(hub: Hub, s: dict[str, Any], signed: dict[str, Any]) -> None:
    receipt = signed["receipt"]
    after = _dossiers(hub)
    victim = s["victim"]
    assert after[victim["id"]] == s["before"][victim["id"]]  # A's row untouched: name, version, owner
    refused = [p for p in receipt["problems"] if p["code"] == "not_owner"]
    assert {p["record_id"] for p in refused} >= {victim["id"]} and len(refused) == 2
    assert all("đơn vị khác" in p["message"] for p in refused)
    assert receipt["counts"]["rejected"] == 2
    b_rows = [r for r in after.values() if r["owner_unit"] == "10376"]
    assert len(b_rows) == 3 and {r["applicant_name"][:10] for r in b_rows} == {"Tạ Thị Nga"}
    assert not any(r["applicant_name"] == "Kẻ Giả Mạo" or r["code"] == "X-10375-GIA" for r in after.values())
    assert len(after) == 5


@pytest.mark.parametrize("owner", ["", "10376"])
def test_other_units_record_refused_on_cli(owner: str, db: Database, desk_b: Database, hub: Hub, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    s = _setup(db, desk_b, hub, tmp_path)
    forged = _forged_batch(monkeypatch, desk_b, tmp_path / "usb", s["victim"], owner)
    url = hub.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    code = province_main(["--db-url", url, "--data-dir", str(hub.data_dir), "import", str(forged["file"]),
                          "--receipts-out", str(tmp_path / "receipts"), "--json"])
    result = json.loads(capsys.readouterr().out)[0]
    assert code == 0 and result["status"] == "applied" and result["rejected"] == 2, result
    assert result["applied"] == forged["changes"] - 2
    _check(hub, s, json.loads(Path(result["receipt_file"]).read_text(encoding="utf-8")))


def test_other_units_record_refused_over_http(db: Database, desk_b: Database, hub: Hub, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    s = _setup(db, desk_b, hub, tmp_path)
    forged = _forged_batch(monkeypatch, desk_b, tmp_path / "usb", s["victim"], "")
    live = LiveHub(hub=hub, port=free_port())
    live.start()
    try:
        answer = httpx.put(f"{live.url}/api/v1/batches/{forged['batch_id']}",
                           content=Path(forged["file"]).read_bytes(), timeout=60)
    finally:
        live.stop()
    assert answer.status_code == 200, answer.text
    signed = json.loads(answer.content)
    assert signed["receipt"]["status"] == "applied"
    _check(hub, s, signed)


def test_owner_may_still_update_and_version_guard_holds(db: Database, hub: Hub, tmp_path: Path) -> None:
    """The owner's own newer version is applied; a stale copy is not (the guard on both databases)."""
    from desktop.services import dossiers

    connect_desk(db, hub, tmp_path / "a")
    codes = receive(db, 1, name="Lê Văn Chủ")
    deliver(hub, db, export(db, tmp_path / "1"), tmp_path / "1")
    with db.transaction(officer="canbo") as session:
        dossiers.start(session, codes[0])
    outcome = deliver(hub, db, export(db, tmp_path / "2"), tmp_path / "2")
    assert outcome.applied >= 1 and outcome.rejected == 0
    row = next(r for r in _dossiers(hub).values() if r["code"] == codes[0])
    with db.reading() as session:
        desk_row = session.execute(select(DATA_TABLES["dossier"].c.version, DATA_TABLES["dossier"].c.status).where(
            DATA_TABLES["dossier"].c.code == codes[0])).one()
    assert (row["version"], row["status"], row["owner_unit"]) == (desk_row[0], desk_row[1], "10375")


def test_older_version_never_overwrites(db: Database, hub: Hub, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The version guard of the set-based upsert: the owner's own batch carrying an OLDER version of a
    record the hub holds newer is not applied (counted unchanged), whatever its content."""
    from desktop.services import dossiers

    connect_desk(db, hub, tmp_path / "a")
    codes = receive(db, 2, name="Lê Văn Chủ")
    with db.transaction(officer="canbo") as session:
        dossiers.start(session, codes[0])
    deliver(hub, db, export(db, tmp_path / "1"), tmp_path / "1")
    stored = next(r for r in _dossiers(hub).values() if r["code"] == codes[0])
    assert stored["version"] >= 2
    receive(db, 1, name="Lê Văn Mới")
    real = desk_export._snapshots

    def older(session: Any, latest: Any) -> list[dict[str, Any]]:
        changes = real(session, latest)
        row = canonical.loads(canonical.dumps(stored))
        row.update(applicant_name="Bản Cũ", version=1, status="received")
        seq = max(c["seq"] for c in changes)
        changes.append({"change_id": f"{changes[0]['epoch']}:{seq}", "seq": seq, "epoch": changes[0]["epoch"],
                        "table": "dossier", "record_id": stored["id"], "op": "upsert", "version": 1, "row": row,
                        "officer": "canbo", "device_time": "2026-11-20T09:00:00+07:00"})
        return changes

    monkeypatch.setattr(desk_export, "_snapshots", older)
    outcome = deliver(hub, db, export(db, tmp_path / "2"), tmp_path / "2")
    assert outcome.unchanged == 1 and outcome.rejected == 0 and outcome.conflicts == 0, outcome.as_json()
    after = _dossiers(hub)
    assert after[stored["id"]] == stored
    assert any(r["applicant_name"].startswith("Lê Văn Mới") for r in after.values())
