"""Two-tier reception in the desk UI (issue #15): the reception form's resolving body, the "Hồ sơ chuyển
đến" list, and the detail of a forwarded dossier at both desks. Screenshots land in MOTCUA_SHOTS when set."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from desktop import settings
from desktop.db.models import Dossier, DossierEvent
from desktop.platform import clock
from desktop.rules.lifecycle import Status
from desktop.services import dossiers
from desktop.services.desk import put_setting
from desktop.services.dossiers import Applicant, Reception
from desktop.ui.context import UiContext
from desktop.ui.dossier_detail import DossierDetailDialog
from desktop.ui.pages.dossiers import DossiersPage
from desktop.ui.pages.reception import ReceptionPage

pytestmark = pytest.mark.gui
AGENCY = "000.00.04.H49"
NEIGHBOUR = {"code": "10378", "name": "UBND phường Hòa Bình"}


def _shot(widget: Any, name: str) -> None:
    folder = os.environ.get("MOTCUA_SHOTS")
    if folder:
        from PySide6.QtWidgets import QApplication

        widget.adjustSize() if widget.width() < 200 else None
        QApplication.processEvents()
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def units(ctx: UiContext) -> None:
    with ctx.db.transaction(officer="setup") as s:
        put_setting(s, settings.PROVINCE_UNITS.key, [NEIGHBOUR])


def test_reception_form_offers_and_uses_the_resolving_body(ctx: UiContext, units: None, qtbot: Any) -> None:
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    codes = [page.resolver.itemData(i) for i in range(page.resolver.count())]
    assert codes[0] == "10375" and "10378" in codes and AGENCY in codes
    assert "(đơn vị này)" in page.resolver.itemText(0)
    page.procedure.edit.setText("1.004873")
    page.procedure.picked.emit(next(p for p in page.procedure.procedures if p.code == "1.004873"))
    assert page.resolver.currentData() == "10375"  # the catalogue's default: this unit
    page.resolver.setCurrentIndex(codes.index("10378"))
    page.name.setText("Đặng Thị Mai")
    _shot(page, "reception-resolver")
    page.save()
    with ctx.db.reading() as s:
        saved = s.scalar(select(Dossier).where(Dossier.applicant_name == "Đặng Thị Mai"))
        assert saved is not None and saved.resolver_code == "10378" and saved.resolver_name == NEIGHBOUR["name"]
    assert page.resolver.currentIndex() == 0  # cleared for the next citizen


def _forwarded_in(ctx: UiContext) -> str:
    """A dossier commune 10378 received for this unit, as its inbox brings it (owner: the receiving unit)."""
    at = clock.now() - timedelta(days=2)
    with ctx.db.transaction(officer="system") as s:
        code = dossiers.receive(s, Reception("1.004873", Applicant("Phan Văn Tài"), at=at)).code
        row = dossiers.get_dossier(s, code)
        s.execute(update(Dossier).where(Dossier.id == row.id).values(
            receiving_unit="10378", owner_unit="10378", resolver_code="10375", resolver_kind="unit",
            resolver_name="UBND xã Tân Lập", transferred_at=at + timedelta(hours=1), transfer_via="hub"))
        s.execute(update(DossierEvent).where(DossierEvent.dossier_id == row.id).values(owner_unit="10378"))
    return code


def test_forwarded_in_list_and_detail(ctx: UiContext, units: None, qtbot: Any) -> None:
    incoming = _forwarded_in(ctx)
    with ctx.db.transaction(officer="system") as s:
        own = dossiers.receive(s, Reception("1.004873", Applicant("Lý Thị Hoa"))).code
        sent = dossiers.receive(s, Reception("1.004873", Applicant("Hà Văn Nam"), resolver=AGENCY)).code
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    assert page.model.rowCount() >= 3
    page.scope.setCurrentIndex(page.scope.findData("forwarded_in"))
    assert page.scope.currentText() == "Hồ sơ chuyển đến"
    assert [page.model.code_at(r) for r in range(page.model.rowCount())] == [incoming]
    _shot(page, "forwarded-in-list")
    page.scope.setCurrentIndex(page.scope.findData("on_behalf"))
    assert [page.model.code_at(r) for r in range(page.model.rowCount())] == [sent]
    assert own

    dialog = DossierDetailDialog(ctx, incoming)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 700)
    dialog.show()
    assert "Hồ sơ chuyển đến — đơn vị tiếp nhận: 10378" in dialog.header.text()
    enabled = {value for value, button in dialog.action_buttons.items() if button.isEnabled()}
    assert "start" in enabled and "transfer" not in enabled  # this unit resolves it
    _shot(dialog, "forwarded-in-detail")


def test_receiving_desk_detail_of_a_forwarded_dossier(ctx: UiContext, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QInputDialog

    with ctx.db.transaction(officer="system") as s:
        code = dossiers.receive(s, Reception("1.004873", Applicant("Hà Văn Nam"), resolver=AGENCY)).code
    dialog = DossierDetailDialog(ctx, code)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Tiếp nhận hộ — cơ quan giải quyết: Sở Tư pháp" in dialog.header.text()
    assert not dialog.action_buttons["start"].isEnabled() and not dialog.action_buttons["result"].isEnabled()
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Qua bưu chính", True)))
    dialog.action_buttons["transfer"].click()
    assert dialog.detail is not None and dialog.detail.data["status"] == Status.TRANSFERRED
    assert dialog.detail.data["transfer_via"] == "post" and "transfer" in dialog.printable_forms()
    from desktop.ui.dialogs import result_dialog

    monkeypatch.setattr(result_dialog.ResultDialog, "exec", lambda self: 1)
    dialog.action_buttons["result_received"].click()
    assert "Đã có kết quả — chờ trả" in dialog.header.text()
    assert dialog.action_buttons["return"].isEnabled()
    _shot(dialog, "forwarded-detail-result-back")


def test_dashboard_shows_what_was_received_on_behalf(ctx: UiContext, qtbot: Any) -> None:
    from desktop.services import forwarding
    from desktop.ui.pages.dashboard import DashboardPage

    at = clock.now() - timedelta(days=3)
    with ctx.db.transaction(officer="system") as s:
        code = dossiers.receive(s, Reception("1.004873", Applicant("Hà Văn Nam"), at=at, resolver=AGENCY)).code
        forwarding.transfer(s, code, via="post", at=at + timedelta(hours=1))
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.load("2026-11", calendar=True)
    assert "Hồ sơ tiếp nhận hộ cơ quan khác giải quyết: tiếp nhận 1, đã chuyển 1, đã nhận kết quả 0" in \
        page.on_behalf.text()


def test_sync_page_takes_the_inbox_file_beside_the_receipts(db: Any, ctx: UiContext, qtbot: Any,
                                                            tmp_path: Path) -> None:
    """A's result comes back on the stick as the hub's inbox file; «Nhập biên nhận…» takes it too."""
    from desktop.services import forwarding, officers
    from desktop.ui.pages.sync import SyncPage
    from province.outbox import write_outbox
    from tests.sync_support import connect_desk, deliver, export, fresh_hub, neighbour_desk
    from tests.ui.test_sync_page import FakePickers

    with db.transaction() as s:
        officers.create_officer(s, username="canbo", full_name="Nguyễn Văn Cán", password="matkhau123",
                                role="officer")
        put_setting(s, settings.PROVINCE_UNITS.key, [{"code": "10376", "name": "UBND xã Tân Phú"}])
    hub = fresh_hub(None, tmp_path / "hub")
    other = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        at = clock.now() - timedelta(days=1)
        with db.transaction(officer="canbo") as s:
            code = dossiers.receive(s, Reception("2.000815", Applicant("Trần Thị Hai"), at=at, resolver="10376")).code
            forwarding.transfer(s, code, via="hub", at=at + timedelta(minutes=30))
        deliver(hub, db, export(db, tmp_path / "u1"), tmp_path / "u1")
        from desktop.sync import inbox

        inbox.apply_file(other, Path(write_outbox(hub, "10376", tmp_path / "u1")["file"]).read_bytes())
        with other.transaction(officer="system") as s:
            dossiers.record_result(s, code, at=at + timedelta(hours=1))
        deliver(hub, other, export(other, tmp_path / "u2"), tmp_path / "u2")
        path = Path(write_outbox(hub, "10375", tmp_path / "u2")["file"])
        page = SyncPage(ctx)
        qtbot.addWidget(page)
        page.pickers = FakePickers(open_file=path)
        page.show()
        page.choose_receipt()
        with db.reading() as s:
            assert dossiers.get_dossier(s, code).status == Status.RESOLVED
    finally:
        other.dispose()
        hub.dispose()
