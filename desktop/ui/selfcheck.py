"""The Qt part of ``--self-test``: Qt starts headless, the bundled fonts load and draw Vietnamese."""

from __future__ import annotations

import os

from desktop.platform.paths import resources_dir


def check_qt() -> str:
    """Returns the family of the bundled font Qt loaded; raises if Qt or its plugins are missing."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QImage, QPainter

    app = QGuiApplication.instance() or QGuiApplication([])
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / "LiberationSans-Regular.ttf"))
    families = QFontDatabase.applicationFontFamilies(font_id)
    if font_id < 0 or not families:
        raise RuntimeError("bundled font could not be loaded by Qt")
    image = QImage(240, 40, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    painter.setFont(QFont(families[0], 14))
    painter.drawText(4, 28, "Tiếp nhận hồ sơ — Đắk Lắk")
    painter.end()
    if all(image.pixel(x, y) == 0xFFFFFFFF for x in range(0, 240, 2) for y in range(0, 40, 2)):
        raise RuntimeError("Qt drew nothing")
    del app
    return families[0]
