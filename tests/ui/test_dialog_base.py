"""Every dialog on one base (issue #16, #18 item 1): Vietnamese buttons, Enter accepts, Esc cancels, the
size fits the screen it opens on and the officer's last size is remembered."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop.ui.dialogs.base import Dialog
from desktop.ui.dialogs.reason_dialog import ReasonDialog


def test_buttons_are_vietnamese_and_keys_work(qtbot: Any) -> None:
    dialog = ReasonDialog("Rút hồ sơ", "Lý do:", "Ghi nhận")
    qtbot.addWidget(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert {b.text() for b in box.buttons()} == {"Ghi nhận", "Hủy"}
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.show()
    box.button(QDialogButtonBox.StandardButton.Ok).setFocus()
    qtbot.keyClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


class _Tall(Dialog):
    def __init__(self) -> None:
        super().__init__("Xem trước", size=(820, 3000))


def test_a_tall_dialog_fits_the_screen_and_its_size_is_remembered(qtbot: Any) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    dialog = _Tall()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.height() <= room.height() and dialog.width() <= room.width()
    dialog.resize(500, 300)
    dialog.reject()  # the size is saved when the dialog closes
    again = _Tall()
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (500, 300)
