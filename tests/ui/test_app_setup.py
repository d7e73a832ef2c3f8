"""The application set-up: bundled font, Vietnamese texts on Qt's own buttons."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWizard

from desktop.ui.app import LOADED_FAMILIES, UI_FONT_FAMILIES

pytestmark = pytest.mark.gui


def test_bundled_font_is_the_application_font() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.font().family() in UI_FONT_FAMILIES
    # registered from resources/fonts, so the look does not depend on the PC's fonts
    assert app.font().family() in LOADED_FAMILIES
    assert {"Liberation Sans", "Liberation Serif", "DejaVu Sans"} <= LOADED_FAMILIES
    assert app.property("motcua_font") == app.font().family()


def test_standard_buttons_speak_vietnamese(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No)
    qtbot.addWidget(box)
    texts = sorted(button.text().replace("&", "") for button in box.buttons())
    assert texts == sorted(["Đồng ý", "Hủy", "Có", "Không"])
    wizard = QWizard()
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.FinishButton).replace("&", "") == "Hoàn tất"
