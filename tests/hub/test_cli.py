"""The command lines end to end: desk CLI ↔ files ↔ ``python -m province`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from province.cli import main as province_main
from tests.sync_support import drop_pg_schema, pg_schema_url


@pytest.fixture
def hub_args(hub_url: str | None, tmp_path: Path) -> Iterator[list[str]]:
    if hub_url is None:
        yield ["--data-dir", str(tmp_path / "hubdata")]
        return
    url, schema = pg_schema_url(hub_url)
    yield ["--db-url", url, "--data-dir", str(tmp_path / "hubdata")]
    drop_pg_schema(hub_url, schema)


def _province(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = province_main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_round_trip(cli, hub_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _province(capsys, *hub_args, "init", "--name", "UBND tỉnh Thử", "--keys-out", str(tmp_path / "pub"),
                             "--json")
    assert code == 0 and json.loads(out)["province"] == "UBND tỉnh Thử"
    assert cli("sync", "keys", "--province-key", str(tmp_path / "pub" / "province.pub")).code == 0
    assert cli("sync", "enrol", "--out", str(tmp_path / "enrol.json")).code == 0
    assert _province(capsys, *hub_args, "enrol", str(tmp_path / "enrol.json"))[0] == 0
    assert cli("dossier", "receive", "--procedure", "2.000815", "--applicant", "Bùi Thị Hằng",
               "--at", "2026-11-20T09:00:00").code == 0
    exported = cli("sync", "export", "--out", str(tmp_path / "usb"), "--json").json()

    (tmp_path / "usb" / "junk.mcb").write_bytes(b"not a batch")
    code, out, _ = _province(capsys, *hub_args, "import", str(tmp_path / "usb"), "--receipts-out",
                             str(tmp_path / "usb" / "receipts"), "--json")
    results = {Path(r["file"]).name: r for r in json.loads(out)}
    assert code == 1  # one refused file → non-zero exit
    good = results[Path(exported["file"]).name]
    assert {k: good[k] for k in ("batch_id", "status", "code", "applied", "skipped")} == {
        "batch_id": exported["batch_id"], "status": "applied", "code": None, "applied": exported["changes"],
        "skipped": 0}
    assert good["message"] is None
    assert results["junk.mcb"]["status"] == "refused" and results["junk.mcb"]["code"] == "truncated"

    code, out, _ = _province(capsys, *hub_args, "import", exported["file"], "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "duplicate"
    code, out, _ = _province(capsys, *hub_args, "import", exported["file"], "--dry-run", "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "duplicate"

    receipt_file = tmp_path / "usb" / "receipts" / f"{exported['batch_id']}.receipt.json"
    done = cli("sync", "receipt", str(receipt_file), "--json")
    assert done.code == 0 and done.json()["acknowledged"] >= exported["changes"]
    status = cli("sync", "status", "--json").json()
    assert status["pending_changes"] == 0 and status["last_sync_at"]
    assert cli("sync", "export", "--out", str(tmp_path / "usb2"), "--json").json()["file"] is None
