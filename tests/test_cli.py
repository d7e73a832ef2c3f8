"""The command line contract of issue #2: names, flags and JSON keys other tools depend on."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_receive_json_contract(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "Nguyễn Văn An",
            "--id-number", "001203004005", "--at", "2026-11-16T10:00", "--json")
    assert r.code == 0, r.err
    data = r.json()
    for key in ("code", "id", "received_at", "counting_start", "due_at", "status"):
        assert key in data
    assert data["received_at"] == "2026-11-16T10:00:00+07:00"
    assert data["due_at"] == "2026-11-19T17:00:00+07:00"
    assert data["status"] == "received"


def test_full_lifecycle_via_cli(cli) -> None:  # type: ignore[no-untyped-def]
    code = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "Trần Thị Bích",
               "--at", "2026-11-16T10:00", "--json").json()["code"]
    assert cli("dossier", "start", code, "--at", "2026-11-16T11:00").code == 0
    assert cli("dossier", "supplement-request", code, "--items", "Bản sao CCCD;Tờ khai", "--at", "2026-11-17T09:00").code == 0
    r = cli("dossier", "supplement-received", code, "--at", "2026-11-18T09:00", "--json")
    assert r.json()["due_at"] == "2026-11-23T17:00:00+07:00"
    assert cli("dossier", "apology", code, "--new-date", "2026-11-26", "--reason", "Chờ xác minh",
               "--at", "2026-11-20T09:00").code == 0
    assert cli("dossier", "result", code, "--at", "2026-11-20T10:00").code == 0
    assert cli("dossier", "return", code, "--at", "2026-11-20T11:00").code == 0
    show = cli("dossier", "show", code, "--json").json()
    assert show["status"] == "returned"
    assert show["classification"] == "early"
    assert [e["kind"] for e in show["events"]] == [
        "received", "started", "supplement_requested", "supplement_received", "apology_issued", "resolved", "returned"]


def test_rejected_needs_reason(cli) -> None:  # type: ignore[no-untyped-def]
    code = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "A B", "--at", "2026-11-16T10:00",
               "--json").json()["code"]
    cli("dossier", "start", code, "--at", "2026-11-16T10:30")
    r = cli("dossier", "result", code, "--rejected", "--at", "2026-11-17T10:00")
    assert r.code != 0 and "lý do" in r.err


def test_illegal_transition_exit_code_and_message(cli) -> None:  # type: ignore[no-untyped-def]
    code = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "A B", "--json").json()["code"]
    r = cli("dossier", "return", code)
    assert r.code != 0
    assert "Không thể trả kết quả" in r.err


def test_refuse_and_withdraw(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("dossier", "refuse", "--procedure", "1.001193", "--applicant", "Lê Văn C", "--reason",
            "Không thuộc thẩm quyền", "--at", "2026-11-16T09:00", "--json")
    assert r.json()["status"] == "refused_at_reception"
    code = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", "D", "--at", "2026-11-16T09:00",
               "--json").json()["code"]
    assert cli("dossier", "withdraw", code, "--at", "2026-11-16T10:00", "--json").json()["status"] == "withdrawn"


def test_list_search_folds_diacritics(cli) -> None:  # type: ignore[no-untyped-def]
    for name in ("Nguyễn Văn An", "Đặng Thị Đào", "Trần Văn Bình"):
        cli("dossier", "receive", "--procedure", "1.001193", "--applicant", name, "--at", "2026-11-16T09:00")
    found = cli("dossier", "list", "--search", "nguyen van an", "--json").json()
    assert [d["applicant_name"] for d in found] == ["Nguyễn Văn An"]
    assert [d["applicant_name"] for d in cli("dossier", "list", "--search", "dang thi dao", "--json").json()] == [
        "Đặng Thị Đào"]
    assert len(cli("dossier", "list", "--search", "ĐẶNG", "--json").json()) == 1
    assert len(cli("dossier", "list", "--status", "received", "--json").json()) == 3
    assert cli("dossier", "list", "--status", "bogus").code != 0


def test_search_by_code_and_id_number(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", "X Y", "--id-number", "079123456789",
              "--at", "2026-11-16T09:00", "--json").json()
    assert cli("dossier", "list", "--search", "079123456789", "--json").json()[0]["code"] == out["code"]
    assert cli("dossier", "list", "--search", out["code"], "--json").json()[0]["id"] == out["id"]


def test_nfd_input_is_stored_nfc_and_found(cli) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Phạm Thị Ánh")
    out = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", nfd, "--json").json()
    assert out["applicant_name"] == unicodedata.normalize("NFC", "Phạm Thị Ánh")
    assert len(cli("dossier", "list", "--search", "pham thi anh", "--json").json()) == 1


def test_calendar_show_and_overrides(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("calendar", "off", "2026-12-31", "--reason", "Nghỉ bù theo quyết định tỉnh").code == 0
    assert cli("calendar", "working", "2026-12-26", "--reason", "Làm bù").code == 0
    view = cli("calendar", "show", "--year", "2026", "--json").json()
    assert set(view) >= {"year", "days_off", "extra_working_days"}
    off = {d["date"]: d["name"] for d in view["days_off"]}
    assert "2026-02-17" in off and "2026-12-31" in off and "2026-11-24" in off
    extra = {d["date"] for d in view["extra_working_days"]}
    assert {"2026-12-26", "2026-08-22"} <= extra
    assert cli("calendar", "off", "2026-11-18", "--reason", "Nghỉ đột xuất").code == 0
    r = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "A", "--at", "2026-11-16T10:00", "--json")
    # Mon 16/11 + 3: Tue 17, (Wed 18 off), Thu 19, Fri 20
    assert r.json()["due_at"] == "2026-11-20T17:00:00+07:00"


def test_calendar_bad_date(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("calendar", "off", "31-12-2026")
    assert r.code != 0 and "Ngày" in r.err


def test_init_fresh_database(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "fresh.sqlite3"
    r = cli("init", "--unit-code", "26734", "--unit-name", "UBND xã Mường Lát", "--seq-range", "5000-9999",
            "--json", db=db)
    assert r.code == 0, r.err
    out = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", "Lò Văn Pằng", "--json", db=db).json()
    assert out["code"].startswith("26734-") and out["code"].endswith("-5000")
    assert cli("init", "--unit-code", "abc", "--unit-name", "x", db=tmp_path / "x.db").code != 0


def test_uninitialised_database_message(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", "A", db=tmp_path / "empty.db")
    assert r.code != 0 and "chưa được khởi tạo" in r.err


CSV_OK = """Tên TTHC;Mã TTHC;Lĩnh vực;Thời hạn giải quyết;Đơn vị thời hạn;Giờ chốt trong ngày;Phí, lệ phí;Mức độ DVC;Thành phần hồ sơ
Cấp phép đào đường;9.000001;Giao thông;5;ngày làm việc;;;một phần;"Đơn đề nghị;Bản vẽ"
Xác nhận đơn;9.000002;Tư pháp;4;giờ làm việc;;;;Đơn
"""


def test_catalog_import_csv_bom_semicolon(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cat.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_OK.encode())
    r = cli("catalog", "import", str(path), "--json")
    assert r.code == 0, r.err
    assert r.json()["created"] == 2
    items = {p["code"]: p for p in cli("catalog", "list", "--json").json()}
    assert items["9.000001"]["components"] == ["Đơn đề nghị", "Bản vẽ"]
    assert items["9.000002"]["time_unit"] == "working_hours"
    assert items["9.000001"]["online_level"] == "partial"
    # re-import updates by code
    path.write_text(CSV_OK.replace(";5;", ";7;"), encoding="utf-8")
    assert cli("catalog", "import", str(path), "--json").json()["updated"] == 2
    assert {p["code"]: p for p in cli("catalog", "list", "--json").json()}["9.000001"]["time_value"] == 7


def test_catalog_bad_rows_write_nothing_unless_skip(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = CSV_OK + "Thủ tục lỗi;9.000003;Tư pháp;ba;ngày làm việc;;;;\nThiếu đơn vị;9.000004;Tư pháp;3;tuần;;;;\n"
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    before = len(cli("catalog", "list", "--json").json())
    r = cli("catalog", "import", str(path))
    assert r.code != 0
    assert "Dòng 4" in r.err and "Dòng 5" in r.err
    assert len(cli("catalog", "list", "--json").json()) == before
    r = cli("catalog", "import", str(path), "--skip-bad", "--json")
    assert r.code == 0 and r.json()["created"] == 2
    assert len(cli("catalog", "list", "--json").json()) == before + 2


def test_catalog_import_xlsx(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Thời hạn giải quyết", "Đơn vị thời hạn", "Giờ chốt trong ngày",
               "Thành phần hồ sơ"])
    ws.append(["9.100001", "Chứng thực hợp đồng", "Chứng thực", 0, "trong ngày", "15:00", "Hợp đồng; Giấy tờ tùy thân"])
    path = tmp_path / "cat.xlsx"
    wb.save(path)
    assert cli("catalog", "import", str(path)).code == 0
    item = {p["code"]: p for p in cli("catalog", "list", "--json").json()}["9.100001"]
    assert item["time_unit"] == "same_day" and item["same_day_cutoff"] == "15:00"


def test_catalog_missing_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.csv"
    path.write_text("Mã TTHC,Tên TTHC\n1,2\n", encoding="utf-8")
    r = cli("catalog", "import", str(path))
    assert r.code != 0 and "thiếu cột" in r.err


@pytest.mark.slow
def test_demo_generates_consistent_data(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("demo", "--dossiers", "400", "--months", "6", "--seed", "3", "--json")
    assert r.code == 0, r.err
    assert r.json()["dossiers"] == 400
    rows = cli("dossier", "list", "--json").json()
    statuses = {row["status"] for row in rows}
    assert {"returned", "refused_at_reception"} <= statuses
    assert any(row["classification"] == "late" for row in rows)
    assert any(row["channel"] == "online" for row in rows)


def test_newer_database_refused(tmp_path: Path) -> None:
    from sqlalchemy import text

    from desktop.db.session import open_database
    from desktop.errors import UserError

    db = open_database(tmp_path / "n.db")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    db.dispose()
    with pytest.raises(UserError, match="phiên bản phần mềm mới hơn"):
        open_database(tmp_path / "n.db")


def test_qt_stays_in_ui() -> None:
    """Only desktop/ui imports Qt (style.md §1)."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in list((root / "desktop").rglob("*.py")) + list((root / "province").rglob("*.py")):
        if "ui" in path.relative_to(root / "desktop").parts if path.is_relative_to(root / "desktop") else False:
            continue
        text = path.read_text(encoding="utf-8")
        if "PySide6" in text or "from PyQt" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
