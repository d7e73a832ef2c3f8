"""Sync failures as an officer reads them (issue #18): no administrator's button, no command, whom to call."""

from __future__ import annotations

import pytest

from desktop.errors import UserError
from desktop.sync.errors import MESSAGES, OFFICER_MESSAGES, SyncError, for_role, message_for


@pytest.mark.parametrize("code", sorted(OFFICER_MESSAGES))
def test_each_officer_message_names_whom_to_call_and_no_command(code: str) -> None:
    text = OFFICER_MESSAGES[code]
    assert "báo quản trị viên của đơn vị" in text.lower()
    for word in ("lệnh", "python", "--", "«Cài khóa", "Cài đặt", "Lưu địa chỉ"):
        assert word not in text


def test_every_message_that_points_to_an_admin_button_or_a_command_has_an_officer_wording() -> None:
    pointing = {code for code, text in MESSAGES.items() if "lệnh" in text or "«Cài khóa" in text}
    assert pointing and pointing <= set(OFFICER_MESSAGES)


def test_the_administrator_keeps_the_full_message() -> None:
    error = SyncError("no_province_key")
    assert for_role(error, admin=True) is error
    officer = for_role(error, admin=False)
    assert isinstance(officer, UserError) and officer.code == "no_province_key"
    assert officer.message == OFFICER_MESSAGES["no_province_key"]


def test_messages_without_an_officer_wording_are_shown_as_they_are() -> None:
    error = UserError("Tệp khóa của tỉnh không phải JSON hợp lệ.", field="province_key")
    assert for_role(error, admin=False) is error
    assert message_for("bad_hash", MESSAGES["bad_hash"], admin=False) == MESSAGES["bad_hash"]
    cancelled = KeyError("x")
    assert for_role(cancelled, admin=False) is cancelled
