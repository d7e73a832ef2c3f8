"""The citizen kiosk driven by mouse/touch only: a full survey, and no way out without the PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from desktop.db.models_feedback import SurveyAnswer
from desktop.services import dossiers, kiosk as kiosk_service
from desktop.ui.kiosk import KioskWindow, OfficerMenu, PinPad

from tests.feedback.helpers import at, receive, resolve

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def kiosk(db, qtbot):
    with db.transaction() as s:
        kiosk_service.set_pin(s, "2468")
    window = KioskWindow(db, officer="canbo")
    qtbot.addWidget(window)
    window.show()
    yield window
    window.leave()


def click(qtbot, window, name: str) -> None:
    """Tap the visible button called ``name`` on the current screen."""
    buttons = [b for b in window.findChildren(QPushButton, name) if b.isVisible()]
    assert len(buttons) == 1, f"{name}: {len(buttons)} visible"
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def test_full_survey_by_touch_is_saved_with_its_form_version(kiosk, qtbot, db):
    assert kiosk.stack.currentWidget() is kiosk.welcome
    click(qtbot, kiosk, "start")
    assert not [b for b in kiosk.findChildren(QPushButton, "skip") if b.isVisible()]  # overall is required
    click(qtbot, kiosk, "opt_rat_hai_long")
    click(qtbot, kiosk, "opt_hai_long")          # tiep_can
    click(qtbot, kiosk, "skip")                  # thu_tuc skipped
    click(qtbot, kiosk, "back")                  # back to thu_tuc … and answer it after all
    click(qtbot, kiosk, "skip")
    click(qtbot, kiosk, "opt_rat_hai_long")      # can_bo
    click(qtbot, kiosk, "opt_khong_hai_long")    # ket_qua
    click(qtbot, kiosk, "skip")                  # gop_y; the text question is not asked on the kiosk
    assert kiosk.stack.currentWidget() is kiosk.thanks
    with db.reading() as s:
        row = s.scalars(select(SurveyAnswer)).one()
    assert (row.form_id, row.form_version, row.source, row.officer) == ("hai_long_ho_so", 1, "kiosk", "canbo")
    assert row.answers == {"overall": "rat_hai_long", "tiep_can": "hai_long", "can_bo": "rat_hai_long",
                           "ket_qua": "khong_hai_long"}
    assert row.overall == "rat_hai_long" and row.dossier_code is None
    kiosk.thanks_timer.timeout.emit()            # the automatic reset
    assert kiosk.stack.currentWidget() is kiosk.welcome and kiosk.answers == {}


def test_cannot_be_closed_without_the_pin(kiosk, qtbot, monkeypatch):
    assert kiosk.close() is False and kiosk.isVisible()
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    qtbot.keyClick(kiosk, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert kiosk.isVisible()

    def drive_pad(pin: str):
        def exec_(pad: PinPad) -> int:
            for digit in pin:
                qtbot.mouseClick(pad.digits[digit], Qt.MouseButton.LeftButton)
            qtbot.mouseClick(pad.ok_button, Qt.MouseButton.LeftButton)
            return pad.result()
        return exec_

    monkeypatch.setattr(PinPad, "exec", drive_pad("1357"))
    monkeypatch.setattr(OfficerMenu, "exec", lambda menu: pytest.fail("menu shown after a wrong PIN"))
    click(qtbot, kiosk, "officer")
    assert kiosk.isVisible() and kiosk.pin_pad.status.text() == "Mã PIN không đúng. Nhập lại."

    def choose_exit(menu: OfficerMenu) -> int:
        qtbot.mouseClick(menu.exit_button, Qt.MouseButton.LeftButton)
        return menu.result()

    monkeypatch.setattr(PinPad, "exec", drive_pad("2468"))
    monkeypatch.setattr(OfficerMenu, "exec", choose_exit)
    click(qtbot, kiosk, "officer")
    assert kiosk.pin_pad.result() == QDialog.DialogCode.Accepted
    assert not kiosk.isVisible()


def test_officer_attaches_the_next_answer_to_the_dossier_just_returned(kiosk, qtbot, monkeypatch, db):
    with db.transaction(officer="canbo") as s:
        code = receive(s, "2026-11-20T08:00")
        resolve(s, code, "2026-11-20T09:00")
        dossiers.return_result(s, code, at=at("2026-11-20T15:00"))

    def pad_ok(pad: PinPad) -> int:
        for digit in "2468":
            qtbot.mouseClick(pad.digits[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(pad.ok_button, Qt.MouseButton.LeftButton)
        return pad.result()

    def attach(menu: OfficerMenu) -> int:
        assert code in menu.attach_button.text()
        qtbot.mouseClick(menu.attach_button, Qt.MouseButton.LeftButton)
        return menu.result()

    monkeypatch.setattr(PinPad, "exec", pad_ok)
    monkeypatch.setattr(OfficerMenu, "exec", attach)
    click(qtbot, kiosk, "officer")
    assert kiosk.isVisible() and code in kiosk.dossier_label.text()
    click(qtbot, kiosk, "start")
    click(qtbot, kiosk, "opt_hai_long")
    for _ in range(5):
        click(qtbot, kiosk, "skip")
    with db.reading() as s:
        row = s.scalars(select(SurveyAnswer)).one()
    assert (row.dossier_code, row.field_name, row.answers) == (code, "Hộ tịch", {"overall": "hai_long"})
    assert kiosk.attached_dossier is None  # the following citizen is anonymous again


def test_abandoned_survey_is_discarded_by_the_idle_reset(kiosk, qtbot, db):
    click(qtbot, kiosk, "start")
    click(qtbot, kiosk, "opt_khong_hai_long")
    assert kiosk.idle_timer.isActive()
    kiosk.idle_timer.timeout.emit()
    assert kiosk.stack.currentWidget() is kiosk.welcome and kiosk.answers == {}
    with db.reading() as s:
        assert s.scalar(select(SurveyAnswer.id)) is None
