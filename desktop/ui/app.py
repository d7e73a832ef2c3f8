"""QApplication set-up: bundled fonts (no boxes on a bare PC) and Vietnamese standard button texts."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.platform.paths import resources_dir
from desktop.texts import LABELS

log = logging.getLogger("desktop.ui")

UI_FONT_FAMILIES = ("Liberation Sans", "DejaVu Sans")
UI_FONT_POINT_SIZE = 10

# Qt ships no Vietnamese catalogue: the texts Qt itself puts on standard buttons and menus, by Qt context.
# Grouped by context (one context's texts on a few lines) so that the table reads as a table, not a list.
_EDIT_MENU = {"&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "Sao &chép",
              "&Paste": "&Dán", "Delete": LABELS["delete"], "Select All": "Chọn tất cả"}
_QT_TEXTS_BY_CONTEXT: dict[str, dict[str, str]] = {
    "QPlatformTheme": {
        "OK": LABELS["ok"], "Cancel": LABELS["cancel"], "&Yes": "&Có", "&No": "&Không",
        "Yes to &All": "Có với tất cả", "N&o to All": "Không với tất cả",
        "Save": LABELS["save"], "&Save": "&Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Open": "&Mở",
        "Close": LABELS["close"], "Apply": "Áp dụng", "Reset": "Đặt lại", "Help": "Trợ giúp",
        "Discard": LABELS["skip"], "Don't Save": "Không lưu", "Close without Saving": "Đóng không lưu",
        "Restore Defaults": "Khôi phục mặc định", "Abort": "Dừng", "Retry": "Thử lại", "Ignore": LABELS["skip"],
    },
    "QMessageBox": {"Show Details...": "Xem chi tiết...", "Hide Details...": "Ẩn chi tiết..."},
    "QWizard": {
        "< &Back": "< &Quay lại", "&Next >": "&Tiếp >", "&Next": "&Tiếp", "&Finish": "&Hoàn tất",
        "Cancel": LABELS["cancel"], "&Help": "&Trợ giúp", "Go Back": LABELS["back"], "Continue": "Tiếp tục",
        "Commit": "Xác nhận", "Done": "Xong",
    },
    "QLineEdit": _EDIT_MENU,
    "QWidgetTextControl": _EDIT_MENU,
    "QFileDialog": {
        "Open": "Mở", "Save": LABELS["save"], "Cancel": LABELS["cancel"], "&Open": "&Mở", "&Save": "&Lưu",
        "File &name:": "Tên &tệp:", "Files of type:": "Loại tệp:", "Look in:": "Thư mục:",
    },
}
QT_TEXTS: dict[tuple[str, str], str] = {
    (context, source): text for context, texts in _QT_TEXTS_BY_CONTEXT.items() for source, text in texts.items()
}


class QtTextsTranslator(QTranslator):
    """Answers Qt's own contexts from QT_TEXTS; everything else falls through."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return QT_TEXTS.get((context, source))  # None = a null QString: "not mine", Qt keeps the source

    def isEmpty(self) -> bool:  # noqa: N802  Qt API
        return False


# Families registered from resources/fonts (not the PC's own fonts): what the UI font is chosen from.
LOADED_FAMILIES: set[str] = set()


def load_fonts() -> str:
    """Register every bundled TTF; return the family used for the interface."""
    families: set[str] = set()
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("không nạp được phông chữ %s", path.name)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    LOADED_FAMILIES.update(families)
    for family in UI_FONT_FAMILIES:
        if family in families:
            return family
    return QFont().family()


def create_app(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (reused if a test or script already made one)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    QCoreApplication.setApplicationName(LABELS["app_name"])
    QCoreApplication.setOrganizationName("MotCuaOffline")
    if not app.property("motcua_ready"):
        family = load_fonts()
        app.setFont(QFont(family, UI_FONT_POINT_SIZE))
        translator = QtTextsTranslator(app)
        app.installTranslator(translator)
        app.setProperty("motcua_ready", True)
        app.setProperty("motcua_font", family)
    return app
