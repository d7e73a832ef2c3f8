"""The Đồng bộ page: real exports, receipts, pushes to a live hub on 127.0.0.1, packages, and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from desktop import settings
from desktop.db.session import Database
from desktop.services.desk import get_setting
from desktop.sync import receipt as receipts
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGES
from desktop.ui.pages.sync import Pickers, SyncPage
from desktop.ui.tasks import TaskRunner
from province.db import Hub
from province.devices import revoke
from province.importer import import_file
from province.keys import signing_key
from province.schema import DATA_TABLES
from tests.net.conftest import LiveHub, live_hub  # noqa: F401  the fixture
from tests.sync_support import connect_desk, fresh_hub, receive

pytestmark = pytest.mark.gui


class FakePickers(Pickers):
    """Answers the file dialogs with prepared paths (and remembers what was asked)."""

    def __init__(self, *, folder: Path | None = None, open_file: Path | None = None,
                 save_file: Path | None = None) -> None:
        self.asked: list[str] = []
        super().__init__(open_file=lambda _p, title, _f: self._answer(title, open_file),
                         save_file=lambda _p, title, _d, _f: self._answer(title, save_file),
                         folder=lambda _p, title: self._answer(title, folder))

    def _answer(self, title: str, value: Path | None) -> Path | None:
        self.asked.append(title)
        return value


@pytest.fixture(autouse=True)
def _counter_officer(db: Database) -> None:
    """tests.sync_support.receive acts as 'canbo'; once the UI's officers exist, that must be a real one."""
    from desktop.services import officers

    with db.transaction() as session:
        officers.create_officer(session, username="canbo", full_name="Nguyễn Văn Cán", password="matkhau123",
                                role="officer")


@pytest.fixture
def hub(tmp_path: Path) -> Any:
    made = fresh_hub(None, tmp_path / "hub")
    yield made
    made.dispose()


def _page(ctx: UiContext, qtbot: Any, **pickers: Path | None) -> SyncPage:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.pickers = FakePickers(**pickers)
    page.resize(1180, 700)
    page.show()
    return page


def _hub_codes(hub: Hub) -> set[str]:
    with hub.engine.connect() as conn:
        return set(conn.scalars(select(DATA_TABLES["dossier"].c.code)))


def test_sync_page_is_registered() -> None:
    (page,) = [p for p in PAGES if p.key == "sync"]
    assert page.title == "Đồng bộ"


def test_page_shows_device_key_enrolment_and_pending(db: Database, ctx: UiContext, hub: Hub, tmp_path: Path,
                                                     qtbot: Any) -> None:
    page = _page(ctx, qtbot)
    assert page.key_label.text().startswith("Chưa cài")
    assert page.enrolment_label.text() == "Chưa gửi đề nghị đăng ký"
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 3, name="Trần Thị Bích")
    page.reload()
    with db.reading() as session:
        device = get_setting(session, settings.DEVICE_ID.key)
    assert page.device_label.text() == device
    assert page.unit_label.text() == "10375"
    assert page.key_label.text() == "Đã cài — UBND tỉnh Thử Nghiệm"
    assert page.enrolment_label.text().startswith("Đã ghi đề nghị đăng ký lúc 16:00 20/11/2026")
    assert page.status is not None and page.status["pending_changes"] > 0
    records = page.status["pending_records"]
    assert page.pending_count.text() == f"{records} bản ghi"
    assert f"thứ tự {page.status['pending_seq_from']}–{page.status['pending_seq_to']}" in page.pending_detail.text()
    assert page.last_sync_label.text() == "Tỉnh chưa xác nhận lần nào."
    assert page.push_result.text() == "Chưa gửi qua mạng lần nào."


