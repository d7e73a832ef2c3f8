"""First-run wizard creates a usable database; log-in works and a wrong password is refused; idle lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWizard

from desktop import settings
from desktop.db.session import Database, open_database
from desktop.services import catalog, desk, officers
from desktop.services.dossiers import Applicant, Reception, receive
from desktop.ui.context import UiContext
from desktop.ui.dialogs.lock_dialog import LockDialog
from desktop.ui.dialogs.login_dialog import LoginDialog
from desktop.ui.setup_wizard import SetupWizard

pytestmark = pytest.mark.gui


def _fill(wizard: SetupWizard, *, password2: str = "bimat2026") -> None:
    unit = wizard.unit_page
    unit.unit_code.setText("10411")
    unit.unit_name.setText("UBND xã Hòa Bình")
    unit.agency_id.setText("000.00.24.H49")
    unit.seq_range.setText("5000-9999")
    admin = wizard.admin_page
    admin.username.setText("truongbp")
    admin.full_name.setText("Đặng Thị Mỹ Lệ")
    admin.password.setText("bimat2026")
    admin.password2.setText(password2)


@pytest.fixture
def new_db(tmp_path: Path) -> Iterator[Database]:
    """A database file just created, as the first run finds it."""
    db = open_database(tmp_path / "new.sqlite3")
    yield db
    db.dispose()


def _shown_wizard(db: Database, qtbot: Any, *, password2: str = "bimat2026") -> SetupWizard:
    wizard = SetupWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(wizard, password2=password2)
    return wizard


def test_wizard_creates_a_usable_database(new_db: Database, qtbot: Any, messages: Any) -> None:
    db = new_db
    wizard = _shown_wizard(db, qtbot, password2="khac-nhau")
    wizard.next()
    wizard.next()  # checked when «Tiếp» is pressed on the page (issue #18 item 6), not at «Hoàn tất»
    assert "Hai lần nhập mật khẩu không khớp." in messages.texts()
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.focusWidget() is wizard.admin_page.password
    with db.reading() as s:
        assert not desk.is_initialised(s)  # nothing written
    wizard.admin_page.password2.setText("bimat2026")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QDialog.DialogCode.Accepted
    with db.reading() as s:
        unit = desk.local_unit(s)
        assert (unit.code, unit.name, unit.agency_id) == ("10411", "UBND xã Hòa Bình", "000.00.24.H49")
        assert desk.get_setting(s, settings.SEQ_RANGE.key) == [5000, 9999]
        procedures = catalog.list_procedures(s)
    assert len(procedures) > 10
    assert officers.login(db, "truongbp", "bimat2026").role == "admin"
    with db.transaction(officer="truongbp") as s:  # usable: a dossier can be received
        code = receive(s, Reception(procedures[0].code, Applicant("Mai Văn Tư"))).code
    assert code.startswith("000.00.24.H49-") and code.endswith("-5000")


def test_login_accepts_right_password_refuses_wrong(ctx: UiContext, qtbot: Any) -> None:
    dialog = LoginDialog(ctx.db, "UBND xã Tân Lập")
    qtbot.addWidget(dialog)
    dialog.username.setText("quantri")
    dialog.password.setText("sai-mat-khau")
    dialog.try_login()
    assert dialog.officer is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert dialog.password.text() == ""
    dialog.password.setText("matkhau123")
    dialog.try_login()
    assert dialog.officer is not None and dialog.officer.username == "quantri"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_enter_in_the_name_field_moves_to_the_password(ctx: UiContext, qtbot: Any) -> None:
    """Issue #18 item 2: Enter after the name used to try an empty password and count toward lock-out."""
    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from desktop.db.models import Officer

    dialog = LoginDialog(ctx.db, "UBND xã Tân Lập")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setFocus()
    qtbot.keyClicks(dialog.username, "quantri")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password and dialog.error.text() == "" and dialog.officer is None
    with ctx.db.reading() as session:
        assert session.scalar(select(Officer.failed_logins).where(Officer.username == "quantri")) == 0
    qtbot.keyClicks(dialog.password, "matkhau123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.officer is not None and dialog.result() == QDialog.DialogCode.Accepted


def test_idle_lock_needs_the_officers_password(ctx: UiContext, qtbot: Any) -> None:
    dialog = LockDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.password.setText("khong-dung")
    dialog.unlock()
    assert dialog.result() != QDialog.DialogCode.Accepted and "không đúng" in dialog.error.text()
    dialog.password.setText("matkhau123")
    dialog.unlock()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_idle_timer_uses_the_setting_and_locks(ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QWidget

    from desktop.services import desk as desk_service
    from desktop.ui.idle_lock import IdleLock

    window = QWidget()
    qtbot.addWidget(window)
    lock = IdleLock(ctx, window)
    assert lock.timer.interval() == 15 * 60_000 and lock.timer.isActive()
    ctx.write(lambda s: desk_service.put_setting(s, settings.IDLE_LOCK_MINUTES.key, 2))
    assert lock.timer.interval() == 2 * 60_000
    shown: list[LockDialog] = []
    monkeypatch.setattr(LockDialog, "exec", lambda self: shown.append(self) or 1)
    lock.timer.timeout.emit()
    assert len(shown) == 1 and not lock.locked and lock.timer.isActive()
    ctx.write(lambda s: desk_service.put_setting(s, settings.IDLE_LOCK_MINUTES.key, 0))
    assert not lock.timer.isActive()


def test_wizard_checks_each_page_and_returns_to_the_field(new_db: Database, qtbot: Any, messages: Any) -> None:
    db = new_db
    wizard = _shown_wizard(db, qtbot)
    wizard.unit_page.seq_range.setText("9999-1")
    wizard.next()
    assert wizard.currentPage() is wizard.unit_page  # stopped on the page with the fault
    assert wizard.focusWidget() is wizard.unit_page.seq_range
    assert any("Dải số thứ tự" in text for text in messages.texts())
    with db.reading() as s:
        assert not desk.is_initialised(s)  # a rehearsal writes nothing
    wizard.unit_page.seq_range.setText("1-4999")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page


def test_cancelling_the_first_run_leaves_no_empty_database(tmp_path: Path) -> None:
    from desktop.ui.main import discard_if_empty

    path = tmp_path / "fresh.sqlite3"
    db = open_database(path)
    assert discard_if_empty(db, path) and not path.exists()
    used = open_database(tmp_path / "used.sqlite3")
    with used.transaction(officer="setup") as s:
        desk.initialise_desk(s, unit_code="10411", unit_name="UBND xã Hòa Bình")
    assert not discard_if_empty(used, tmp_path / "used.sqlite3") and (tmp_path / "used.sqlite3").exists()
    used.dispose()
