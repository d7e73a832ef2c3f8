"""Tiếp nhận: a full reception with the keyboard alone, the live appointment, supplement and refusal."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pypdf import PdfReader
from sqlalchemy import select

from desktop.db.models import Dossier, DossierComponent, Supplement
from desktop.rules.lifecycle import Status
from desktop.services import queries
from desktop.services.dossiers import Applicant, Reception, receive
from desktop.rules.text import fold
from desktop.ui.context import UiContext
from desktop.ui.pages.reception import ReceptionPage

from .conftest import Keyboard

pytestmark = pytest.mark.gui
NAME = "Nguyễn Văn Đức"


@pytest.fixture
def page(ctx: UiContext, qtbot: Any) -> ReceptionPage:
    widget = ReceptionPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    widget.start_new()
    return widget


def test_keyboard_only_reception_saves_and_prints(page: ReceptionPage, ctx: UiContext) -> None:
    keys = Keyboard(page)
    assert page.focusWidget() is page.procedure.edit
    keys.type("khai sinh")
    assert page.procedure.results.isVisible() and page.procedure.results.count() >= 1
    keys.press(Qt.Key.Key_Return)  # picks the highlighted procedure and moves on
    picked = page.procedure.current
    assert picked is not None and "khai sinh" in fold(picked.name)
    assert page.focusWidget() is page.name
    assert page.appointment.text() not in ("", "—")
    keys.type(NAME)
    keys.press(Qt.Key.Key_Return)
    keys.type("001203004567")
    keys.press(Qt.Key.Key_Return)
    keys.type("0912345678")
    keys.press(Qt.Key.Key_Return)
    keys.type("Thôn Đồng Tâm, xã Tân Lập")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)  # organisation: none
    keys.press(Qt.Key.Key_Return)  # channel: direct
    keys.press(Qt.Key.Key_Return)  # one set
    assert page.focusWidget() is page.components
    keys.press(Qt.Key.Key_S)  # first component digitised at the counter
    keys.press(Qt.Key.Key_Return)
    assert page.focusWidget() is page.notes
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    print(f"\nkeyboard-only reception: {keys.count} key events")

    assert page.last_code is not None
    with ctx.db.reading() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == page.last_code))
        assert dossier is not None
        assert dossier.applicant_name == NAME
        assert dossier.applicant_id_number == "001203004567"
        assert dossier.status == Status.RECEIVED
        assert dossier.procedure_code == picked.code
        components = list(session.scalars(select(DossierComponent).where(DossierComponent.dossier_id == dossier.id)
                                          .order_by(DossierComponent.position)))
    assert [c.digitised for c in components] == [True] + [False] * (len(components) - 1)
    assert all(c.submitted for c in components)
    assert page.last_pdf is not None and page.last_pdf.read_bytes().startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(str(page.last_pdf)).pages)
    assert page.last_code in text and NAME in text
    assert page.is_empty() and page.focusWidget() is page.procedure.edit


def test_code_typed_exactly_is_picked_first(page: ReceptionPage) -> None:
    first = page.procedure.procedures[3]
    Keyboard(page).type(first.code)
    assert page.procedure.results.item(0).data(Qt.ItemDataRole.UserRole).code == first.code


def test_returning_applicant_fills_fields(page: ReceptionPage, ctx: UiContext) -> None:
    with ctx.db.transaction(officer="system") as session:
        code = page.procedure.procedures[0].code
        receive(session, Reception(code, Applicant("Trần Thị Bích", id_number="001199000111", phone="0987654321",
                                                   address="Xóm Chùa")))
    keys = Keyboard(page)
    page.id_number.setFocus()
    keys.type("001199000111")
    assert page.previous_button.isVisible()
    keys.press(Qt.Key.Key_F3)
    assert page.name.text() == "Trần Thị Bích"
    assert page.phone.text() == "0987654321" and page.address.text() == "Xóm Chùa"


def test_missing_component_goes_to_supplement(page: ReceptionPage, ctx: UiContext, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import supplement_dialog

    procedure = next(p for p in page.procedure.procedures if len(p.components) >= 2)
    page.procedure.pick_code(procedure.code)
    page.name.setText("Phạm Thị Hoa")
    page.components.toggle(1, 1)  # second component not submitted
    monkeypatch.setattr(supplement_dialog.SupplementDialog, "exec", lambda self: 1)
    page.save_with_supplement()
    assert page.last_code is not None
    with ctx.db.reading() as session:
        detail = queries.dossier_detail(session, page.last_code)
        supplement = session.scalar(select(Supplement))
    assert detail.data["status"] == Status.AWAITING_SUPPLEMENT
    assert supplement is not None and supplement.items == [procedure.components[1]]
    assert page.last_pdf is not None and page.last_pdf.name.startswith("supplement-")
    text = " ".join("".join(p.extract_text() for p in PdfReader(str(page.last_pdf)).pages).split())
    assert " ".join(procedure.components[1].split()) in text and "Phạm Thị Hoa" in text


def test_refusal_records_reason(page: ReceptionPage, ctx: UiContext, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import reason_dialog

    page.procedure.pick_code(page.procedure.procedures[0].code)
    page.name.setText("Đinh Công Tráng")
    monkeypatch.setattr(reason_dialog.ReasonDialog, "exec", lambda self: 1)
    monkeypatch.setattr(reason_dialog.ReasonDialog, "text", lambda self: "Không thuộc thẩm quyền của xã")
    page.refuse()
    with ctx.db.reading() as session:
        detail = queries.dossier_detail(session, page.last_code or "")
    assert detail.data["status"] == Status.REFUSED
    assert detail.data["refusal_reason"] == "Không thuộc thẩm quyền của xã"
    assert page.last_pdf is not None and page.last_pdf.name.startswith("refusal-")  # the refusal is printed
    text = "".join(p.extract_text() for p in PdfReader(str(page.last_pdf)).pages)
    assert "Không thuộc thẩm quyền của xã" in text and "Đinh Công Tráng" in text


def test_bad_input_shows_vietnamese_message_and_writes_nothing(page: ReceptionPage, ctx: UiContext,
                                                               messages: Any) -> None:
    page.procedure.pick_code(page.procedure.procedures[0].code)
    page.name.setText("Lò Văn Pọm")
    page.id_number.setText("12345")
    page.save()
    assert any("12 chữ số" in text for text in messages.texts())
    assert page.focusWidget() is page.id_number
    with ctx.db.reading() as session:
        assert session.scalar(select(Dossier).where(Dossier.applicant_name == "Lò Văn Pọm")) is None


def test_no_match_says_so_and_enter_picks_nothing(page: ReceptionPage) -> None:
    keys = Keyboard(page)
    keys.type("zzzz khong co")
    assert page.procedure.results.count() == 1
    assert page.procedure.results.item(0).text().startswith("Không tìm thấy thủ tục")
    keys.press(Qt.Key.Key_Return)
    assert page.procedure.current is None and page.focusWidget() is page.procedure.edit


def test_escape_clears_only_after_confirmation(page: ReceptionPage, messages: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    keys = Keyboard(page)
    page.name.setFocus()
    keys.type("Đoàn Thị Điểm")
    messages.answer = QMessageBox.StandardButton.No
    keys.press(Qt.Key.Key_Escape)
    assert page.name.text() == "Đoàn Thị Điểm"
    messages.answer = QMessageBox.StandardButton.Yes
    keys.press(Qt.Key.Key_Escape)
    assert page.is_empty() and page.focusWidget() is page.procedure.edit
    assert [kind for kind, _t, _x in messages.shown] == ["question", "question"]


def test_second_ctrl_enter_while_saving_receives_once(ctx: UiContext, qtbot: Any) -> None:
    from desktop.ui.tasks import TaskRunner

    ctx.tasks = TaskRunner()  # the real threaded runner: the save is in flight after save() returns
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: bool(page.procedure.procedures), timeout=3000)
    page.procedure.pick_code(page.procedure.procedures[0].code)
    page.name.setText("Kiều Thị Thanh Vân")
    page.save()
    page.save()
    assert page.busy and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: page.last_pdf is not None, timeout=10000)
    ctx.tasks.shutdown()
    with ctx.db.reading() as session:
        names = session.scalars(select(Dossier.applicant_name).where(Dossier.applicant_name == "Kiều Thị Thanh Vân"))
        assert len(list(names)) == 1
    assert not page.busy and page.save_button.isEnabled()
