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

# Qt ships no Vietnamese catalogue: the texts Qt itself puts on standard buttons and menus.
QT_TEXTS: dict[tuple[str, str], str] = {
    ("QPlatformTheme", "OK"): LABELS["ok"],
    ("QPlatformTheme", "Cancel"): LABELS["cancel"],
    ("QPlatformTheme", "&Yes"): "&Có",
    ("QPlatformTheme", "&No"): "&Không",
    ("QPlatformTheme", "Yes to &All"): "Có với tất cả",
    ("QPlatformTheme", "N&o to All"): "Không với tất cả",
    ("QPlatformTheme", "Save"): LABELS["save"],
    ("QPlatformTheme", "&Save"): "&Lưu",
    ("QPlatformTheme", "Save All"): "Lưu tất cả",
    ("QPlatformTheme", "Open"): "Mở",
    ("QPlatformTheme", "&Open"): "&Mở",
    ("QPlatformTheme", "Close"): LABELS["close"],
    ("QPlatformTheme", "Apply"): "Áp dụng",
    ("QPlatformTheme", "Reset"): "Đặt lại",
    ("QPlatformTheme", "Help"): "Trợ giúp",
    ("QPlatformTheme", "Discard"): LABELS["skip"],
    ("QPlatformTheme", "Don't Save"): "Không lưu",
    ("QPlatformTheme", "Close without Saving"): "Đóng không lưu",
    ("QPlatformTheme", "Restore Defaults"): "Khôi phục mặc định",
    ("QPlatformTheme", "Abort"): "Dừng",
    ("QPlatformTheme", "Retry"): "Thử lại",
    ("QPlatformTheme", "Ignore"): LABELS["skip"],
    ("QMessageBox", "Show Details..."): "Xem chi tiết...",
    ("QMessageBox", "Hide Details..."): "Ẩn chi tiết...",
    ("QWizard", "< &Back"): "< &Quay lại",
    ("QWizard", "&Next >"): "&Tiếp >",
    ("QWizard", "&Next"): "&Tiếp",
    ("QWizard", "&Finish"): "&Hoàn tất",
    ("QWizard", "Cancel"): LABELS["cancel"],
    ("QWizard", "&Help"): "&Trợ giúp",
    ("QWizard", "Go Back"): LABELS["back"],
    ("QWizard", "Continue"): "Tiếp tục",
    ("QWizard", "Commit"): "Xác nhận",
    ("QWizard", "Done"): "Xong",
    ("QLineEdit", "&Undo"): "&Hoàn tác",
    ("QLineEdit", "&Redo"): "&Làm lại",
    ("QLineEdit", "Cu&t"): "&Cắt",
    ("QLineEdit", "&Copy"): "Sao &chép",
    ("QLineEdit", "&Paste"): "&Dán",
    ("QLineEdit", "Delete"): LABELS["delete"],
    ("QLineEdit", "Select All"): "Chọn tất cả",
    ("QWidgetTextControl", "&Undo"): "&Hoàn tác",
    ("QWidgetTextControl", "&Redo"): "&Làm lại",
    ("QWidgetTextControl", "Cu&t"): "&Cắt",
    ("QWidgetTextControl", "&Copy"): "Sao &chép",
    ("QWidgetTextControl", "&Paste"): "&Dán",
    ("QWidgetTextControl", "Delete"): LABELS["delete"],
    ("QWidgetTextControl", "Select All"): "Chọn tất cả",
    ("QFileDialog", "Open"): "Mở",
    ("QFileDialog", "Save"): LABELS["save"],
    ("QFileDialog", "Cancel"): LABELS["cancel"],
    ("QFileDialog", "&Open"): "&Mở",
    ("QFileDialog", "&Save"): "&Lưu",
    ("QFileDialog", "File &name:"): "Tên &tệp:",
    ("QFileDialog", "Files of type:"): "Loại tệp:",
    ("QFileDialog", "Look in:"): "Thư mục:",
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
