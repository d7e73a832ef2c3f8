"""Issue #13: the audit chain is keyed (HMAC, key outside the database) and anchored by the province.

Each attack is made with raw SQL on the database file, as someone with the file would, and checked
through ``python -m desktop audit verify``: before this issue, all of them verified "ok".
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from desktop.db.audit import entry_hash
from desktop.db.audit_key import load as load_audit_key
from desktop.db.models_audit import GENESIS_HASH
from province.cli import main as province_main
from tests.safety.helpers import raw_sql

RECEIVE = ("dossier", "receive", "--procedure", "2.000815", "--at", "2026-11-20T09:00:00", "--applicant")


def _rechain(db_path: Path, *, key: bytes | None) -> None:
    """What an attacker does after editing rows: recompute every hash (with ``key``, if they have it)."""
    con = sqlite3.connect(db_path)
    try:
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        prev = GENESIS_HASH
        rows = con.execute("SELECT seq, at, actor, table_name, record_id, op, before, after FROM audit_log "
                           "ORDER BY seq").fetchall()
        for seq, at, actor, table, record, op, before, after in rows:
            digest = entry_hash(prev, seq, at, actor, table, record, op, before, after, key=key)
            con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
            prev = digest
        con.commit()
    finally:
        con.close()


def _forge_name(db_path: Path, old: str, new: str) -> None:
    """Rename an applicant in the data AND in every audit image, so rows match their last image."""
    con = sqlite3.connect(db_path)
    try:
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("UPDATE dossier SET applicant_name = ? WHERE applicant_name = ?", (new, old))
        con.execute("UPDATE audit_log SET after = replace(after, ?, ?), before = replace(before, ?, ?)",
                    (old, new, old, new))
        con.commit()
    finally:
        con.close()


def _verify(cli) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = cli("audit", "verify", "--json")
    assert result.code in (0, 1), result.err
    return result.json()


def _device_key(db_path: Path) -> bytes:
    con = sqlite3.connect(db_path)
    try:
        device = json.loads(con.execute("SELECT value FROM setting WHERE key = 'device_id'").fetchone()[0])
    finally:
        con.close()
    found = load_audit_key(device)
    assert found is not None
    return found.key


def _acknowledged_batch(cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Keys, enrolment, one batch to a real (SQLite) hub through both command lines, and its receipt."""
    hub = ["--data-dir", str(tmp_path / "hub")]
    assert province_main([*hub, "init", "--name", "UBND tỉnh Thử", "--keys-out", str(tmp_path / "pub")]) == 0
    assert cli("sync", "keys", "--province-key", str(tmp_path / "pub" / "province.pub")).code == 0
    assert cli("sync", "enrol", "--out", str(tmp_path / "enrol.json")).code == 0
    assert province_main([*hub, "enrol", str(tmp_path / "enrol.json")]) == 0
    exported = cli("sync", "export", "--out", str(tmp_path / "usb"), "--json").json()
    capsys.readouterr()
    assert province_main([*hub, "import", exported["file"], "--receipts-out", str(tmp_path / "receipts")]) == 0
    receipt = tmp_path / "receipts" / f"{exported['batch_id']}.receipt.json"
    assert json.loads(receipt.read_text())["receipt"]["audit_head"]["count"] > 0
    assert cli("sync", "receipt", str(receipt)).code == 0


