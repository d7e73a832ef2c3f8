"""Refresh docs/screenshots/: every main page (and a few dialogs) of the desk on a temporary demo DB.

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshots.py     # real X server
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py                 # no X at all
    python scripts/screenshots.py --skip sync                               # leave page-sync.png alone

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


EXTRA_SHOTS: list[tuple[str, Callable[[MainWindow], QWidget | None]]] = [
    ("reception-filled", reception_filled),
    ("reception-search", procedure_search),
    ("dossier-detail", dossier_detail),
    ("print-preview", print_preview),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--db", help="reuse this database instead of a temporary demo one")
    parser.add_argument("--skip", action="append", default=[], metavar="KEY",
                        help="page key or shot name not to write (repeatable), e.g. --skip sync")
    args = parser.parse_args(argv)
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
            if page.key in args.skip:
                continue
            window.show_key(page.key)
            _settle()
            path = out / f"page-{page.key}.png"
            window.grab().save(str(path))
            written.append(path)
        for stem, shot in EXTRA_SHOTS:
            if stem in args.skip:
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
