"""Cài đặt › Sao lưu and › Nhật ký: back up from the UI, restore (admin only, refused by the service for an
officer), the USB folder setting, the audit trail with filters and the chain check catching a raw edit."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from desktop import settings
from desktop.platform import backup, clock
from desktop.platform.backup import default_backup_dir, integrity_errors
from desktop.db.models import Dossier
from desktop.services import dossiers, officers
from desktop.services.desk import get_setting
from desktop.ui.context import UiContext
from desktop.ui.widgets.audit_panel import FLAGGED, AuditPanel
from desktop.ui.widgets.backup_panel import BackupPanel
from tests.safety.helpers import applicants, receive, setting

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(officers, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


# -- Sao lưu ------------------------------------------------------------------------------------
def test_backup_now_writes_a_file_that_passes_integrity_check(make_ctx: Any, qtbot: Any, tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    ctx = make_ctx("officer")  # every role may back up
    receive(ctx.db, "Trần Văn Bình")
    usb = tmp_path / "USB có dấu"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.backup_button, Qt.MouseButton.LeftButton)
    [written] = list(usb.glob("motcua-*-manual-v*.sqlite3"))
    assert integrity_errors(written) == []
    assert "Trần Văn Bình" in applicants(written)
    assert str(written) in panel.status.text() and "đạt kiểm tra toàn vẹn" in panel.status.text()
    assert panel.progress.maximum() > 0 and panel.progress.value() == panel.progress.maximum()
    assert not panel.progress.isVisibleTo(panel) and panel.backup_button.isEnabled()
    listed = [panel.table.item(r, 4).text() for r in range(panel.table.rowCount())]
    assert listed == [str(usb)]  # the list now shows the folder just used
    assert panel.table.item(0, 1).text() == "Sao lưu ngay"


def test_backup_list_shows_dates_kinds_and_sizes(ctx: UiContext, qtbot: Any) -> None:
    older = backup.backup_now(ctx.db.path, kind="daily", now=clock.now() - timedelta(days=1))
    newer = backup.backup_now(ctx.db.path, kind="pre-migration")
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.folder.text() == str(default_backup_dir())
    rows = [[panel.table.item(r, c).text() for c in range(5)] for r in range(panel.table.rowCount())]
    assert [r[1] for r in rows] == ["Trước nâng cấp", "Hằng ngày"]
    assert rows[1][0] == f"{clock.to_vn(clock.now() - timedelta(days=1)):%H:%M:%S %d/%m/%Y}"
    assert rows[0][3].endswith(("KB", "MB")) and rows[0][4] == "Thư mục sao lưu"
    assert panel.selected_backup() is None
    panel.table.setCurrentCell(1, 0)
    assert panel.selected_backup().path == older and newer.exists()  # type: ignore[union-attr]


def test_restore_is_refused_for_an_officer_and_done_for_an_admin(make_ctx: Any, qtbot: Any, messages: Any) -> None:
    admin = make_ctx("admin")
    officer = make_ctx("officer")
    receive(admin.db, "Có trong bản sao lưu")
    saved = backup.backup_now(admin.db.path, kind="manual")
    receive(admin.db, "Nhập sau khi sao lưu")
    epoch_before = setting(admin.db.path, "db_epoch")

    officer_panel = BackupPanel(officer)
    qtbot.addWidget(officer_panel)
    assert not officer_panel.restore_button.isEnabled()
    assert officer_panel.restore_from(saved) is False  # any route ends at the service's check
    assert any("không có quyền khôi phục dữ liệu" in text for text in messages.texts())
    assert "Nhập sau khi sao lưu" in applicants(admin.db.path)  # nothing replaced

    seen: list[object] = []
    admin.bus.changed.connect(seen.append)
    panel = BackupPanel(admin)
    qtbot.addWidget(panel)
    assert panel.restore_button.isEnabled()
    panel.table.setCurrentCell([e.backup.path for e in panel.entries].index(saved), 0)
    messages.shown.clear()
    panel.restore_selected()
    kinds = [kind for kind, _title, _text in messages.shown]
    assert kinds[0] == "question" and kinds[-1] == "information", messages.shown
    assert "Đã khôi phục dữ liệu" in messages.shown[-1][2]
    with admin.db.reading() as s:  # the same Database object now reads the restored file
        names = set(s.scalars(select(Dossier.applicant_name)))
    assert "Có trong bản sao lưu" in names and "Nhập sau khi sao lưu" not in names
    assert setting(admin.db.path, "db_epoch") != epoch_before  # new sync epoch
    assert seen and "dossiers" in seen[-1]  # every open view reloads
    assert any(e.backup.kind == "pre-restore" for e in panel.entries)  # what was there is kept


def test_restore_of_a_damaged_backup_is_refused_before_anything_changes(ctx: UiContext, qtbot: Any,
                                                                        messages: Any, tmp_path: Path) -> None:
    bad = tmp_path / "motcua-20261119-090000-manual-v0.1.0.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    receive(ctx.db, "Vẫn còn")
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.restore_from(bad) is False
    assert any("bị hỏng" in text or "không phải bản sao lưu" in text for text in messages.texts())
    assert "Vẫn còn" in applicants(ctx.db.path)
    assert not [b for b in backup.list_backups() if b.kind == "pre-restore"]


def test_second_folder_is_set_by_an_admin_and_refused_for_an_officer(make_ctx: Any, qtbot: Any, tmp_path: Path,
                                                                     messages: Any) -> None:
    admin = make_ctx("admin")
    panel = BackupPanel(admin)
    qtbot.addWidget(panel)
    usb = tmp_path / "usb"
    panel.save_second_dir(usb)
    assert panel.second_edit.text() == str(usb)
    with admin.db.reading() as s:
        assert get_setting(s, settings.BACKUP_SECOND_DIR.key) == str(usb)
    daily = backup.run_scheduled_backup(admin.db.path)  # automatic backups now land on the stick too
    assert daily is not None and (usb / daily.name).is_file()

    officer = make_ctx("officer")
    officer_panel = BackupPanel(officer)
    qtbot.addWidget(officer_panel)
    assert not officer_panel.choose_second.isEnabled()
    assert [officer_panel.table.item(r, 4).text() for r in range(officer_panel.table.rowCount())] == [
        "Thư mục sao lưu", "Thư mục thứ hai"]
    officer_panel.save_second_dir(None)
    assert any("không có quyền thay đổi cài đặt" in text for text in messages.texts())
    with admin.db.reading() as s:
        assert get_setting(s, settings.BACKUP_SECOND_DIR.key) == str(usb)
    panel.save_second_dir(None)
    assert panel.second_edit.text() == ""


# -- Nhật ký ------------------------------------------------------------------------------------
def _activity(make_ctx: Any) -> UiContext:
    """canbo1 receives a dossier, lanhdao1 starts it; returns the leader's context (code in .code)."""
    make_ctx("officer")
    ctx = make_ctx("leader")
    code = receive(ctx.db, "Phạm Thị Hoa", officer="canbo1")
    with ctx.db.transaction(officer="lanhdao1") as s:
        dossiers.start(s, code)
    ctx.code = code  # type: ignore[attr-defined]
    return ctx