def test_the_key_lives_outside_the_database_and_is_owner_only(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(*RECEIVE, "Lê Văn Tám").code == 0
    keys = Path(os.environ["MOTCUA_DATA_DIR"]) / "keys"
    [key_file] = keys.glob("audit-*.key")
    assert key_file.read_bytes() not in db_path.read_bytes()
    if os.name == "posix":
        assert key_file.stat().st_mode & 0o777 == 0o600
    assert _verify(cli)["ok"] is True


def test_recomputing_the_keyless_chain_is_detected(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(*RECEIVE, "Nguyễn Văn An").code == 0
    assert cli(*RECEIVE, "Trần Thị Bình").code == 0
    assert _verify(cli)["ok"] is True
    _forge_name(db_path, "Trần Thị Bình", "Trần Thị Bích")
    _rechain(db_path, key=None)
    result = _verify(cli)
    assert result["ok"] is False and result["broken_at"] is not None
    assert "không khớp khóa nhật ký" in " ".join(result["problems"])
    text = cli("audit", "verify")
    assert text.code == 1 and "CẢNH BÁO" in text.out


def test_edited_row_is_detected(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(*RECEIVE, "Phạm Văn Cường").code == 0
    raw_sql(db_path, "UPDATE dossier SET applicant_name = 'Người khác'")
    result = _verify(cli)
    assert result["ok"] is False and result["mismatched"][0]["table"] == "dossier"


def test_dropping_the_last_rows_after_an_acknowledged_batch_is_detected(  # type: ignore[no-untyped-def]
        cli, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*RECEIVE, "Hoàng Thị Dung").code == 0
    _acknowledged_batch(cli, tmp_path, capsys)
    good = _verify(cli)
    assert good["ok"] is True and good["anchored"]["count"] == good["entries"]
    assert "Khớp với mốc tỉnh đã ký xác nhận" in cli("audit", "verify").out
    # the last dossier and its audit rows vanish: without the anchor the rest still verified "ok"
    con = sqlite3.connect(db_path)
    [(dossier_id,)] = con.execute("SELECT id FROM dossier WHERE applicant_name = 'Hoàng Thị Dung'").fetchall()
    con.close()
    raw_sql(db_path, "DROP TRIGGER audit_log_no_delete",
         "PRAGMA foreign_keys=OFF",
         f"DELETE FROM dossier_component WHERE dossier_id = '{dossier_id}'",
         f"DELETE FROM dossier_event WHERE dossier_id = '{dossier_id}'",
         f"DELETE FROM dossier WHERE id = '{dossier_id}'",
         f"DELETE FROM audit_log WHERE record_id = '{dossier_id}' OR after LIKE '%{dossier_id}%'")
    result = _verify(cli)
    assert result["ok"] is False
    assert "các dòng cuối đã bị xóa" in " ".join(result["problems"])


def test_recomputing_with_the_stolen_key_is_caught_by_the_province_anchor(  # type: ignore[no-untyped-def]
        cli, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*RECEIVE, "Vũ Văn Hải").code == 0
    _acknowledged_batch(cli, tmp_path, capsys)
    _forge_name(db_path, "Vũ Văn Hải", "Vũ Văn Hà")
    _rechain(db_path, key=_device_key(db_path))  # even with the key file in hand
    result = _verify(cli)
    assert result["ok"] is False and "chuỗi nhật ký đã bị tính lại" in " ".join(result["problems"])


def test_a_forged_anchor_in_the_database_is_refused(  # type: ignore[no-untyped-def]
        cli, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*RECEIVE, "Đinh Thị Lan").code == 0
    _acknowledged_batch(cli, tmp_path, capsys)
    raw_sql(db_path, "UPDATE setting SET value = json_set(value, '$.receipt.audit_head.count', 1) "
                  "WHERE key = 'audit_anchor'")
    result = _verify(cli)
    assert result["ok"] is False and "không có chữ ký hợp lệ của tỉnh" in " ".join(result["problems"])


def test_an_unkeyed_chain_from_an_older_version_is_verified_and_re_anchored(  # type: ignore[no-untyped-def]
        cli, db_path: Path) -> None:
    assert cli(*RECEIVE, "Mai Văn Bốn").code == 0
    _rechain(db_path, key=None)  # what the previous version wrote: plain SHA-256 links
    for key_file in (Path(os.environ["MOTCUA_DATA_DIR"]) / "keys").glob("audit-*.key"):
        key_file.unlink()
    old = _verify(cli)
    assert old["ok"] is True and old["keyed_from"] is None
    assert cli(*RECEIVE, "Mai Thị Năm").code == 0  # the first write makes the key and re-anchors
    now = _verify(cli)
    assert now["ok"] is True and now["keyed_from"] == old["entries"] + 1
    assert any("trước khi có khóa nhật ký" in note for note in now["notes"])
    # the unkeyed part can no longer be recomputed either: its last hash is in the key file
    _forge_name(db_path, "Mai Văn Bốn", "Mai Văn Bộn")
    _rechain(db_path, key=None)
    assert _verify(cli)["ok"] is False


def test_demo_rows_go_through_the_audit_path(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = tmp_path / "demo.sqlite3"
    assert cli("init", "--unit-code", "10375", "--unit-name", "UBND xã Tân Lập", db=fresh).code == 0
    assert cli("demo", "--dossiers", "40", db=fresh).code == 0
    result = cli("audit", "verify", "--json", db=fresh).json()
    assert result["ok"] is True
    assert not {"dossier", "dossier_event", "survey_answer", "queue_ticket"} & set(result["unaudited"])


def test_restoring_an_older_backup_sets_the_newer_anchor_aside(  # type: ignore[no-untyped-def]
        cli, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*RECEIVE, "Tạ Văn Mười").code == 0
    backup = cli("backup", "--out", str(tmp_path / "saoluu"), "--json").json()
    assert cli(*RECEIVE, "Tạ Thị Mười Một").code == 0
    _acknowledged_batch(cli, tmp_path, capsys)
    assert cli("restore", backup["path"]).code == 0
    result = _verify(cli)
    assert result["ok"] is True, result["problems"]
    kept = list((Path(os.environ["MOTCUA_DATA_DIR"]) / "keys").glob("audit-*.anchor.before-restore-*"))
    assert len(kept) == 1
