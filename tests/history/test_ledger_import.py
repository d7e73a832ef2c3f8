"""Issue #20: a messy official-layout ledger imported through the CLI, checked row by row."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from desktop.platform import clock
from desktop.db.models import Dossier, DossierEvent
from desktop.db.models_history import DossierImport
from desktop.history import dates
from desktop.history.columns import FIELD_LABELS, recognise
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from tests.history.ledger_fixture import CODE, build_ledger

VN = clock.VN_TZ


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VN)


def test_headers_and_dates_as_officers_write_them() -> None:
    assert recognise("Hẹn trả kết quả") == "due"
    assert recognise("Nhận kết quả từ cơ quan giải quyết") == "result"
    assert recognise("Trả kết quả cho tổ chức, cá nhân") == "returned"
    assert recognise("ĐỊA CHỈ, SỐ ĐIỆN THOẠI") == "address"
    default = datetime(2000, 1, 1, 7, 30).time()
    assert dates.parse("5/3/26", default) == _at(2026, 3, 5, 7, 30)
    assert dates.parse("05-03-2026 14:20", default) == _at(2026, 3, 5, 14, 20)
    assert dates.parse("8h30 05/03/2026", default) == _at(2026, 3, 5, 8, 30)
    assert dates.parse(46086, default) == _at(2026, 3, 5, 7, 30)
    assert dates.parse(46086.75, default) == _at(2026, 3, 5, 18, 0)
    for bad in ("31/02/2026", "hôm qua", "05/03/2026 25:00", 12):
        try:
            dates.parse(bad, default)
        except dates.BadDate:
            continue
        raise AssertionError(f"{bad!r} accepted")


def test_messy_ledger_preview_import_and_reimport(cli, db_path: Path, tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    ledger = build_ledger(tmp_path / "so-theo-doi.xlsx")

    preview = cli("history", "import", str(ledger), "--dry-run", "--json")
    assert preview.code == 0, preview.err
    data = preview.json()
    assert data["written"] is False and data["imported"] == 4 and data["skipped_duplicates"] == 1
    assert [r["row"] for r in data["refused"]] == [12, 14, 16, 17, 19]
    assert "gần giống" in data["refused"][0]["reason"]
    assert data["fuzzy"][0]["procedure_code"] == "2.000884" and data["fuzzy"][0]["rows"] == [12]
    assert data["header_rows"] == [4, 5]
    assert data["columns"]["I"] == "due" and data["columns"]["L"] == "returned"
    with db.reading() as session:
        assert session.scalar(select(Dossier.id)) is None  # a preview writes nothing

    mapping = tmp_path / "map.json"
    saved = cli("history", "import", str(ledger), "--dry-run", "--save-mapping", str(mapping))
    assert saved.code == 0 and "Sẽ nhập: 4 hồ sơ" in saved.out and "Dòng 14: từ chối" in saved.out
    stored = json.loads(mapping.read_text(encoding="utf-8"))
    assert stored["procedures"] == {"Chứng thực chữ kí trong giấy tờ văn bản": "2.000884"}

    done = cli("history", "import", str(ledger), "--mapping", str(mapping), "--json")
    assert done.code == 0, done.err
    result = done.json()
    assert result["imported"] == 5 and result["written"] is True and result["skipped_duplicates"] == 1
    refused = {r["row"]: r["reason"] for r in result["refused"]}
    assert sorted(refused) == [14, 16, 17, 19]
    assert "Ngày nhận" in refused[14] and "31/02/2026" in refused[14]
    assert "Không tìm thấy thủ tục" in refused[16]
    assert "Họ tên người nộp" in refused[17]
    assert "sớm hơn «Ngày nhận»" in refused[19]
    assert result["statuses"] == {"returned": 2, "resolved": 2, "in_progress": 1}

    with db.reading() as session:
        rows = {d.applicant_name: d for d in session.scalars(select(Dossier))}
        assert set(rows) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"}
        an = rows["Nguyễn Văn An"]
        assert an.code == CODE.format(2, 1) and an.status == "returned" and an.procedure_code == "2.000815"
        assert (an.received_at, an.due_at, an.result_at, an.returned_at) == (
            _at(2026, 10, 2, 8, 15), _at(2026, 10, 2, 17, 0), _at(2026, 10, 2, 10, 30), _at(2026, 10, 2, 14, 0))
        assert an.applicant_phone == "0912345678" and an.applicant_address.startswith("Thôn 1")
        binh = rows["Trần Thị Bình"]  # Excel serials; result after the appointment
        assert binh.code == CODE.format(5, 2) and binh.status == "resolved"
        assert binh.received_at == _at(2026, 10, 5, 7, 30) and binh.result_at == _at(2026, 10, 7, 17, 0)
        assert binh.notes == "chậm do thiếu giấy"
        cuong = rows["Lê Văn Cường"]  # no code in the ledger: one from this desk's range
        assert cuong.code == "000.00.23.H49-261005-0001" and cuong.status == "in_progress"
        assert cuong.due_at == _at(2026, 10, 8, 17, 0) and cuong.procedure_code == "1.004873"
        dung = rows["Phạm Thị Dung"]
        assert dung.procedure_code == "1.000894" and dung.result_at == _at(2026, 10, 6, 15, 0)
        em = rows["Hoàng Văn Em"]
        assert em.procedure_code == "2.000884" and em.status == "returned"
        kinds = [e.kind for e in session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == an.id)
                                                 .order_by(DossierEvent.at))]
        assert kinds == ["received", "started", "resolved", "returned"]
        marks = {m.dossier_code: (m.source_file, m.source_sheet, m.source_row) for m in session.scalars(select(DossierImport))}
        assert marks[an.code] == ("so-theo-doi.xlsx", "Sổ 2026", 7) and marks[cuong.code][2] == 10
        # Biểu 06 for October: 5 received, An/Dung/Em on time (result by the appointment), Bình late,
        # Cường still open and overdue at the end of the month
        report = periodic_report(session, parse_period("2026-10", calendar=True))
        total = report["total"]
        assert total["received"]["total"] == 5 and total["received"]["new_direct_postal"] == 5
        assert (total["resolved"]["total"], total["resolved"]["on_time"], total["resolved"]["late"]) == (4, 3, 1)
        assert (total["in_progress"]["total"], total["in_progress"]["overdue"]) == (1, 1)

    again = cli("history", "import", str(ledger), "--mapping", str(mapping), "--json").json()
    assert again["imported"] == 0 and again["skipped_duplicates"] == 6
    with db.reading() as session:
        assert len(session.scalars(select(Dossier.id)).all()) == 5


def test_import_is_admin_only_and_all_or_nothing(cli, tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    ledger = build_ledger(tmp_path / "ledger.xlsx")
    made = cli("officer", "add", "lan", "--name", "Nguyễn Thị Lan", "--role", "officer", "--password", "matkhau-123456")
    assert made.code == 0, made.err
    denied = cli("--officer", "lan", "history", "import", str(ledger), "--accept-fuzzy")
    assert denied.code != 0 and "quản trị" in denied.err
    with db.reading() as session:
        assert session.scalar(select(Dossier.id)) is None
    missing = cli("history", "import", str(tmp_path / "khong-co.xlsx"))
    assert missing.code == 2 and "Không tìm thấy tệp" in missing.err


def test_an_appointment_past_2100_is_refused_and_the_batch_still_reaches_the_province(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                                        db) -> None:
    """Review 13: «05/10/2206» (a typo for 2026) in the appointment column was imported; the province refuses
    a batch with a moment past 2100 (``bad_value``), so this desk's sync stopped for good."""
    from openpyxl import Workbook

    from province.importer import import_file
    from tests.sync_support import connect_desk, export, fresh_hub

    book = Workbook()
    book.active.append(["STT", "Tên TTHC", "Tên người nộp", "Ngày nhận", "Hẹn trả kết quả"])
    book.active.append([1, "Đăng ký khai sinh", "Trần Thị Bình", "05/10/2026", "05/10/2206"])
    book.active.append([2, "Đăng ký khai sinh", "Lê Văn Cường", "05/10/2026", "06/10/2026"])
    book.save(tmp_path / "so.xlsx")
    done = cli("history", "import", str(tmp_path / "so.xlsx"), "--json")
    assert done.code == 0, done.err
    result = done.json()
    assert result["imported"] == 1 and [r["row"] for r in result["refused"]] == [2]
    assert f"«{FIELD_LABELS['due']}»" in result["refused"][0]["reason"] and "2206" in result["refused"][0]["reason"]
    with db.reading() as session:
        assert session.scalars(select(Dossier.applicant_name)).all() == ["Lê Văn Cường"]
    hub = fresh_hub(None, tmp_path / "hub")
    try:
        connect_desk(db, hub, tmp_path / "desk")
        outcome = import_file(hub, export(db, tmp_path / "usb").file, receipts_out=tmp_path / "receipts")
        assert outcome.status == "applied", outcome.as_json()
    finally:
        hub.dispose()
