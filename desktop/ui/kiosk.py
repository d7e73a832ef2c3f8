"""The citizen kiosk: a full-screen survey for a second screen or a touch tablet turned to the citizen.

Large buttons only (no keyboard), one question per screen, a thank-you screen and an automatic reset;
free-text questions are left out (they need a keyboard). It cannot be closed or left without the
officer PIN: close events are ignored, Esc / Alt+F4 are swallowed, and the hidden officer button
opens a PIN pad with on-screen digits. After the PIN the officer may attach the next answer to the
dossier just returned, or leave kiosk mode. Everything is local: fully offline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop.db.session import Database
from desktop.services import kiosk as kiosk_service
from desktop.services import surveys
from desktop.rules.survey_forms import DEFAULT_FORM, Question, SurveyForm, get_form
from desktop.texts import LABELS
from desktop.ui.tasks import read_now, wait_for

# Writes go through this when the kiosk runs inside the app (UiContext.write); alone, inline.
T = TypeVar("T")
Writer = Callable[[Callable[[Session], Any], Callable[[Any], None]], None]

STYLE = """
QWidget#kiosk { background: #f4f7fb; }
QLabel#title { font-size: 30pt; font-weight: bold; color: #0b3d6e; }
QLabel#question { font-size: 26pt; color: #102a43; }
QLabel#hint, QLabel#dossier { font-size: 16pt; color: #486581; }
QPushButton[class="big"] { font-size: 24pt; min-height: 110px; border-radius: 18px; padding: 12px 28px;
                  background: #ffffff; border: 3px solid #9fb3c8; color: #102a43; }
QPushButton[class="big"]:pressed { background: #d9e8f6; }
QPushButton#opt_rat_hai_long { border-color: #2f8132; background: #e3f9e5; }
QPushButton#opt_hai_long { border-color: #3a66db; background: #e6f0ff; }
QPushButton#opt_khong_hai_long { border-color: #ba2525; background: #ffe3e3; }
QPushButton#start { background: #0b69a3; color: white; border-color: #0b69a3; }
QPushButton[class="small"] { font-size: 16pt; min-height: 60px; border-radius: 12px; padding: 6px 20px;
                            background: #ffffff; border: 2px solid #9fb3c8; color: #243b53; }
QPushButton[class="small"]:pressed, QPushButton[class="digit"]:pressed { background: #d9e8f6; }
QPushButton[class="small"]:disabled { color: #9fb3c8; border-color: #d9e2ec; }
QPushButton#officer { font-size: 12pt; min-height: 48px; min-width: 96px; color: #9fb3c8;
                      background: transparent; border: 1px solid #d9e2ec; border-radius: 8px; }
QPushButton[class="digit"] { font-size: 26pt; min-width: 110px; min-height: 90px; border-radius: 14px;
                            background: #ffffff; border: 2px solid #9fb3c8; color: #102a43; }
QDialog { background: #f4f7fb; }
QLabel#pin_display { font-size: 30pt; letter-spacing: 10px; min-height: 60px; }
"""


def _big(text: str, name: str, css: str = "big") -> QPushButton:
    button = QPushButton(text, objectName=name)
    button.setProperty("class", css)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch only: no focus rectangle, no keyboard path
    return button


class PinPad(QDialog):
    """Officer PIN with on-screen digits; ``accepted`` only with the right PIN."""

    def __init__(self, check: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mã PIN cán bộ"))
        self.setModal(True)
        self._check = check
        self.entered = ""
        self.display = QLabel("", objectName="pin_display", alignment=Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel(self.tr("Nhập mã PIN của cán bộ"), objectName="hint",
                             alignment=Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        self.digits: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            self.digits[digit] = self._digit_button(digit)
            grid.addWidget(self.digits[digit], index // 3, index % 3)
        self.clear_button = _big(self.tr(LABELS["delete"]), "pin_clear", "digit")
        self.digits["0"] = self._digit_button("0")
        self.ok_button = _big(self.tr(LABELS["ok"]), "pin_ok", "digit")
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self.digits["0"], 3, 1)
        grid.addWidget(self.ok_button, 3, 2)
        self.cancel_button = _big(self.tr(LABELS["back"]), "pin_cancel", "small")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.display)
        layout.addLayout(grid)
        layout.addWidget(self.cancel_button)
        self.clear_button.clicked.connect(self._clear)
        self.ok_button.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.reject)

    def _digit_button(self, digit: str) -> QPushButton:
        button = _big(digit, f"pin_{digit}", "digit")
        button.clicked.connect(lambda: self._press(digit))
        return button

    def _press(self, digit: str) -> None:
        if len(self.entered) < 8:
            self.entered += digit
            self.display.setText("●" * len(self.entered))

    def _clear(self) -> None:
        self.entered = ""
        self.display.setText("")

    def _submit(self) -> None:
        if self._check(self.entered):
            self.accept()
            return
        self._clear()
        self.status.setText(self.tr("Mã PIN không đúng. Nhập lại."))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802  Qt API: Esc must not close it silently
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)


class OfficerMenu(QDialog):
    """What the officer may do after the PIN: attach the next answer, leave kiosk mode, or go back."""

    ATTACH, EXIT = 10, 11

    def __init__(self, last_dossier: tuple[str, str] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr(LABELS["officer"]))
        layout = QVBoxLayout(self)
        self.attach_button = _big(self.tr("Gắn phiếu tiếp theo với hồ sơ vừa trả"), "menu_attach", "small")
        if last_dossier:
            self.attach_button.setText(self.tr("Gắn phiếu tiếp theo với hồ sơ %1 (%2)")
                                       .replace("%1", last_dossier[0]).replace("%2", last_dossier[1]))
        else:
            self.attach_button.setText(self.tr("Hôm nay chưa có hồ sơ nào được trả kết quả"))
            self.attach_button.setEnabled(False)
        self.exit_button = _big(self.tr("Thoát chế độ kiosk"), "menu_exit", "small")
        self.back_button = _big(self.tr("Tiếp tục khảo sát"), "menu_back", "small")
        for button in (self.attach_button, self.exit_button, self.back_button):
            layout.addWidget(button)
        self.attach_button.clicked.connect(lambda: self.done(self.ATTACH))
        self.exit_button.clicked.connect(lambda: self.done(self.EXIT))
        self.back_button.clicked.connect(self.reject)


class KioskWindow(QWidget):
    """One survey per citizen: welcome → one screen per question → thank-you → welcome again."""

    answer_saved = Signal(object)  # surveys.RecordedAnswer

    def __init__(self, db: Database, *, officer: str | None, form_id: str = DEFAULT_FORM,
                 writer: Writer | None = None, thanks_seconds: int = 6, idle_seconds: int = 60,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="kiosk")
        self.db = db
        self.officer = officer
        self.form: SurveyForm = get_form(form_id)
        self.questions: list[Question] = [q for q in self.form.questions if q.type != "text"]
        self._writer = writer
        self._unlocked = False
        self.answers: dict[str, Any] = {}
        self.attached_dossier: str | None = None
        self.index = -1
        self.setWindowTitle(self.tr("Khảo sát mức độ hài lòng"))
        self.setStyleSheet(STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.stack = QStackedWidget()
        self.welcome = self._welcome_screen()
        self.stack.addWidget(self.welcome)
        self.question_screens = [self._question_screen(i, q) for i, q in enumerate(self.questions)]
        for screen in self.question_screens:
            self.stack.addWidget(screen)
        self.thanks = self._thanks_screen()
        self.stack.addWidget(self.thanks)
        self.officer_button = _big(self.tr(LABELS["officer"]), "officer", "officer")
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.officer_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 12)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)
        self.officer_button.clicked.connect(self.officer_unlock)
        self.thanks_timer = QTimer(self, singleShot=True, interval=thanks_seconds * 1000)
        self.thanks_timer.timeout.connect(self.reset)
        self.idle_timer = QTimer(self, singleShot=True, interval=idle_seconds * 1000)
        self.idle_timer.timeout.connect(self.reset)  # a citizen walked away mid-survey: discard
        self.reset()

    # -- screens ---------------------------------------------------------------------------
    def _welcome_screen(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.tr("Xin ông/bà cho biết ý kiến về việc giải quyết hồ sơ"), objectName="title",
                       alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        hint = QLabel(self.tr("Chỉ cần chạm vào câu trả lời. Phiếu không ghi tên người đánh giá."), objectName="hint",
                      alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.dossier_label = QLabel("", objectName="dossier", alignment=Qt.AlignmentFlag.AlignCenter)
        self.start_button = _big(self.tr("Bắt đầu đánh giá"), "start")
        self.start_button.clicked.connect(self.start)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.dossier_label)
        layout.addSpacing(30)
        layout.addWidget(self.start_button)
        layout.addStretch(1)
        return page

    def _question_screen(self, index: int, question: Question) -> QWidget:
        page = QWidget()
        counter = QLabel(self.tr("Câu %1/%2").replace("%1", str(index + 1)).replace("%2", str(len(self.questions))),
                         objectName="hint")
        label = QLabel(question.text, objectName="question", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        layout.addWidget(counter)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addSpacing(24)
        for option in question.options:
            button = _big(option.label, f"opt_{option.value}")
            button.clicked.connect(lambda _c=False, v=option.value: self.choose(v))
            layout.addWidget(button)
        layout.addStretch(1)
        row = QHBoxLayout()
        back = _big(self.tr("‹ Câu trước"), "back", "small")
        back.clicked.connect(self.previous)
        back.setVisible(index > 0)
        row.addWidget(back)
        row.addStretch(1)
        if not question.required:
            skip = _big(self.tr("Bỏ qua câu này ›"), "skip", "small")
            skip.clicked.connect(self.skip)
            row.addWidget(skip)
        layout.addLayout(row)
        return page

    def _thanks_screen(self) -> QWidget:
        page = QWidget()
        label = QLabel(self.form.thanks, objectName="title", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.thanks_hint = QLabel(self.tr("Màn hình sẽ tự quay lại sau giây lát."), objectName="hint",
                                  alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(self.thanks_hint)
        layout.addStretch(1)
        return page

    # -- flow ------------------------------------------------------------------------------
    def current_question(self) -> Question | None:
        return self.questions[self.index] if 0 <= self.index < len(self.questions) else None

    def reset(self) -> None:
        self.thanks_timer.stop()
        self.idle_timer.stop()
        self.answers = {}
        self.index = -1
        self.dossier_label.setText(self.tr("Đánh giá cho hồ sơ %1").replace("%1", self.attached_dossier)
                                   if self.attached_dossier else "")
        self.stack.setCurrentWidget(self.welcome)

    def start(self) -> None:
        self._show(0)

    def _show(self, index: int) -> None:
        self.index = index
        self.idle_timer.start()
        if index >= len(self.questions):
            self.finish()
            return
        self.stack.setCurrentWidget(self.question_screens[index])

    def choose(self, value: Any) -> None:
        question = self.current_question()
        if question is None:
            return
        self.answers[question.id] = value
        self._show(self.index + 1)

    def skip(self) -> None:
        question = self.current_question()
        if question is not None:
            self.answers.pop(question.id, None)
            self._show(self.index + 1)

    def previous(self) -> None:
        if self.index > 0:
            self._show(self.index - 1)

    def attach_dossier(self, code: str | None) -> None:
        """The officer's choice: the next answer belongs to this dossier (``None`` = anonymous)."""
        self.attached_dossier = code or None
        if self.stack.currentWidget() is self.welcome:
            self.reset()

    def finish(self) -> None:
        self.idle_timer.stop()
        answers, dossier, form = dict(self.answers), self.attached_dossier, self.form

        def work(session: Session) -> surveys.RecordedAnswer:
            return surveys.record_answer(session, answers, form_id=form.id, version=form.version,
                                         dossier_code=dossier, source="kiosk")

        def done(recorded: surveys.RecordedAnswer) -> None:
            self.attached_dossier = None  # one answer per returned dossier
            self.answer_saved.emit(recorded)

        self.stack.setCurrentWidget(self.thanks)
        self.thanks_timer.start()
        if self._writer is not None:
            self._writer(work, done)
        else:
            db, officer = self.db, self.officer

            def write() -> surveys.RecordedAnswer:
                with db.transaction(officer=officer) as session:
                    return work(session)

            done(wait_for(write))

    # -- officer ---------------------------------------------------------------------------
    def check_pin(self, pin: str) -> bool:
        return read_now(self.db, lambda session: kiosk_service.check_pin(session, pin))

    def officer_unlock(self) -> None:
        """PIN pad, then the officer menu. Modal dialogs on top of the kiosk (touch only)."""
        self.idle_timer.stop()
        pad = PinPad(self.check_pin, self)
        pad.setStyleSheet(STYLE)
        self.pin_pad = pad
        if pad.exec() != QDialog.DialogCode.Accepted:
            self._resume()
            return
        last = read_now(self.db, surveys.last_returned_dossier)
        menu = OfficerMenu(last, self)
        menu.setStyleSheet(STYLE)
        self.officer_menu = menu
        choice = menu.exec()
        if choice == OfficerMenu.ATTACH and last:
            self.attach_dossier(last[0])
        elif choice == OfficerMenu.EXIT:
            self.leave()
            return
        self._resume()

    def _resume(self) -> None:
        if self.current_question() is not None:
            self.idle_timer.start()  # a survey in progress still resets if abandoned

    def leave(self) -> None:
        self._unlocked = True
        self.thanks_timer.stop()
        self.idle_timer.stop()
        self.close()

    # -- cannot be left without the PIN ------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802  Qt API
        if self._unlocked:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802  Qt API
        event.accept()  # Esc, Alt+F4 and every other key do nothing here

    def event(self, event: QEvent) -> bool:  # noqa: A003  Qt API
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # keep application shortcuts (Ctrl+Q…) from acting behind the kiosk
            return True
        return super().event(event)


def open_kiosk(db: Database, *, officer: str | None, writer: Writer | None = None,
               form_id: str = DEFAULT_FORM) -> KioskWindow:
    """Full screen on the second screen when there is one (the one turned to the citizen)."""
    window = KioskWindow(db, officer=officer, form_id=form_id, writer=writer)
    screens = QGuiApplication.screens()
    if len(screens) > 1:
        window.setScreen(screens[1])
        window.move(screens[1].geometry().topLeft())
    window.showFullScreen()
    return window