def test_leader_sees_who_did_what_with_before_and_after_and_filters(make_ctx: Any, qtbot: Any) -> None:
    leader = _activity(make_ctx)
    code = leader.code
    panel = AuditPanel(leader)
    qtbot.addWidget(panel)
    assert panel.stack.currentIndex() == 0
    actors = [panel.actor.itemData(i) for i in range(panel.actor.count())]
    assert "canbo1" in actors and "lanhdao1" in actors
    texts = [[panel.table.item(r, c).text() for c in range(6)] for r in range(panel.table.rowCount())]
    started = next(r for r in texts if r[3] == "Sửa" and r[4] == f"Hồ sơ {code}")
    assert started[2] == "Lê Thị Hồng Nhung (lanhdao1)"
    assert "Trạng thái: Đã tiếp nhận (received) → Đang giải quyết (in_progress)" in started[5]
    panel.table.setCurrentCell(texts.index(started), 0)
    details = {panel.details.item(r, 0).text(): (panel.details.item(r, 1).text(), panel.details.item(r, 2).text())
               for r in range(panel.details.rowCount())}
    assert details["Trạng thái"] == ("Đã tiếp nhận (received)", "Đang giải quyết (in_progress)")
    assert "Phiên bản" not in details and "version" not in details  # bookkeeping left out

    panel.actor.setCurrentIndex(actors.index("canbo1"))
    assert panel.table.rowCount() > 0
    assert {panel.table.item(r, 2).text() for r in range(panel.table.rowCount())} == {"Lê Thị Hồng Nhung (canbo1)"}
    assert any(panel.table.item(r, 3).text() == "Thêm" and panel.table.item(r, 4).text() == f"Hồ sơ {code}"
               for r in range(panel.table.rowCount()))
    panel.date_to.setDate(QDate(2026, 11, 19))  # everything happened on the 20th
    assert panel.table.rowCount() == 0 and panel.count.text() == "0 thay đổi"


