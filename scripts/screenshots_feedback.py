"""Screenshots of the Khảo sát page's other tabs and of the kiosk screens (issue #4).

page-digitisation.png and page-surveys.png come from scripts/screenshots.py (the page registry);
this adds page-surveys-results.png (as a leader, last quarter), page-surveys-18-points.png,
page-queue.png and kiosk-*.png.

Run: ``QT_QPA_PLATFORM=offscreen python scripts/screenshots_feedback.py [OUT_DIR]`` (default
docs/screenshots). Builds a demo database in a temporary data folder with the clock pinned, so the
pictures are the same on every run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = (1366, 768)


def _grab(widget, path: Path, size: tuple[int, int] = SIZE) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    widget.resize(*size)
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(out_dir: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
    os.environ["MOTCUA_DATA_DIR"] = str(work / "data")
    from desktop.platform import clock

    clock.set_now(datetime(2026, 11, 20, 16, 0, tzinfo=clock.VN_TZ))
    from desktop.db.session import open_database
    from desktop.demo import ensure_demo_database
    from desktop.services import kiosk as kiosk_service
    from desktop.services import officers
    from desktop.ui.app import create_app
    from desktop.ui.context import UiContext
    from desktop.ui.kiosk import KioskWindow, OfficerMenu, PinPad
    from desktop.ui.pages.surveys import SurveysPage
    from desktop.ui.tasks import TaskRunner

    _app = create_app([sys.argv[0]])  # held: the QApplication lives until the script ends
    db_path = work / "demo.sqlite3"
    ensure_demo_database(db_path)
    db = open_database(db_path)
    with db.transaction(officer="admin") as session:
        kiosk_service.set_pin(session, "2468")
        leader = officers.officer_info(session, "lanhdao")
    ctx = UiContext(db=db, officer=leader, tasks=TaskRunner(synchronous=True), show_previews=False)
    out_dir.mkdir(parents=True, exist_ok=True)

    surveys_page = SurveysPage(ctx)
    surveys_page.tabs.setCurrentWidget(surveys_page.results)
    surveys_page.results.period.preset.setCurrentIndex(3)  # last quarter: a full one
    _grab(surveys_page, out_dir / "page-surveys-results.png")
    surveys_page.results.tabs.setCurrentIndex(3)
    _grab(surveys_page, out_dir / "page-surveys-18-points.png")
    surveys_page.tabs.setCurrentWidget(surveys_page.queue)
    _grab(surveys_page, out_dir / "page-queue.png")

    from sqlalchemy import select

    from desktop.db.models import Dossier
    from desktop.ui.dialogs.digitise_dialog import DigitiseDialog

    with db.reading() as session:
        code = session.scalar(select(Dossier.code).where(Dossier.result_at.is_not(None))
                              .order_by(Dossier.received_at.desc()).limit(1))
    dialog = DigitiseDialog(ctx, code)
    _grab(dialog, out_dir / "dossier-digitise.png", (1000, 460))
    dialog.close()

    kiosk = KioskWindow(db, officer="canbo")
    kiosk.attach_dossier(None)
    _grab(kiosk, out_dir / "kiosk-welcome.png")
    kiosk.start()
    _grab(kiosk, out_dir / "kiosk-question-overall.png")
    kiosk.choose("rat_hai_long")
    _grab(kiosk, out_dir / "kiosk-question-criterion.png")
    kiosk.stack.setCurrentWidget(kiosk.thanks)
    _grab(kiosk, out_dir / "kiosk-thanks.png")
    pad = PinPad(kiosk.check_pin, kiosk)
    pad.setStyleSheet(kiosk.styleSheet())
    pad.display.setText("●●")
    _grab(pad, out_dir / "kiosk-pin.png", (520, 640))
    menu = OfficerMenu(("000.00.23.H49-261120-0012", "Nguyễn Văn An"), kiosk)
    menu.setStyleSheet(kiosk.styleSheet())
    _grab(menu, out_dir / "kiosk-officer-menu.png", (760, 300))
    pad.close()
    menu.close()
    kiosk.leave()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
