"""Refresh docs/screenshots/: every main page (and a few dialogs) of the desk on a temporary demo DB.

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots.py     # real X server
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py                 # no X at all

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
    dialog.resize(1000, 760)
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

    from desktop import clock
    from desktop.backup import backup_now

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


def about(window: MainWindow) -> QWidget:
    from desktop.ui.about_dialog import AboutDialog

    dialog = AboutDialog(window.ctx.db.path, window)
    dialog.resize(760, 640)
    dialog.show()
    _settle()
    return dialog


EXTRA_SHOTS: list[tuple[str, Callable[[MainWindow], QWidget | None]]] = [
    ("reception-filled", reception_filled),
    ("reception-search", procedure_search),
    ("dossier-detail", dossier_detail),
    ("print-preview", print_preview),
    ("settings-backup", settings_backup),
    ("settings-audit", settings_audit),
    ("about", about),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--db", help="reuse this database instead of a temporary demo one")
    parser.add_argument("--only", help="comma-separated shot names (e.g. settings-backup,about); default: all")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
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
            if only is not None and f"page-{page.key}" not in only:
                continue
            window.show_key(page.key)
            _settle()
            path = out / f"page-{page.key}.png"
            window.grab().save(str(path))
            written.append(path)
        for stem, shot in EXTRA_SHOTS:
            if only is not None and stem not in only:
                continue
            widget = shot(window)
            if widget is None:
                print(f"skipped {stem}: not available in this build", file=sys.stderr)
                continue
            path = out / f"{stem}.png"
            widget.grab().save(str(path))
            written.append(path)
            if widget is not window:
                widget.close()
        window.close()
        db.dispose()
        app.processEvents()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
