"""``officer add|list|reset-password``: an admin unlocks a locked-out account from the command line."""

from __future__ import annotations

import pytest

from desktop.errors import UserError
from desktop.services import officers


def test_admin_adds_lists_and_unlocks(db, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("officer", "add", "quantri", "--name", "Quản Trị", "--role", "admin", "--password", "quantri1").code == 0
    added = cli("--officer", "quantri", "officer", "add", "lan", "--name", "Nguyễn Thị Lan", "--password", "matkhau1",
                "--json")
    assert added.code == 0, added.err
    assert added.json() == {"username": "lan", "full_name": "Nguyễn Thị Lan", "role": "officer"}
    listed = cli("officer", "list", "--json").json()
    assert [o["username"] for o in listed] == ["lan", "quantri"]

    for _ in range(officers.MAX_FAILURES):
        with pytest.raises(UserError):
            officers.login(db, "lan", "sai-mat-khau")
    with pytest.raises(UserError) as err:
        officers.login(db, "lan", "matkhau1")
    assert err.value.code == "locked"

    refused = cli("--officer", "lan", "officer", "reset-password", "lan", "--password", "moi12345")
    assert refused.code == 2 and "quản trị" in refused.err
    done = cli("--officer", "quantri", "officer", "reset-password", "lan", "--password", "moi12345")
    assert done.code == 0, done.err
    assert officers.login(db, "lan", "moi12345").username == "lan"