def test_export_writes_batch_into_chosen_folder_and_history_shows_it(db: Database, ctx: UiContext, hub: Hub,
                                                                     tmp_path: Path, qtbot: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2)
    usb = tmp_path / "USB Đồng bộ"
    page = _page(ctx, qtbot, folder=usb)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    files = list(usb.glob("*.mcb"))
    assert len(files) == 1 and not list(usb.glob("*.part"))
    result = page.last_export
    assert result.file == files[0]
    assert page.exports_table.rowCount() == 1
    assert page.exports_table.item(0, 1).text() == files[0].name
    assert page.exports_table.item(0, 2).text() == str(usb)
    assert page.exports_table.item(0, 3).text() == "USB"
    assert page.exports_table.item(0, 5).text() == str(result.changes)
    assert page.exports_table.item(0, 6).text() == f"{result.seq_from}–{result.seq_to}"
    assert page.exports_table.item(0, 7).text() == "chưa"
    assert page.tabs.tabText(0) == "Lịch sử xuất gói (1)"
    assert page.progress.value() == page.progress.maximum() == 1
    assert page.progress_label.text().startswith(f"Đã ghi {result.changes} bản ghi")
    assert "0 chưa xuất" in page.pending_detail.text()  # exported, still waiting for the province


def test_receipt_import_acknowledges_and_pending_goes_to_zero(db: Database, ctx: UiContext, hub: Hub,
                                                              tmp_path: Path, qtbot: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 3)
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    page.choose_export()  # this stick gets lost
    page.choose_export()  # everything again (since the last receipt, not the last export)
    assert page.exports_table.rowCount() == 2
    outcome = import_file(hub, page.last_export.file, receipts_out=tmp_path / "usb" / "receipts")
    assert outcome.status == "applied"
    page.pickers = FakePickers(open_file=Path(outcome.receipt_file))  # type: ignore[arg-type]
    qtbot.mouseClick(page.receipt_button, Qt.MouseButton.LeftButton)
    assert page.status is not None and page.status["pending_changes"] == 0
    assert page.pending_count.text() == "0 bản ghi"
    assert page.pending_detail.text() == "Không có gì chờ gửi: tỉnh đã xác nhận mọi dữ liệu."
    assert page.last_sync_label.text() == "Tỉnh xác nhận lần cuối: 16:00 20/11/2026"
    assert page.receipts_table.rowCount() == 1
    assert page.receipts_table.item(0, 2).text() == "Đã cập nhật"
    assert page.receipts_table.item(0, 3).text() == str(outcome.applied)
    assert {page.exports_table.item(r, 7).text() for r in range(2)} == {
        "16:00 20/11/2026", "không cần (đã có gói sau)"}  # confirmed; the lost one made redundant
    assert page.enrolment_label.text() == "Đã đăng ký (tỉnh đã nhận dữ liệu của máy này)"
    assert "đã đồng bộ" in page.progress_label.text()


def test_rejected_records_show_the_province_reason(db: Database, ctx: UiContext, hub: Hub, tmp_path: Path,
                                                   qtbot: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1, name="Võ Thị Từ Chối")
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    page.choose_export()
    outcome = import_file(hub, page.last_export.file, receipts_out=tmp_path / "r")
    outer = json.loads(Path(outcome.receipt_file).read_bytes())  # type: ignore[arg-type]
    body = outer["receipt"] | {"receipt_id": "7f3c1e2a-0000-4000-8000-000000000001"}
    with db.reading() as session:
        from desktop.db.models import Dossier

        dossier = session.scalars(select(Dossier)).first()
        assert dossier is not None
        record_id, version = dossier.id, dossier.version
    reason = "Tỉnh đang giữ phiên bản mới hơn của hồ sơ này; cán bộ tỉnh sẽ đối chiếu."
    body["problems"] = [{"table": "dossier", "record_id": record_id, "version": version, "code": "stale_version",
                         "message": reason}]
    body["counts"] = body["counts"] | {"rejected": 1}
    forged_ok = tmp_path / "with-problem.receipt.json"
    forged_ok.write_bytes(receipts.sign(body, signing_key(hub)))  # signed by the province's real key
    page.import_receipt(forged_ok)
    assert page.tabs.currentIndex() == 2
    assert page.rejections_table.rowCount() == 1
    assert page.rejections_table.item(0, 1).text() == "Hồ sơ"
    assert page.rejections_table.item(0, 2).text() == record_id
    assert page.rejections_table.item(0, 4).text() == reason
    assert "1 bản ghi bị từ chối" in page.progress_label.text()


