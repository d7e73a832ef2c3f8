"""What every dialog of the desk shares: a button box with Vietnamese labels (Enter = the default action,
Esc = cancel), a size that fits the screen it opens on (an officer's 1366×768 shows every button), and
the size the officer last gave it, remembered per dialog.

Sizes are kept in ``ui.ini`` in the desk's data folder, not in the registry: a reinstall or a roaming
profile does not scatter them, and tests stay in their own folder.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLayout, QPushButton, QWidget

from desktop.platform.paths import data_dir
from desktop.texts import LABELS

Button = QDialogButtonBox.StandardButton
MARGIN = QSize(40, 80)  # the taskbar and the window frame


def settings() -> QSettings:
    return QSettings(str(data_dir() / "ui.ini"), QSettings.Format.IniFormat)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width``×``height``, or to what the screen has room for when it is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry().size() - MARGIN
        width, height = min(width, room.width()), min(height, room.height())
    widget.resize(width, height)


class Dialog(QDialog):
    """Base of the desk's dialogs. ``size`` is the wanted size; ``key`` names the remembered one (the class
    name by default)."""

    def __init__(self, title: str, parent: QWidget | None = None, *, size: tuple[int, int] = (520, 280),
                 key: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._key = f"dialogs/{key or type(self).__name__}"
        self._wanted = size
        self.buttons: QDialogButtonBox | None = None
        self._sized = False

    def button_box(self, layout: QLayout, buttons: Button = Button.Ok | Button.Cancel, *,
                   ok_text: str | None = None, on_accept: Callable[[], None] | None = None) -> QDialogButtonBox:
        """The standard buttons, labelled in Vietnamese, added at the end of ``layout``; ``on_accept`` checks
        before closing (the log-in tries the password) instead of accepting at once."""
        box = QDialogButtonBox()  # not QDialogButtonBox(buttons): choosing among the constructors that take
        box.setStandardButtons(buttons)  # a Qt.Orientation builds the Qt namespace's enums, ~25 ms (issue #18)
        for which, text in ((Button.Ok, ok_text or LABELS["ok"]), (Button.Cancel, LABELS["cancel"]),
                            (Button.Close, LABELS["close"]), (Button.Save, LABELS["save"])):
            button = box.button(which)
            if button is not None:
                button.setText(text)
        box.accepted.connect(on_accept or self.accept)
        box.rejected.connect(self.reject)
        ok = box.button(Button.Ok)
        if isinstance(ok, QPushButton):
            ok.setDefault(True)  # Enter, wherever the focus is (a multi-line box keeps Enter for itself)
        if isinstance(layout, QFormLayout):
            layout.addRow(box)
        else:
            layout.addWidget(box)
        self.buttons = box
        return box

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 — Qt's name
        if not self._sized:
            self._sized = True
            saved = settings().value(self._key)
            size = saved if isinstance(saved, QSize) and saved.isValid() else QSize(*self._wanted)
            size = size.expandedTo(self.minimumSizeHint())
            fit_to_screen(self, size.width(), size.height())
        super().showEvent(event)

    def done(self, result: int) -> None:
        settings().setValue(self._key, self.size())
        super().done(result)
