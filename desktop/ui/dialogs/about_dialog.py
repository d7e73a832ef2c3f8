"""«Giới thiệu» (F1): name, the one version (pyproject.toml via ``desktop.__version__``), where the data,
backups and logs are (what support asks first on the phone), and the licences of what is bundled."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.platform.backup import default_backup_dir
from desktop.platform.logs import log_dir
from desktop.platform.paths import data_dir, resources_dir
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Button, Dialog


@dataclass(frozen=True)
class BundledLicence:
    title: str  # «Phông chữ Liberation — SIL-OFL-1.1»
    files: list[str]
    text: str


def font_licences() -> list[BundledLicence]:
    """One entry per ``resources/fonts/LICENSE-<Family>.txt``, naming the font files it covers and the
    licence of those files (the first ``License:`` line of the Debian copyright-format file)."""
    folder = resources_dir() / "fonts"
    found = []
    for path in sorted(folder.glob("LICENSE-*.txt")):
        family = path.stem.removeprefix("LICENSE-")
        text = path.read_text(encoding="utf-8", errors="replace")
        licence = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("License:")),
                       "")
        files = sorted(p.name for p in folder.glob(f"{family}*.ttf"))
        found.append(BundledLicence(f"Phông chữ {family} — {licence}" if licence else f"Phông chữ {family}",
                                    files, text))
    return found


QT_NOTE = ("Qt for Python (PySide6) và thư viện Qt được dùng theo giấy phép GNU LGPL phiên bản 3. Bản cài đặt "
           "để các thư viện Qt thành tệp riêng trong thư mục cài đặt, người dùng có thể thay bằng bản Qt tương "
           "thích khác. Mã nguồn Qt: https://download.qt.io/official_releases/qt/ và "
           "https://code.qt.io/cgit/pyside/pyside-setup.git/")


class AboutDialog(Dialog):
    def __init__(self, db_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(680, 560))
        self.setWindowTitle(self.tr("Giới thiệu Một Cửa Offline"))
        icon = QLabel()
        pixmap = QPixmap(str(resources_dir() / "icons" / "motcua.png"))
        if not pixmap.isNull():
            icon.setPixmap(pixmap.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
        self.title = QLabel(f"<h2>Một Cửa Offline</h2>{self.tr(LABELS['version'])} <b>{__version__}</b><br>"
                            + self.tr("Phần mềm tiếp nhận và trả kết quả hồ sơ thủ tục hành chính tại bộ phận "
                                      "một cửa cấp xã; làm việc không cần mạng."), objectName="title")
        self.title.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addWidget(self.title, 1)

        self.places: dict[str, QLabel] = {}
        form = QFormLayout()
        rows = [("data", self.tr("Thư mục dữ liệu:"), data_dir()),
                ("db", self.tr("Tệp dữ liệu:"), db_path),
                ("backups", self.tr("Thư mục sao lưu:"), default_backup_dir()),
                ("logs", self.tr("Thư mục nhật ký:"), log_dir())]
        for key, label, value in rows:
            if value is None:
                continue
            field = QLabel(str(value), objectName=f"place_{key}")
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.places[key] = field
            form.addRow(label, field)
        form.addRow(self.tr("Môi trường:"), QLabel(
            f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}, {platform.platform()}"))

        self.licences = font_licences()
        self.licence_list = QComboBox(objectName="licences")
        self.licence_text = QPlainTextEdit(objectName="licence_text")
        self.licence_text.setReadOnly(True)
        for item in self.licences:
            self.licence_list.addItem(item.title)
        self.licence_list.addItem(self.tr("Qt for Python (PySide6) — LGPL-3.0"))
        self.licence_list.currentIndexChanged.connect(self.show_licence)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Giấy phép của thành phần đi kèm:")))
        layout.addWidget(self.licence_list)
        layout.addWidget(self.licence_text, 1)
        self.button_box(layout, Button.Close)
        self.show_licence(0)

    def show_licence(self, index: int) -> None:
        if 0 <= index < len(self.licences):
            item = self.licences[index]
            self.licence_text.setPlainText(self.tr("Tệp: %1").replace("%1", ", ".join(item.files)) + "\n\n" + item.text)
        else:
            self.licence_text.setPlainText(QT_NOTE)