def test_forged_receipt_is_refused_with_a_vietnamese_message(db: Database, ctx: UiContext, hub: Hub, tmp_path: Path,
                                                             qtbot: Any, messages: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    page.choose_export()
    outcome = import_file(hub, page.last_export.file, receipts_out=tmp_path / "r")
    body = json.loads(Path(outcome.receipt_file).read_bytes())["receipt"]  # type: ignore[arg-type]
    fake = tmp_path / "fake.receipt.json"
    fake.write_bytes(receipts.sign(body, Ed25519PrivateKey.generate()))
    page.import_receipt(fake)
    assert any(text.startswith("Biên nhận không hợp lệ") for text in messages.texts())
    assert page.progress_label.text().startswith("Biên nhận không hợp lệ")
    assert page.status is not None and page.status["pending_changes"] > 0  # nothing acknowledged


def test_push_to_live_hub_shows_applied_count(db: Database, ctx: UiContext, live_hub: LiveHub,  # noqa: F811
                                              tmp_path: Path, qtbot: Any) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    codes = receive(db, 4, name="Hoàng Văn Mạng")
    page = _page(ctx, qtbot)
    page.url_edit.setText(live_hub.url)
    qtbot.mouseClick(page.save_url_button, Qt.MouseButton.LeftButton)
    with db.reading() as session:
        assert get_setting(session, settings.HUB_URL.key) == live_hub.url
    qtbot.mouseClick(page.push_button, Qt.MouseButton.LeftButton)
    result = page.last_push
    assert result is not None and result.status == "applied" and result.applied > 4
    assert _hub_codes(live_hub.hub) == set(codes)
    assert page.push_result.text() == (f"Lần gửi gần nhất (16:00 20/11/2026): tỉnh cập nhật {result.applied} bản ghi, "
                                       f"xác nhận {result.acknowledged} thay đổi.")
    assert page.progress_label.text().startswith(f"Đã gửi gói {result.batch_id[:8]}: tỉnh cập nhật {result.applied}")
    assert page.pending_count.text() == "0 bản ghi"
    assert page.exports_table.item(0, 3).text() == "Mạng"
    assert page.receipts_table.rowCount() == 1


def test_revoked_device_push_stops_with_clear_message(db: Database, ctx: UiContext, live_hub: LiveHub,  # noqa: F811
                                                      tmp_path: Path, qtbot: Any, messages: Any) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    with db.reading() as session:
        revoke(live_hub.hub, get_setting(session, settings.DEVICE_ID.key), reason="Máy bị mất")
    page = _page(ctx, qtbot)
    page.url_edit.setText(live_hub.url)
    page.push()
    assert page.last_push is None
    (text,) = messages.texts()
    assert "thu hồi" in text
    assert page.push_result.text().startswith("Lần gửi gần nhất (16:00 20/11/2026) bị tỉnh từ chối: ")
    assert "thu hồi" in page.push_result.text()
    assert page.push_button.isEnabled() and not page.is_busy()  # stopped for good, ready again
    assert page.enrolment_label.text() == "Tỉnh đã thu hồi quyền đồng bộ của máy này"


def test_unenrolled_device_push_says_to_send_the_request(db: Database, ctx: UiContext, live_hub: LiveHub,  # noqa: F811
                                                         qtbot: Any, messages: Any) -> None:
    from desktop.sync import keys

    with db.transaction() as session:  # the key is installed, but the province never enrolled this PC
        keys.install_bundle(session, live_hub.hub.data_dir / "public" / "province.pub")
    receive(db, 1)
    page = _page(ctx, qtbot)
    page.url_edit.setText(live_hub.url)
    page.push()
    (text,) = messages.texts()
    assert "chưa được tỉnh đăng ký" in text
    assert page.enrolment_label.text() == "Tỉnh chưa đăng ký máy này — gửi tệp đề nghị đăng ký cho tỉnh"


@pytest.mark.parametrize("url, detail", [
    ("htp://10.0.0.5:8765", "phải bắt đầu bằng http:// hoặc https://"),
    ("http://", "thiếu tên máy hoặc địa chỉ IP"),
    ("http://10.0.0.5:99999", "cổng"),
    ("http://10.0.0.5 :8765", "không được chứa dấu cách"),
    ("", "chưa nhập"),
])
def test_wrong_url_shows_vietnamese_error_naming_the_field(db: Database, ctx: UiContext, qtbot: Any, messages: Any,
                                                          url: str, detail: str) -> None:
    page = _page(ctx, qtbot)
    page.url_edit.setText(url)
    page.push()
    assert page.last_push is None
    (text,) = messages.texts()
    assert text.startswith("Địa chỉ máy chủ tỉnh: ") and detail in text
    assert page.url_error.isVisible() and page.url_error.text() == text
    if url:
        page.save_url()
        assert messages.texts()[-1] == text
    with db.reading() as session:
        assert get_setting(session, settings.HUB_URL.key) is None and get_setting(session, settings.LAST_PUSH.key) is None


def test_package_from_file_and_from_hub(db: Database, ctx: UiContext, live_hub: LiveHub,  # noqa: F811
                                        tmp_path: Path, qtbot: Any) -> None:
    from tests.net.test_packages import _build

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    built = _build(live_hub, tmp_path / "v1")
    page = _page(ctx, qtbot, open_file=Path(built["file"]))
    qtbot.mouseClick(page.package_button, Qt.MouseButton.LeftButton)
    assert page.last_package.version == 1
    assert page.package_label.text() == "Phiên bản 1"
    assert page.progress_label.text().startswith("Đã áp dụng gói dữ liệu của tỉnh phiên bản 1")
    _build(live_hub, tmp_path / "v2", extra_day="2027-04-30")
    page.url_edit.setText(live_hub.url)
    page.package_from_hub()
    assert page.last_package.version == 2 and page.package_label.text() == "Phiên bản 2"

    from desktop.services.calendar import year_view

    with db.reading() as session:  # the province's day is its own calendar layer
        days = {d["date"]: d for d in year_view(session, 2027)["days"]}
        assert days["2027-04-30"]["source"] == "province"
    page.package_from_hub()  # nothing newer
    assert page.last_package is None
    assert page.progress_label.text() == "Máy đã có gói dữ liệu mới nhất của tỉnh."


def test_install_key_and_enrolment_from_the_page(db: Database, ctx: UiContext, hub: Hub, tmp_path: Path,
                                                 qtbot: Any) -> None:
    from province.devices import enrol

    page = _page(ctx, qtbot, open_file=hub.data_dir / "public" / "province.pub", save_file=tmp_path / "dang-ky.json")
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    assert page.key_label.text() == "Đã cài — UBND tỉnh Thử Nghiệm"
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "dang-ky.json").is_file()
    assert page.enrolment_label.text() == "Đã ghi đề nghị đăng ký lúc 16:00 20/11/2026 — chờ tỉnh đăng ký"
    assert enrol(hub, tmp_path / "dang-ky.json")["device_id"] == page.device_label.text()


