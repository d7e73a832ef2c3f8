"""Tiếp nhận: the keyboard-first counter form.

Enter moves to the next field, Ctrl+Enter saves and prints the receipt, Esc clears (after asking).
The appointment shown live is the core's (dossiers.appointment_if_received) in a read session.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from sqlalchemy.orm import Session

from desktop.services import catalog, queries, resolvers
from desktop.services.dossiers import (
    Applicant,
    Reception,
    appointment_if_received,
    receive,
    refuse,
    request_supplement,
)
from desktop.texts import LABELS
from desktop.ui import messages
from desktop.ui.context import CATALOG, UiContext
from desktop.ui.formatting import appointment_text
from desktop.ui.pages.reception_layout import ReceptionLayout
from desktop.ui.printing import print_form

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ReceptionPage(ReceptionLayout):
    """The counter form's behaviour: keys, live appointment, saving; the widgets are ReceptionLayout's."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.last_code: str | None = None
        self.last_pdf: Any = None
        self._previous: dict[str, Any] | None = None
        self.busy = False  # a save is in flight: a second Ctrl+Enter must not receive twice
        self._build()
        self._wire()
        self.reload_procedures()
        ctx.bus.changed.connect(self._on_changed)
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.update_appointment)
        self._clock.start()

    def _wire(self) -> None:
        for widget in [*self.inputs[1:], self.save_button]:
            widget.installEventFilter(self)
        self.procedure.edit.installEventFilter(self)
        self.procedure.picked.connect(self._procedure_changed)
        self.resolver.currentIndexChanged.connect(lambda _: self.update_appointment())
        self.procedure.accepted.connect(lambda: self.focus_next(self.procedure.edit))
        self.id_number.textChanged.connect(self._id_changed)
        self.previous_button.clicked.connect(self.fill_previous)
        self.save_button.clicked.connect(self.save)
        self.supplement_button.clicked.connect(self.save_with_supplement)
        self.refuse_button.clicked.connect(self.refuse)
        self.clear_button.clicked.connect(self.ask_clear)
        for keys, slot in (("Ctrl+Return", self.save), ("Ctrl+Enter", self.save), ("F3", self.fill_previous)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- page protocol -----------------------------------------------------------------------
    def activate(self) -> None:
        if not self.procedure.current:
            self.procedure.edit.setFocus()

    def start_new(self) -> None:
        self.procedure.edit.setFocus()

    def reload_procedures(self) -> None:
        self.ctx.read(lambda s: catalog.list_procedures(s, active_only=True), self.procedure.set_procedures)
        self.ctx.read(resolvers.offered, self.resolver.set_bodies)

    def _on_changed(self, topics: object) -> None:
        if isinstance(topics, frozenset) and CATALOG in topics:
            self.reload_procedures()

    # -- keyboard ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt API
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in ENTER_KEYS and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.save()
            return True
        if event.key() == Qt.Key.Key_Escape and not modifiers and watched is not self.procedure.edit:
            self.ask_clear()
            return True
        if event.key() == Qt.Key.Key_F3 and self.previous_button.isVisible():
            self.fill_previous()
            return True
        if event.key() in ENTER_KEYS and not modifiers and watched is not self.procedure.edit:
            if watched is self.channel and self.channel.view().isVisible():
                return False
            if watched is self.save_button:
                self.save()
            else:
                self.focus_next(watched)
            return True
        return False

    def focus_next(self, widget: QObject) -> None:
        """Enter's «next field»: the form order, then the save button."""
        index = self.inputs.index(widget) if widget in self.inputs else len(self.inputs) - 1
        target = self.inputs[index + 1] if index + 1 < len(self.inputs) else self.save_button
        target.setFocus()

    # -- live parts --------------------------------------------------------------------------
    def _procedure_changed(self, procedure: catalog.ProcedureInfo | None) -> None:
        self.components.set_components(procedure.components if procedure else [])
        code = procedure.code if procedure else None  # the catalogue's default body; the officer may change it
        self.ctx.read(lambda s: resolvers.default_code(s, code) if code else "", self._preselect)

    def _preselect(self, body: str) -> None:
        self.resolver.select(body)
        self.update_appointment()

    def update_appointment(self) -> None:
        procedure = self.procedure.current
        if procedure is None:
            self._clear_appointment()
            return
        code = procedure.code
        body = self.resolver.currentData()

        def show(due: Any) -> None:
            if self.procedure.current is not None and self.procedure.current.code == code:
                self.appointment.setText(appointment_text(due))
                self.appointment_detail.setText(self.tr("Thời hạn giải quyết: %1 — nếu tiếp nhận lúc này.")
                                                .replace("%1", _time_text(procedure)))

        self.ctx.read(lambda s: appointment_if_received(s, code, resolver=body), show)

    def _id_changed(self, text: str) -> None:
        self._previous = None
        self.previous_button.setVisible(False)
        if not text:
            self.id_hint.setText("")
            return
        if len(text) != 12:
            self.id_hint.setText(self.tr("cần đủ 12 chữ số (%1/12)").replace("%1", str(len(text))))
            return
        self.id_hint.setText("✓")

        def offer(found: dict[str, Any] | None) -> None:
            if found and self.id_number.text() == text:
                self._previous = found
                self.previous_button.setText(self.tr("Điền thông tin cũ: %1 (F3)").replace("%1", found["name"]))
                self.previous_button.setVisible(True)

        self.ctx.read(lambda s: queries.previous_applicant(s, text), offer)

    def fill_previous(self) -> None:
        if not self._previous:
            return
        for widget, key in ((self.name, "name"), (self.phone, "phone"), (self.address, "address"),
                            (self.organisation, "organisation")):
            widget.setText(self._previous.get(key) or "")
        self.previous_button.setVisible(False)

    # -- actions -----------------------------------------------------------------------------
    def applicant(self) -> Applicant:
        return Applicant(name=self.name.text(), id_number=self.id_number.text() or None,
                         phone=self.phone.text() or None, address=self.address.text() or None,
                         organisation=self.organisation.text() or None)

    def reception(self) -> Reception:
        return Reception(
            procedure_code=self.procedure.current.code if self.procedure.current else self.procedure.edit.text(),
            applicant=self.applicant(), channel=self.channel.currentData(), sets_count=self.sets.value(),
            submitted_components=self.components.submitted(), digitised_components=self.components.digitised(),
            notes=self.notes.text() or None, payment_method=self.payment.currentData(),
            return_by_post=self.by_post.isChecked(), resolver=self.resolver.currentData() or None,
        )

    def _start_write(self) -> bool:
        if self.busy:
            return False
        self.busy = True
        for button in (self.save_button, self.supplement_button, self.refuse_button):
            button.setEnabled(False)
        return True

    def _end_write(self) -> None:
        self.busy = False
        for button in (self.save_button, self.supplement_button, self.refuse_button):
            button.setEnabled(True)

    def save(self) -> None:
        """Receive, clear the form, print the receipt."""
        if self.busy:
            return
        missing = self.components.missing()
        if missing and not messages.confirm(self, self.tr("Hồ sơ còn thiếu"), self.tr(
                "Còn %1 thành phần chưa nộp. Vẫn tiếp nhận? (Chọn «Không» rồi dùng «Yêu cầu bổ sung» nếu hồ sơ "
                "chưa đầy đủ.)").replace("%1", str(len(missing)))):
            return
        reception = self.reception()
        if not self._start_write():
            return
        self.ctx.write(lambda s: receive(s, reception).code, lambda code: self._saved(code, "receipt"),
                       self._failed)

    def save_with_supplement(self) -> None:
        from desktop.ui.dialogs.supplement_dialog import SupplementDialog

        dialog = SupplementDialog(self.components.missing(), self)
        if not dialog.exec():
            return
        reception, items, reason = self.reception(), dialog.item_list(), dialog.reason_text()

        def work(session: Session) -> str:
            code = receive(session, reception).code
            request_supplement(session, code, items=items, reason=reason)
            return code

        if self._start_write():
            self.ctx.write(work, lambda code: self._saved(code, "supplement"), self._failed)

    def refuse(self) -> None:
        from desktop.ui.dialogs.reason_dialog import ReasonDialog

        dialog = ReasonDialog(self.tr(LABELS["refused_at_reception"]),
                              self.tr("Lý do từ chối (ghi rõ căn cứ):"),
                              self.tr("Từ chối và in phiếu"), self)
        if not dialog.exec():
            return
        reception, reason = self.reception(), dialog.text()
        if not self._start_write():
            return
        self.ctx.write(lambda s: refuse(s, procedure_code=reception.procedure_code, applicant=reception.applicant,
                                        reason=reason, channel=reception.channel).code,
                       lambda code: self._saved(code, "refusal"), self._failed)

    def _saved(self, code: str, form: str) -> None:
        self._end_write()
        self.last_code = code
        labels = {"receipt": self.tr("Đã tiếp nhận hồ sơ %1."), "supplement": self.tr(
            "Đã ghi nhận hồ sơ %1 và yêu cầu bổ sung."), "refusal": self.tr("Đã ghi nhận từ chối, mã %1.")}
        self.result_label.setText(labels[form].replace("%1", code))
        self.clear()
        print_form(self.ctx, self, form, code, on_done=self._printed)

    def _printed(self, path: Any) -> None:
        self.last_pdf = path

    def _failed(self, error: BaseException) -> None:
        self._end_write()
        messages.show_error(self, error)
        target = {"procedure": self.procedure.edit, "applicant": self.name, "id_number": self.id_number,
                  "phone": self.phone, "address": self.address, "organisation": self.organisation,
                  "sets_count": self.sets, "notes": self.notes, "components": self.components,
                  "resolver": self.resolver}
        widget = target.get(getattr(error, "field", None) or "")
        if widget is not None:
            widget.setFocus()

    def ask_clear(self) -> None:
        if self.is_empty() or messages.confirm(self, self.tr(LABELS["refresh"]),
                                               self.tr("Xóa mọi nội dung đang nhập?")):
            self.clear()

    def is_empty(self) -> bool:
        return not any(w.text() for w in (self.procedure.edit, self.name, self.id_number, self.phone,
                                           self.address, self.organisation, self.notes))

    def clear(self) -> None:
        self.procedure.clear()
        for widget in (self.name, self.id_number, self.phone, self.address, self.organisation, self.notes):
            widget.clear()
        self.channel.setCurrentIndex(0)
        self.payment.setCurrentIndex(0)
        self.by_post.setChecked(False)
        self.resolver.setCurrentIndex(0)
        self.sets.setValue(1)
        self.procedure.edit.setFocus()


def _time_text(procedure: catalog.ProcedureInfo) -> str:
    value = f"{procedure.time_value:g}"
    units = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "same_day": "trong ngày"}
    unit = units.get(procedure.time_unit, procedure.time_unit)
    return unit if procedure.time_unit == "same_day" else f"{value} {unit}"
