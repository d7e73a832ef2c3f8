"""Refresh docs/screenshots/: every main page (and a few dialogs) of the desk on a temporary demo DB.

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots.py     # real X server
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py                 # no X at all
    python scripts/screenshots.py --skip sync                               # leave page-sync.png alone
    python scripts/screenshots.py --only page-overview,kiosk-welcome        # just these

Each page in desktop.ui.pages.PAGES is grabbed as page-<key>.png automatically; other shots (dialogs,
a filled form) are entries of EXTRA_SHOTS: (file stem, function(window) -> widget to grab).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop.db.session import open_database  # noqa: E402
from desktop.demo import ensure_demo_database  # noqa: E402
from desktop.services import officers  # noqa: E402
from desktop.ui.app import create_app  # noqa: E402
from desktop.ui.context import UiContext  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.tasks import TaskRunner  # noqa: E402
from screenshots_sync import sync_history  # noqa: E402  (scripts/ is on sys.path when run)

Shot = Callable[[MainWindow], QWidget]
SIZE = (1366, 768)


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def reception_filled(window: MainWindow) -> QWidget:
    """The counter form mid-way: a procedure picked, the appointment shown large."""
    page = window.show_key("reception")
    page.procedure.edit.setText("khai sinh")
    page.procedure.edit.textEdited.emit("khai sinh")
    page.procedure.pick_code(page.procedure.results.item(0).data(256).code)
    page.name.setText("Nguyễn Thị Ánh Dương")
    page.id_number.setText("001203004567")
    page.phone.setText("0912345678")
    page.address.setText("Thôn Đồng Tâm, xã Tân Lập, tỉnh Phú Thọ")
    page.components.toggle(0, 2)
    _settle()
    return window


def dossier_detail(window: MainWindow) -> QWidget:
    page = window.show_key("dossiers")
    page.status.setCurrentIndex(page.status.findData("in_progress"))
    _settle()
    dialog = page.open_code(page.model.code_at(0))
    _settle()
    return dialog


def procedure_search(window: MainWindow) -> QWidget:
    page = window.show_key("reception")
    page.clear()
    page.procedure.edit.setText("chung thuc")
    page.procedure.edit.textEdited.emit("chung thuc")
    _settle()
    return window


def print_preview(window: MainWindow) -> QWidget | None:
    """The receipt of the newest dossier in the preview window (needs desktop.forms)."""
    from desktop.ui.pdf_preview import PdfPreview
    from desktop.ui.printing import FORM_TITLES, print_form

    page = window.show_key("dossiers")
    page.status.setCurrentIndex(0)
    _settle()
    code = page.model.code_at(0)
    rendered: list[Path] = []
    if code:
        print_form(window.ctx, window, "receipt", code, on_done=rendered.append)
    if not rendered:
        return None
    preview = PdfPreview(rendered[0], FORM_TITLES["receipt"], window)
    preview.resize(900, 760)
    preview.show()
    import time

    deadline = time.monotonic() + 3  # QPdfView renders pages on a worker thread
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.05)
    return preview


# Work done right before a page is shot (so it does not change the pages shot earlier).
def prepare_sync(window: MainWindow, folder: Path) -> None:
    sync_history(window.ctx.db, folder)
    window.ctx.bus.changed.emit(frozenset({"settings"}))
    _settle()


PAGE_PREPARE: dict[str, Callable[[MainWindow, Path], None]] = {"sync": prepare_sync}


def _admin_settings(window: MainWindow, tab: str) -> QWidget:
    """Cài đặt as the demo admin (the screenshot window is an officer's, who may not see the audit trail)."""
    from desktop.ui.pages.settings import SettingsPage

    with window.ctx.db.reading() as session:
        admin = officers.officer_info(session, "admin")
    ctx = UiContext(db=window.ctx.db, officer=admin, tasks=TaskRunner(synchronous=True), show_previews=False)
    page = SettingsPage(ctx)
    page.setWindowTitle("Cài đặt")
    page.resize(*SIZE)
    page.tabs.setCurrentIndex([page.tabs.tabText(i) for i in range(page.tabs.count())].index(tab))
    page.show()
    _settle()
    return page


def settings_backup(window: MainWindow) -> QWidget:
    """Sao lưu with a week of daily backups, one taken before an upgrade and one «Sao lưu ngay»."""
    from datetime import timedelta

    from desktop.platform import clock
    from desktop.platform.backup import backup_now

    path = window.ctx.db.path
    for days in range(6, 0, -1):
        backup_now(path, kind="daily", now=clock.now() - timedelta(days=days, hours=1))
    backup_now(path, kind="pre-migration", now=clock.now() - timedelta(days=2, hours=3))
    backup_now(path, kind="manual")
    page = _admin_settings(window, "Sao lưu")
    page.backup.status.setText("Đã sao lưu vào " + str(page.backup.entries[0].backup.path)
                               + "; bản sao lưu đạt kiểm tra toàn vẹn.")
    _settle()
    return page


def settings_audit(window: MainWindow) -> QWidget:
    """Nhật ký after a few real changes (the demo data itself is bulk-loaded, so not in the trail)."""
    from datetime import date

    from desktop.services import calendar, catalog
    from desktop.services import dossiers as dossier_service

    db = window.ctx.db
    with db.reading() as session:
        procedure = catalog.list_procedures(session, active_only=True)[0].code
    for name in ("Nguyễn Thị Ánh Dương", "Lò Văn Páo"):
        with db.transaction(officer="canbo") as session:
            code = dossier_service.receive(session, dossier_service.Reception(
                procedure_code=procedure, applicant=dossier_service.Applicant(name=name))).code
        with db.transaction(officer="lanhdao") as session:
            dossier_service.start(session, code)
    with db.transaction(officer="admin") as session:
        calendar.set_override(session, date(2026, 12, 31), working=False, reason="Nghỉ bù theo quyết định của UBND tỉnh")
    page = _admin_settings(window, "Nhật ký")
    page.audit.reload()
    page.audit.verify()
    page.audit.table.setCurrentCell(0, 0)
    _settle()
    return page


def settings_calendar(window: MainWindow) -> QWidget:
    """Lịch làm việc of 2026 (each day with its source, 24/11 uncertain) after the admin closed the next
    working day: the open dossiers whose due date would move, waiting for «Áp dụng»."""
    from desktop.platform import clock
    from desktop.services import calendar
    from desktop.services.desk import load_calendar

    db = window.ctx.db
    with db.reading() as session:
        day = load_calendar(session).next_working_day(clock.today())
    with db.transaction(officer="admin") as session:
        calendar.set_override(session, day, working=False, reason="Nghỉ đột xuất theo quyết định của UBND tỉnh")
    page = _admin_settings(window, "Lịch làm việc")
    page.calendar.year.setValue(2026)
    _settle()
    return page


def settings_hours(window: MainWindow) -> QWidget:
    """Giờ làm việc with Saturday-morning reception."""
    page = _admin_settings(window, "Giờ làm việc")
    page.hours.days["sat"].setText("07:30-11:30")
    page.hours.save_button.click()
    _settle()
    return page


def settings_general(window: MainWindow) -> QWidget:
    """Chung as the admin: lock-out minutes, receipt paper and the province hub's address."""
    return _admin_settings(window, "Chung")


def settings_data(window: MainWindow) -> QWidget:
    """Dữ liệu: the ledger import and the export of everything, after an export."""
    page = _admin_settings(window, "Dữ liệu")
    target = Path(tempfile.mkdtemp()) / "tat-ca-du-lieu.xlsx"
    page.data.export_to(target)
    _settle()
    return page


def history_wizard(window: MainWindow) -> QWidget:
    """The import wizard's preview of a messy ledger (the test fixture): counts, a near name, refusals."""
    from tests.history.ledger_fixture import build_ledger

    page = _admin_settings(window, "Dữ liệu")
    wizard = page.data.open_wizard()
    wizard.file_page.set_file(build_ledger(Path(tempfile.mkdtemp()) / "so-theo-doi-2026.xlsx"))
    wizard.next()
    wizard.next()
    wizard.resize(1000, 700)
    window.kept_page = page  # type: ignore[attr-defined]  the wizard is the page's child: keep the page alive
    _settle()
    return wizard


def about(window: MainWindow) -> QWidget:
    from desktop.ui.dialogs.about_dialog import AboutDialog

    dialog = AboutDialog(window.ctx.db.path, window)
    dialog.show()
    _settle()
    return dialog


def kiosk_screen(*, question: bool) -> Callable[[MainWindow], QWidget]:
    """The citizen's survey window at the screen's size (it opens full screen): the welcome, or the first
    question. Closed by ``leave`` (an officer's PIN in real use)."""

    def shot(window: MainWindow) -> QWidget:
        from desktop.ui.kiosk import KioskWindow

        kiosk = KioskWindow(window.ctx.db, officer=window.ctx.officer.username)
        kiosk.attach_dossier(None)
        if question:
            kiosk.start()
        kiosk.resize(*SIZE)
        return _shown(kiosk)

    return shot


def _shown(dialog: QWidget) -> QWidget:
    """A dialog as it opens (its size fitted to the screen by desktop.ui.dialogs.base)."""
    dialog.show()
    _settle()
    return dialog


def login_preparing(_window: MainWindow) -> QWidget:
    """The log-in as it opens at start-up on the demo database, submitted before the database is ready."""
    from desktop.demo.accounts import login_hint_text
    from desktop.ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(None, "UBND xã Tân Lập", hint=login_hint_text())
    dialog.username.setText("canbo")
    dialog.password.setText("canbo123")
    dialog.try_login()  # waits: «Đang chuẩn bị dữ liệu…»
    return _shown(dialog)


def _dialog_shots() -> list[tuple[str, Callable[[MainWindow], QWidget | None]]]:
    """Every small dialog of the desk, as an officer sees it at 1366×768 (issue #18)."""
    from datetime import date

    from desktop.ui.dialogs.apology_dialog import ApologyDialog
    from desktop.ui.dialogs.ledger_dialog import LedgerDialog
    from desktop.ui.dialogs.lock_dialog import LockDialog
    from desktop.ui.dialogs.login_dialog import LoginDialog
    from desktop.ui.dialogs.officer_dialog import OfficerDialog
    from desktop.ui.dialogs.override_dialog import OverrideDialog
    from desktop.ui.dialogs.password_dialog import PasswordDialog
    from desktop.ui.dialogs.reason_dialog import ReasonDialog
    from desktop.ui.dialogs.result_dialog import ResultDialog
    from desktop.ui.setup_wizard import SetupWizard
    from desktop.ui.startup import Splash

    return [
        ("dialog-apology", lambda w: _shown(ApologyDialog(date(2026, 12, 9), w))),
        ("dialog-result", lambda w: _shown(ResultDialog(w))),
        ("dialog-withdraw", lambda w: _shown(ReasonDialog("Rút hồ sơ", "Lý do người nộp rút hồ sơ (không bắt buộc):",
                                                          "Ghi nhận rút hồ sơ", w))),
        ("dialog-officer", lambda w: _shown(OfficerDialog(w))),
        ("dialog-password", lambda w: _shown(PasswordDialog("canbo", "Nguyễn Thị Lan", w))),
        ("dialog-override", lambda w: _shown(OverrideDialog(w))),
        ("dialog-ledger", lambda w: _shown(LedgerDialog(w.ctx, w))),
        ("dialog-lock", lambda w: _shown(LockDialog(w.ctx, w))),
        ("dialog-login", lambda w: _shown(LoginDialog(w.ctx.db, "UBND xã Tân Lập", w))),
        ("dialog-login-preparing", login_preparing),
        ("splash", lambda w: _shown(Splash())),
        ("dialog-setup", lambda w: _shown(SetupWizard(w.ctx.db, need_unit=True, parent=w))),
    ]


EXTRA_SHOTS: list[tuple[str, Callable[[MainWindow], QWidget | None]]] = [
    ("reception-filled", reception_filled),
    ("reception-search", procedure_search),
    ("dossier-detail", dossier_detail),
    ("print-preview", print_preview),
    ("settings-backup", settings_backup),
    ("settings-audit", settings_audit),
    ("settings-general", settings_general),
    ("settings-calendar", settings_calendar),
    ("settings-hours", settings_hours),
    ("settings-data", settings_data),
    ("history-wizard", history_wizard),
    ("about", about),
    ("kiosk-welcome", kiosk_screen(question=False)),
    ("kiosk-question-overall", kiosk_screen(question=True)),
    *_dialog_shots(),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--db", help="reuse this database instead of a temporary demo one")
    parser.add_argument("--only", nargs="+", metavar="STEM",
                        help="write only these shots (names, or comma-separated), e.g. page-sync settings-backup")
    parser.add_argument("--skip", action="append", default=[], metavar="KEY",
                        help="page key or shot name not to write (repeatable), e.g. --skip sync")
    parser.add_argument("--now", default="2026-12-04T09:30:00+07:00",
                        help="the desk's clock for the demo and every page (ISO); pinned so shots are comparable")
    args = parser.parse_args(argv)
    if not args.db:
        os.environ["MOTCUA_NOW"] = args.now  # a reused --db keeps its own time
    wanted = {name for item in (args.only or []) for name in item.split(",") if name}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("MOTCUA_DATA_DIR", tmp)
        db_path = Path(args.db) if args.db else Path(tmp) / "demo.sqlite3"
        if not args.db:
            ensure_demo_database(db_path, dossiers=1500)
        app = create_app()
        db = open_database(db_path)
        with db.reading() as session:
            officer = officers.officer_info(session, "canbo")
        ctx = UiContext(db=db, officer=officer, tasks=TaskRunner(synchronous=True), show_previews=False)
        window = MainWindow(ctx, lock=False)
        window.resize(*SIZE)
        window.show()
        _settle()
        written = []
        for page in window.pages:
            if (wanted and f"page-{page.key}" not in wanted) or page.key in args.skip:
                continue
            if page.key in PAGE_PREPARE:
                PAGE_PREPARE[page.key](window, Path(tmp))
            window.show_key(page.key)
            _settle()
            path = out / f"page-{page.key}.png"
            window.grab().save(str(path))
            written.append(path)
        for stem, shot in EXTRA_SHOTS:
            if (wanted and stem not in wanted) or stem in args.skip:
                continue
            widget = shot(window)
            if widget is None:
                print(f"skipped {stem}: not available in this build", file=sys.stderr)
                continue
            path = out / f"{stem}.png"
            widget.grab().save(str(path))
            written.append(path)
            if widget is not window:
                getattr(widget, "leave", widget.close)()  # the kiosk refuses a plain close
        window.close()
        db.dispose()
        app.processEvents()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