def test_integrity_check_reports_a_row_edited_behind_the_apps_back(make_ctx: Any, qtbot: Any) -> None:
    leader = _activity(make_ctx)
    code = leader.code
    panel = AuditPanel(leader)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    assert panel.result.text().startswith("Nhật ký nguyên vẹn") and not panel.flagged

    leader.db.dispose()
    con = sqlite3.connect(leader.db.path)
    con.execute("UPDATE dossier SET applicant_name = 'Người khác' WHERE code = ?", (code,))
    con.commit()
    con.close()
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    text = panel.result.text()
    assert text.startswith("CẢNH BÁO: dữ liệu đã bị thay đổi ngoài phần mềm.")
    assert f"Hồ sơ {code}: dữ liệu hiện tại khác với lần ghi cuối" in text
    [flagged] = panel.check.flagged_rows  # type: ignore[union-attr]
    assert f"dòng nhật ký số {flagged.seq}" in text and flagged.op == "update"  # the leader's start
    row = panel.table.currentRow()
    assert panel.table.item(row, 0).text() == str(flagged.seq)
    assert panel.table.item(row, 0).background().color() == FLAGGED


def test_broken_chain_names_the_row(make_ctx: Any, qtbot: Any) -> None:
    leader = _activity(make_ctx)
    leader.db.dispose()
    con = sqlite3.connect(leader.db.path)
    triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'")]
    for name in triggers:  # someone determined enough drops the append-only triggers first
        con.execute(f"DROP TRIGGER {name}")
    target = con.execute("SELECT min(seq) FROM audit_log WHERE table_name = 'dossier'").fetchone()[0]
    after = json.loads(con.execute("SELECT after FROM audit_log WHERE seq = ?", (target,)).fetchone()[0])
    after["applicant_name"] = "Sửa lén"
    con.execute("UPDATE audit_log SET after = ? WHERE seq = ?", (json.dumps(after, ensure_ascii=False), target))
    con.commit()
    con.close()
    panel = AuditPanel(leader)
    qtbot.addWidget(panel)
    panel.verify()
    assert f"Chuỗi nhật ký đứt tại dòng số {target}." in panel.result.text()
    assert target in panel.flagged


def test_officer_without_audit_view_is_refused_by_the_service(make_ctx: Any, qtbot: Any) -> None:
    officer = make_ctx("officer")
    panel = AuditPanel(officer)
    qtbot.addWidget(panel)
    assert panel.stack.currentWidget() is panel.refused
    assert "không có quyền xem nhật ký kiểm tra" in panel.refused.text()
    assert "lãnh đạo hoặc quản trị" in panel.refused.text()


def test_audit_row_names_dossier_events_in_vietnamese() -> None:
    from datetime import datetime

    from desktop.platform.clock import VN_TZ
    from desktop.services.audit_trail import AuditRow
    from desktop.ui.widgets.audit_panel import change_summary, subject_text

    row = AuditRow(seq=1, at=datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ), actor="lanhdao", actor_name="Trần Văn Hùng",
                   table="dossier_event", record_id="0" * 32, op="insert", before=None,
                   after={"kind": "started", "dossier_id": "x"})
    assert subject_text(row) == "Chuyển xử lý"
    assert change_summary(row) == "Loại: Chuyển xử lý"