def test_officer_cannot_change_key_or_hub_address(make_ctx: Any, qtbot: Any, tmp_path: Path, messages: Any,
                                                  db: Database) -> None:
    page = _page(make_ctx("officer"), qtbot)
    assert not page.key_button.isEnabled() and page.url_edit.isReadOnly() and not page.save_url_button.isEnabled()
    page.url_edit.setText("http://10.0.0.5:8765")
    page.save_url()  # even if called: the service refuses
    assert messages.texts() and "quản trị" in messages.texts()[-1]
    with db.reading() as session:
        assert get_setting(session, settings.HUB_URL.key) is None


def test_keyboard_shortcut_exports(db: Database, ctx: UiContext, hub: Hub, tmp_path: Path, qtbot: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # window shortcuts need the active window
    page.tabs.setFocus()
    QTest.keyClick(page.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(list((tmp_path / "usb").glob("*.mcb"))) == 1
    assert page.pickers.asked == ["Chọn thư mục (ổ USB) để ghi gói dữ liệu"]


def test_export_runs_in_the_background_with_progress(db: Database, make_ctx: Any, hub: Hub, tmp_path: Path,
                                                     qtbot: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 30)
    base = make_ctx("admin")
    runner = TaskRunner()
    ctx = UiContext(db=db, officer=base.officer, tasks=runner, show_previews=False)
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    qtbot.waitUntil(lambda: page.status is not None)
    seen: list[tuple[str, int, int]] = []
    page._progress.changed.connect(lambda stage, done, total: seen.append((stage, done, total)))
    page.choose_export()
    assert page.is_busy() and not page.export_button.isEnabled()  # returned at once; the work is elsewhere
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    runner.shutdown()
    assert page.last_export is not None and page.last_export.file.is_file()
    assert seen and seen[-1][0] == "export" and seen[-1][1] == seen[-1][2] > 0
    qtbot.waitUntil(lambda: page.exports_table.rowCount() == 1)


def test_status_bar_shows_last_sync_after_push(db: Database, ctx: UiContext, live_hub: LiveHub,  # noqa: F811
                                               tmp_path: Path, qtbot: Any, monkeypatch: Any) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 2)
    window = MainWindow(ctx, lock=False)
    qtbot.addWidget(window)
    assert window._status_labels[3].text() == "chưa đồng bộ"
    page = window.show_key("sync")
    assert isinstance(page, SyncPage)
    page.url_edit.setText("http://127.0.0.1:1")  # nobody listens: fails (quickly: connection refused)
    from desktop.sync import push as push_module

    quick = push_module.Backoff(attempts=1, base_delay=0.01, max_seconds=1, timeout=5)
    monkeypatch.setattr(push_module, "Backoff", lambda: quick)
    page.push()
    assert page.progress_label.text().startswith("Không gửi được dữ liệu tới máy chủ tỉnh")
    assert window._status_labels[3].text() == "chưa đồng bộ — lần gửi gần nhất không thành công"
    page.url_edit.setText(live_hub.url)
    page.push()
    assert window._status_labels[3].text() == "Đồng bộ lần cuối: 16:00 20/11/2026"


def test_cancel_stops_a_push_waiting_to_retry(db: Database, make_ctx: Any, hub: Hub, tmp_path: Path,
                                              qtbot: Any, messages: Any) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    base = make_ctx("admin")
    runner = TaskRunner()
    page = _page(UiContext(db=db, officer=base.officer, tasks=runner, show_previews=False), qtbot)
    qtbot.waitUntil(lambda: page.status is not None)
    page.url_edit.setText("http://127.0.0.1:1")  # refused at once, then the back-off wait (seconds)
    page.push()
    assert page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    runner.shutdown()
    assert page.progress_label.text().startswith("Đã hủy.")
    assert messages.texts() == []  # a cancel is not an error box
    assert page.last_push is None and not page.cancel_button.isEnabled()


def test_export_without_province_key_says_what_to_do(ctx: UiContext, qtbot: Any, tmp_path: Path, messages: Any) -> None:
    page = _page(ctx, qtbot, folder=tmp_path / "usb")
    page.choose_export()
    (text,) = messages.texts()
    assert text.startswith("Chưa cài khóa công khai của tỉnh") and "«Cài khóa của tỉnh…»" in text
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())
    assert page.export_button.isEnabled()


