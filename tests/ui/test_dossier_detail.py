"""Dossier detail: each action button is enabled exactly when the lifecycle allows it; actions write."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from desktop.platform import clock
from desktop.db.session import Database
from desktop.rules.lifecycle import FORWARDING_ACTIONS, RESOLVER_ACTIONS, Action, Status, allowed_actions
from desktop.services import catalog, dossiers, forwarding, queries
from desktop.services.dossiers import Applicant, Reception
from desktop.ui.context import UiContext
from desktop.ui.dossier_detail import DossierDetailDialog
from desktop.ui.printing import FORM_TITLES

pytestmark = pytest.mark.gui
PROCEDURE = "1.001193"


def _dossier_in(db: Database, status: Status) -> str:
    at = clock.now() - timedelta(days=3)
    applicant = Applicant("Vũ Thị Thu Hà", id_number="001300000001")
    with db.transaction(officer="system") as s:
        if status == Status.REFUSED:
            return dossiers.refuse(s, procedure_code=PROCEDURE, applicant=applicant, reason="Sai thẩm quyền", at=at).code
        if status == Status.TRANSFERRED:  # received for Sở Tư pháp (issue #15) and sent on
            code = dossiers.receive(s, Reception(PROCEDURE, applicant, at=at, resolver="000.00.04.H49")).code
            forwarding.transfer(s, code, via="post", at=at + timedelta(hours=1))
            return code
        code = dossiers.receive(s, Reception(PROCEDURE, applicant, at=at)).code
        if status == Status.AWAITING_SUPPLEMENT:
            dossiers.request_supplement(s, code, items=["Bản sao giấy chứng sinh"], at=at + timedelta(hours=1))
        if status in (Status.IN_PROGRESS, Status.RESOLVED, Status.RETURNED):
            dossiers.start(s, code, at=at + timedelta(hours=1))
        if status in (Status.RESOLVED, Status.RETURNED):
            dossiers.record_result(s, code, at=at + timedelta(hours=2))
        if status == Status.RETURNED:
            dossiers.return_result(s, code, at=at + timedelta(hours=3))
        if status == Status.WITHDRAWN:
            dossiers.withdraw(s, code, at=at + timedelta(hours=1))
        return code


def _dialog(ctx: UiContext, code: str, qtbot: Any) -> DossierDetailDialog:
    dialog = DossierDetailDialog(ctx, code)
    qtbot.addWidget(dialog)
    return dialog


@pytest.mark.parametrize("status", list(Status))
def test_action_buttons_follow_the_lifecycle(status: Status, ctx: UiContext, qtbot: Any) -> None:
    dialog = _dialog(ctx, _dossier_in(ctx.db, status), qtbot)
    enabled = {value for value, button in dialog.action_buttons.items() if button.isEnabled()}
    other_side = RESOLVER_ACTIONS if status == Status.TRANSFERRED else FORWARDING_ACTIONS
    assert enabled == {a.value for a in allowed_actions(status) if a not in other_side}
    assert set(dialog.action_buttons) == {a.value for a in Action}


def test_detail_shows_fields_components_and_timeline(ctx: UiContext, qtbot: Any) -> None:
    code = _dossier_in(ctx.db, Status.AWAITING_SUPPLEMENT)
    dialog = _dialog(ctx, code, qtbot)
    assert code in dialog.header.text() and "Chờ bổ sung" in dialog.header.text()
    assert dialog.components.rowCount() >= 1
    assert [dialog.timeline.item(i).text() for i in range(dialog.timeline.count())][-1].count("Yêu cầu bổ sung") == 1
    assert "Bản sao giấy chứng sinh" in dialog.others.item(0).text()
    assert "supplement" in dialog.printable_forms()


def test_start_then_result_then_return(ctx: UiContext, qtbot: Any, messages: Any, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import result_dialog

    code = _dossier_in(ctx.db, Status.RECEIVED)
    dialog = _dialog(ctx, code, qtbot)
    changes: list[object] = []
    ctx.bus.changed.connect(changes.append)
    dialog.action_buttons["start"].click()
    assert dialog.detail is not None and dialog.detail.data["status"] == Status.IN_PROGRESS
    assert changes and "dossiers" in changes[0]  # type: ignore[operator]
    assert dialog.action_buttons["result"].isEnabled() and not dialog.action_buttons["start"].isEnabled()

    monkeypatch.setattr(result_dialog.ResultDialog, "exec", lambda self: (self.rejected.setChecked(True), 1)[1])
    dialog.action_buttons["result"].click()  # rejected without a reason: refused by the service
    assert any("lý do" in text for text in messages.texts())
    assert dialog.detail.data["status"] == Status.IN_PROGRESS
    monkeypatch.setattr(result_dialog.ResultDialog, "exec", lambda self: (
        self.rejected.setChecked(True), self.reason.setPlainText("Không đủ điều kiện"), 1)[2])
    dialog.action_buttons["result"].click()
    assert dialog.detail.data["status"] == Status.RESOLVED and dialog.detail.data["result"] == "rejected"
    dialog.action_buttons["return"].click()
    assert dialog.detail.data["status"] == Status.RETURNED
    assert not any(button.isEnabled() for button in dialog.action_buttons.values())


def test_apology_asks_new_date_and_reason(ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    from desktop.ui.dialogs import apology_dialog

    code = _dossier_in(ctx.db, Status.IN_PROGRESS)
    dialog = _dialog(ctx, code, qtbot)
    with ctx.db.reading() as s:
        due = dossiers.get_dossier(s, code).due_at.date()
        calendar = dossiers.desk_context(s).rules.calendar
    new_day = calendar.next_working_day(due + timedelta(days=2))
    monkeypatch.setattr(apology_dialog.ApologyDialog, "exec", lambda self: 1)
    monkeypatch.setattr(apology_dialog.ApologyDialog, "day", lambda self: new_day)
    monkeypatch.setattr(apology_dialog.ApologyDialog, "reason_text", lambda self: "Chờ xác minh của thôn")
    dialog.action_buttons["apology"].click()
    with ctx.db.reading() as s:
        detail = queries.dossier_detail(s, code)
    assert detail.apologies and detail.apologies[0]["new_appointment"] == new_day.isoformat()
    assert isinstance(new_day, date)


def test_print_menu_offers_what_desktop_forms_can_print(ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    from desktop.forms import available_forms

    code = _dossier_in(ctx.db, Status.WITHDRAWN)
    dialog = _dialog(ctx, code, qtbot)
    with ctx.db.reading() as s:
        expected = available_forms(s, code)
    assert "stop" in expected
    assert [a.text() for a in dialog.print_menu.actions()] == [FORM_TITLES[k] for k in expected]
    rendered: list[Any] = []
    import desktop.ui.dossier_detail as detail_module

    real = detail_module.print_form
    monkeypatch.setattr(detail_module, "print_form",
                        lambda c, p, k, code_, **kw: real(c, p, k, code_, on_done=rendered.append))
    dialog.print_menu.actions()[expected.index("stop")].trigger()
    assert rendered and rendered[0].name.startswith("stop-")


def test_apology_button_follows_the_role(make_ctx: Any, qtbot: Any) -> None:
    """Only a leader or admin may issue an apology (the service checks; the button says so)."""
    officer, leader = make_ctx("officer"), make_ctx("leader")
    code = _dossier_in(officer.db, Status.IN_PROGRESS)
    as_officer = _dialog(officer, code, qtbot)
    assert not as_officer.action_buttons["apology"].isEnabled()
    assert "lãnh đạo hoặc quản trị" in as_officer.action_buttons["apology"].toolTip()
    assert as_officer.action_buttons["result"].isEnabled()  # processing stays with the officer
    assert _dialog(leader, code, qtbot).action_buttons["apology"].isEnabled()


@pytest.mark.parametrize(("status", "action", "form"), [
    (Status.RECEIVED, "start", "control"),
    (Status.RECEIVED, "withdraw", "stop"),
    (Status.AWAITING_SUPPLEMENT, "supplement_received", "receipt"),
    (Status.RESOLVED, "return", "control"),
])
@pytest.mark.parametrize("wanted", [True, False])
def test_each_action_reprints_its_form_on_request(status: Status, action: str, form: str, wanted: bool,
                                                   ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    import desktop.ui.dossier_detail as detail_module
    from desktop.ui import messages as ui_messages
    from desktop.ui.dialogs import reason_dialog

    monkeypatch.setattr(reason_dialog.ReasonDialog, "exec", lambda self: 1)
    asked: list[str] = []

    def confirm(_parent: Any, title: str, text: str) -> bool:  # yes to the action, ``wanted`` to «In …?»
        asked.append(text)
        return wanted if title == "In phiếu" else True

    monkeypatch.setattr(ui_messages, "confirm", confirm)
    code = _dossier_in(ctx.db, status)
    dialog = _dialog(ctx, code, qtbot)
    real = detail_module.print_form
    printed: list[Any] = []
    monkeypatch.setattr(detail_module, "print_form",
                        lambda c, p, k, code_, **kw: real(c, p, k, code_, on_done=printed.append, **kw))
    dialog.action_buttons[action].click()
    assert dialog.detail is not None and dialog.detail.data["status"] != status
    if form == "control":  # issue #18 item 5: the control slip is not asked for at every step
        assert not any(text.startswith("In ") for text in asked) and printed == []
        return
    assert asked[-1] == f"In {FORM_TITLES[form].lower()}?"
    if wanted:
        assert len(printed) == 1 and printed[0].name.startswith(f"{form}-")
        assert printed[0].read_bytes().startswith(b"%PDF")
    else:
        assert printed == []


def test_request_supplement_prefills_the_missing_components(ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    import desktop.ui.dossier_detail as detail_module
    from desktop.ui.dialogs import supplement_dialog

    at = clock.now() - timedelta(days=1)
    with ctx.db.transaction(officer="system") as s:
        procedure = next(p for p in catalog.list_procedures(s) if len(p.components) >= 2)
        code = dossiers.receive(s, Reception(procedure.code, Applicant("Châu Thị Ngọc Diễm"), at=at,
                                             submitted_components=[0])).code
    dialog = _dialog(ctx, code, qtbot)
    asked: list[list[str]] = []
    monkeypatch.setattr(supplement_dialog.SupplementDialog, "exec",
                        lambda self: asked.append(self.item_list()) or 1)
    real = detail_module.print_form
    printed: list[Any] = []
    monkeypatch.setattr(detail_module, "print_form",
                        lambda c, p, k, code_, **kw: real(c, p, k, code_, on_done=printed.append, **kw))
    dialog.action_buttons["supplement_request"].click()
    assert asked == [procedure.components[1:]]
    assert dialog.detail is not None and dialog.detail.data["status"] == Status.AWAITING_SUPPLEMENT
    assert len(printed) == 1 and printed[0].name.startswith("supplement-")
    text = "".join(page.extract_text() for page in PdfReader(str(printed[0])).pages)
    assert all(item.split()[0] in text for item in procedure.components[1:])
