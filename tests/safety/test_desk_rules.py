"""Issue #13, desk side: the rules live in the services, so the command line meets them too.

Every case goes through ``python -m desktop`` (in-process ``cli`` fixture) and checks both the
Vietnamese refusal and that nothing changed.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from province.cli import main as province_main

RECEIVE = ("dossier", "receive", "--procedure", "2.000815", "--at", "2026-11-20T09:00:00", "--applicant")


def _count(db_path: Path, sql: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def province_pub(tmp_path: Path) -> Path:
    assert province_main(["--data-dir", str(tmp_path / "hub"), "init", "--name", "UBND tỉnh Thử", "--keys-out",
                          str(tmp_path / "pub")]) == 0
    return tmp_path / "pub" / "province.pub"


def _accounts(cli) -> None:  # type: ignore[no-untyped-def]
    for username, role in (("quantri", "admin"), ("lanhdao", "leader"), ("canbo", "officer")):
        assert cli("officer", "add", username, "--name", f"Người {role}", "--role", role,
                   "--password", "matkhau123").code == 0


@pytest.mark.parametrize("who", ["canbo", "lanhdao"])
def test_officer_and_leader_cannot_replace_the_province_key(cli, db_path: Path, province_pub: Path,  # type: ignore[no-untyped-def]
                                                            who: str) -> None:
    _accounts(cli)
    refused = cli("--officer", who, "sync", "keys", "--province-key", str(province_pub))
    assert refused.code == 2
    assert "không có quyền thay đổi cài đặt" in refused.err and "quản trị" in refused.err
    assert _count(db_path, "SELECT count(*) FROM setting WHERE key = 'province_keys'") == 0
    assert cli("sync", "status", "--json").json()["province_keys_installed"] is False


def test_admin_installs_the_province_key(cli, db_path: Path, province_pub: Path) -> None:  # type: ignore[no-untyped-def]
    _accounts(cli)
    done = cli("--officer", "quantri", "sync", "keys", "--province-key", str(province_pub), "--json")
    assert done.code == 0, done.err
    assert done.json()["province"] == "UBND tỉnh Thử"
    assert cli("sync", "status", "--json").json()["province_keys_installed"] is True


@pytest.mark.parametrize("bad", ["Nguyễn\x00Văn An", "Nguyễn Văn\x07 An", "Trần\x1bThị", "Lê\x7fVăn", "Phạm\x85Thị"])
def test_control_characters_in_a_name_are_refused(cli, db_path: Path, bad: str) -> None:  # type: ignore[no-untyped-def]
    before = _count(db_path, "SELECT count(*) FROM dossier")
    refused = cli(*RECEIVE, bad)
    assert refused.code == 2
    assert "Họ tên người nộp chứa ký tự điều khiển không hợp lệ" in refused.err
    assert _count(db_path, "SELECT count(*) FROM dossier") == before


def test_line_breaks_only_where_the_field_is_multi_line(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    refused = cli(*RECEIVE, "Nguyễn Văn\nAn")
    assert refused.code == 2 and "Họ tên người nộp chứa xuống dòng" in refused.err
    noted = cli(*RECEIVE, "Nguyễn Văn An", "--notes", "Dòng một\nDòng hai", "--json")
    assert noted.code == 0, noted.err
    bad_note = cli(*RECEIVE, "Nguyễn Văn An", "--notes", "Ghi\x00chú")
    assert bad_note.code == 2 and "Ghi chú chứa ký tự điều khiển" in bad_note.err


def test_officer_name_with_a_control_character_is_refused(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    refused = cli("officer", "add", "lan", "--name", "Nguyễn\x07Thị Lan", "--password", "matkhau123")
    assert refused.code == 2 and "chứa ký tự điều khiển" in refused.err
    assert _count(db_path, "SELECT count(*) FROM officer") == 0


def test_catalogue_import_names_the_row_and_column(cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog_file = tmp_path / "danhmuc.csv"
    catalog_file.write_text("Mã TTHC,Tên TTHC,Lĩnh vực,Thời hạn giải quyết,Đơn vị thời hạn\n"
                            "9.999999,Thủ tục\x00lạ,Hộ tịch,3,ngày làm việc\n", encoding="utf-8")
    before = _count(db_path, "SELECT count(*) FROM procedure")
    refused = cli("catalog", "import", str(catalog_file))
    assert refused.code != 0
    said = refused.err + refused.out
    assert "2" in said and "Cột «Tên TTHC» chứa ký tự điều khiển" in said
    assert _count(db_path, "SELECT count(*) FROM procedure") == before


def test_ledger_export_survives_control_characters_already_stored(cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(*RECEIVE, "Hoàng Văn Em").code == 0
    con = sqlite3.connect(db_path)  # an older version let this in
    con.execute("UPDATE dossier SET applicant_name = 'Hoàng Văn' || char(7) || 'Em'")
    con.commit()
    con.close()
    out = tmp_path / "so.xlsx"
    done = cli("print", "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(out))
    assert done.code == 0, done.err
    texts = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert any("Hoàng Văn\ufffdEm" in t for t in texts)


def test_search_text_is_capped_with_a_message(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(*RECEIVE, "Đặng Thị Hoa").code == 0
    refused = cli("dossier", "list", "--search", "a" * 50_001)
    assert refused.code == 2 and "Traceback" not in refused.err
    assert "Từ khóa tìm kiếm dài 50.001 ký tự, quá giới hạn 200 ký tự" in refused.err
    found = cli("dossier", "list", "--search", "hoa", "--json")
    assert found.code == 0 and len(found.json()) == 1


@pytest.mark.parametrize("moment", ["1900-01-01", "1999-12-31T23:59:00"])
def test_moments_before_2000_are_refused(cli, db_path: Path, moment: str) -> None:  # type: ignore[no-untyped-def]
    before = _count(db_path, "SELECT count(*) FROM dossier")
    refused = cli("dossier", "receive", "--procedure", "2.000815", "--applicant", "Ngô Văn Tư", "--at", moment)
    assert refused.code == 2 and "quá xa trong quá khứ" in refused.err and "01/01/2000" in refused.err
    assert _count(db_path, "SELECT count(*) FROM dossier") == before


def test_survey_comment_with_a_control_character_is_refused(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _count(db_path, "SELECT count(*) FROM survey_answer")
    refused = cli("survey", "add", "--overall", "hai_long", "--comment", "Rất tốt\x1b[31m", "--at",
                  "2026-11-20T10:00:00")
    assert refused.code == 2 and "Ý kiến góp ý chứa ký tự điều khiển" in refused.err
    kept = cli("survey", "add", "--overall", "hai_long", "--comment", "Rất tốt,\ncảm ơn", "--at", "2026-11-20T10:00:00")
    assert kept.code == 0, kept.err
    assert _count(db_path, "SELECT count(*) FROM survey_answer") == before + 1


def test_a_service_that_forgets_still_cannot_store_one(db) -> None:  # type: ignore[no-untyped-def]
    """The flush guard: a row written without the service checks (here the calendar's reason goes
    through nfc() only) is still refused, naming the column."""
    from desktop.errors import UserError
    from desktop.services import calendar

    with pytest.raises(UserError) as err:
        with db.transaction() as session:
            calendar.set_override(session, date(2026, 12, 24), working=False, reason="Nghỉ\x00bù")
    assert "Lý do chứa ký tự điều khiển" in err.value.message and err.value.field == "reason"
