"""The read and settings functions behind the Đồng bộ page: hub address rules, enrolment state,
pending range, last sync for the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import settings
from desktop.db.session import Database
from desktop.errors import PermissionDenied, UserError
from desktop.services import officers
from desktop.services.desk import get_setting, put_setting
from desktop.sync import hub_settings, status
from desktop.sync.export import export_batch
from desktop.sync.receipt import import_receipt
from province.importer import import_file
from tests.sync_support import connect_desk, fresh_hub, receive


@pytest.mark.parametrize("text, expected", [
    ("http://10.0.0.5:8765", "http://10.0.0.5:8765"),
    ("  https://dongbo.phutho.gov.vn/  ", "https://dongbo.phutho.gov.vn"),
    ("HTTP://127.0.0.1:8765/hub/", "HTTP://127.0.0.1:8765/hub"),
])
def test_good_hub_urls_are_normalised(text: str, expected: str) -> None:
    assert hub_settings.normalise_hub_url(text) == expected


@pytest.mark.parametrize("text, detail", [
    ("", "chưa nhập"), ("10.0.0.5:8765", "http://"), ("ftp://10.0.0.5", "http://"), ("http://", "thiếu tên máy"),
    ("http://10.0.0.5:0", "cổng"), ("http://10.0.0.5:70000", "cổng"), ("http://10.0.0.5:abc", "cổng"),
    ("http://a b", "dấu cách"), ("http://10.0.0.5/?x=1", "'?…'"), ("http://u:p@10.0.0.5", "tên đăng nhập"),
])
def test_bad_hub_urls_name_the_field(text: str, detail: str) -> None:
    with pytest.raises(UserError) as err:
        hub_settings.normalise_hub_url(text)
    assert err.value.field == "hub_url" and err.value.code == "bad_hub_url"
    assert err.value.message.startswith("Địa chỉ máy chủ tỉnh: ") and detail in err.value.message


def test_save_hub_url_needs_an_administrator(db: Database) -> None:
    with db.transaction() as session:
        officers.create_officer(session, username="canbo1", full_name="Cán Bộ", password="matkhau123", role="officer")
    with pytest.raises(PermissionDenied), db.transaction(officer="canbo1") as session:
        hub_settings.save_hub_url(session, "http://10.0.0.5:8765")
    with db.transaction(officer="system") as session:
        assert hub_settings.save_hub_url(session, "http://10.0.0.5:8765/") == "http://10.0.0.5:8765"
    with db.reading() as session:
        assert hub_settings.hub_url(session) == "http://10.0.0.5:8765"
        assert get_setting(session, settings.HUB_URL.key) == "http://10.0.0.5:8765"
    with db.transaction(officer="system") as session:
        assert hub_settings.save_hub_url(session, "  ") == ""
    with db.reading() as session:
        assert hub_settings.hub_url(session) is None


def test_status_keys_match_the_modules_that_write_them() -> None:

    assert (settings.LAST_PUSH.key, settings.HUB_URL.key, settings.PACKAGE_VERSION.key) == \
        (settings.LAST_PUSH.key, settings.HUB_URL.key, settings.PACKAGE_VERSION.key)


def test_enrolment_state_pending_range_and_last_sync(db: Database, tmp_path: Path) -> None:
    with db.reading() as session:
        first = status.sync_status(session)
        assert first["enrolment"] == "none" and first["pending_seq_from"] == 1  # the set-up itself is pending
        assert status.last_sync(session) == {"at": None, "push_failed": False, "push_message": None}
    hub = fresh_hub(None, tmp_path / "hub")
    try:
        connect_desk(db, hub, tmp_path / "desk")
        receive(db, 2)
        with db.reading() as session:
            now = status.sync_status(session)
        assert now["enrolment"] == "requested" and now["enrolment_request"]["file"] == str(tmp_path / "desk" / "enrol.json")
        assert now["pending_seq_from"] <= now["pending_seq_to"] and now["pending_changes"] > 0
        with db.transaction() as session:  # a failed push before any receipt: the status bar says so
            put_setting(session, settings.LAST_PUSH.key, {"status": "failed", "message": "mạng", "at": "2026-11-20T15:00:00+07:00"})
        with db.reading() as session:
            assert status.last_sync(session)["push_failed"] is True
        made = export_batch(db, tmp_path / "usb")
        outcome = import_file(hub, made.file, receipts_out=tmp_path / "r")  # type: ignore[arg-type]
        with db.transaction() as session:
            import_receipt(session, Path(outcome.receipt_file))  # type: ignore[arg-type]
        with db.reading() as session:
            after = status.sync_status(session)
            last = status.last_sync(session)
        assert after["enrolment"] == "confirmed" and after["pending_seq_from"] is None
        assert after["batches"][0]["epoch"] == made.epoch and after["receipts"][0]["problems"] == 0
        assert last["at"] == "2026-11-20T16:00:00+07:00" and last["push_failed"] is False  # the receipt came later
        with db.transaction() as session:
            put_setting(session, settings.REVOKED_DEVICES.key, [after["device_id"]])
        with db.reading() as session:
            assert status.sync_status(session)["enrolment"] == "revoked"
    finally:
        hub.dispose()