def test_an_officer_is_told_to_call_the_admin_not_sent_to_a_disabled_button(make_ctx: Any, qtbot: Any, tmp_path: Path,
                                                                            messages: Any) -> None:
    """Issue #18: the key button is disabled for an officer and a command is no help at the counter."""
    page = _page(make_ctx("officer"), qtbot, folder=tmp_path / "usb")
    page.choose_export()
    (text,) = messages.texts()
    assert text.startswith("Chưa đồng bộ được: máy này chưa cài khóa công khai của tỉnh.")
    assert "báo quản trị viên của đơn vị" in text and "Dữ liệu vẫn an toàn trên máy" in text
    assert "«Cài khóa" not in text and "lệnh" not in text
    assert page.progress_label.text() == text and page.export_button.isEnabled() and page.progress.text() == ""
    page.push()  # no hub address, and the field is not the officer's to fill
    assert "chưa có địa chỉ máy chủ tỉnh" in messages.texts()[-1] and page.url_error.text() == messages.texts()[-1]
    page.show_status({**page.status, "last_push": {"status": "failed", "code": "hub_unreachable", "at": None,
                                                   "message": "Không kết nối được máy chủ tỉnh (ConnectError)."}})
    assert "ConnectError" not in page.push_result.text() and "báo quản trị viên" in page.push_result.text()
