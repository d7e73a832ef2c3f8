"""Dossier detail: all fields, components, timeline, supplements/apologies, and the legal actions only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.texts import EVENT_LABELS, RESULT_BACK_LABEL, TRANSFER_VIA_LABELS
from desktop.forms import available_forms
from desktop.rules.lifecycle import STATUS_LABELS, Action, Status
from desktop.services import queries
from desktop.services.queries import DossierDetail
from desktop.ui import messages
from desktop.ui.context import DOSSIERS, UiContext
from desktop.ui.dossier_actions import SPECS, ask, role_may
from desktop.formatting import dmy_hm
from desktop.ui.printing import FORM_TITLES, print_form
from desktop.rules.validation import CHANNELS
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Dialog

FIELDS = (
    ("resolving_body", LABELS["resolving_body"]), ("receiving_unit", LABELS["receiving_unit"]),
    ("procedure_name", LABELS["procedure"]), ("field_name", LABELS["field"]),
    ("applicant_name", LABELS["applicant"]),
    ("applicant_id_number", LABELS["identifier"]), ("applicant_phone", LABELS["phone"]),
    ("applicant_address", LABELS["address"]),
    ("organisation", LABELS["organisation"]), ("channel", "Hình thức nộp"), ("sets_count", "Số bộ"),
    ("received_at", LABELS["received_on"]), ("counting_start", LABELS["clock_start"]),
    ("due_at", LABELS["due"]),
    ("original_due_at", LABELS["original_due"]), ("received_by", LABELS["received_by"]),
    ("handler", LABELS["handled_by"]),
    ("result", LABELS["result"]), ("result_reason", LABELS["reason"]), ("result_at", LABELS["resolved_on"]),
    ("transferred_at", LABELS["transferred_on"]), ("transfer_via", "Hình thức chuyển"),
    ("result_back_at", "Ngày nhận kết quả về"),
    ("returned_at", LABELS["returned_on"]), ("withdrawn_at", "Ngày rút"),
    ("refusal_reason", LABELS["refusal_reason"]),
    ("notes", LABELS["note"]),
)
MOMENTS = {"transferred_at", "result_back_at", "received_at", "counting_start", "due_at", "original_due_at", "result_at", "returned_at", "withdrawn_at"}


# The step the keyboard lands on, in the order a dossier usually takes them (the rarer ones after).
NEXT_STEPS = (Action.START, Action.RECORD_RESULT, Action.RETURN_RESULT, Action.RECEIVE_SUPPLEMENT, Action.TRANSFER,
              Action.RESULT_RECEIVED, Action.REQUEST_SUPPLEMENT, Action.APOLOGY, Action.WITHDRAW)


class DossierDetailDialog(Dialog):
    def __init__(self, ctx: UiContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(980, 760))
        self.ctx = ctx
        self.code = code
        self.detail: DossierDetail | None = None
        self.forms: list[str] = []
        self._stepped = False  # an action just ran: the keyboard moves on to the next step
        self.setWindowTitle(self.tr("Hồ sơ %1").replace("%1", code))
        self.header = QLabel(objectName="header")
        self.header.setWordWrap(True)
        self.fields = QFormLayout()
        fields_box = QGroupBox(self.tr("Thông tin hồ sơ"))
        fields_box.setLayout(self.fields)
        self.components = QTableWidget(0, 3, objectName="components")
        self.components.setHorizontalHeaderLabels([self.tr(LABELS["component"]),
                                                   self.tr(LABELS["submitted"]),
                                                   self.tr(LABELS["digitised"])])
        self.components.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.components.verticalHeader().setVisible(False)
        self.components.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.components.setTabKeyNavigation(False)  # Tab leaves the table for the action buttons
        self.timeline = QListWidget(objectName="timeline")
        self.others = QListWidget(objectName="supplements")
        self.action_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for spec in SPECS:
            button = QPushButton(spec.label, objectName=f"action_{spec.action.value}")
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, s=spec: self.run_action(s.action))
            self.action_buttons[spec.action.value] = button
            actions.addWidget(button)
        self.print_button = QPushButton(self.tr("In phiếu…"), objectName="print")
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        self.digitise_button = QPushButton(self.tr("Số hóa, bản quét…"), objectName="digitise")  # issue #4
        self.digitise_button.clicked.connect(self.open_digitisation)
        actions.addStretch(1)
        actions.addWidget(self.digitise_button)
        actions.addWidget(self.print_button)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.header)
        body_layout.addWidget(fields_box)
        for title, widget in ((self.tr(LABELS["components"]), self.components),
                              (self.tr("Quá trình xử lý"), self.timeline),
                              (self.tr("Yêu cầu bổ sung và phiếu xin lỗi"), self.others)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            body_layout.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(actions)
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    def open_digitisation(self) -> QDialog:
        """Components and result: digitised ticks, codes, scans (open them), reuse (desktop/ui/dialogs/digitise_dialog.py)."""
        from desktop.ui.dialogs.digitise_dialog import DigitiseDialog

        dialog = DigitiseDialog(self.ctx, self.code, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        return dialog

    def _on_changed(self, topics: object) -> None:
        if isinstance(topics, frozenset) and DOSSIERS in topics:
            self.reload()

    def reload(self) -> None:
        code = self.code

        def work(session: Session) -> tuple[DossierDetail, list[str]]:
            return queries.dossier_detail(session, code), available_forms(session, code)

        self.ctx.read(work, lambda result: self.show_detail(*result))

    def show_detail(self, detail: DossierDetail, forms: list[str]) -> None:
        self.detail = detail
        self.forms = forms
        data = detail.data
        status = data["status"]
        label = STATUS_LABELS[Status(status)] if status in Status._value2member_map_ else status
        forwarded = not data["resolving_body"]["is_this_unit"] and data.get("received_here")
        if forwarded and status == Status.RESOLVED:
            label = RESULT_BACK_LABEL
        self.header.setText(f"<b>{data['code']}</b> — {label}{self._two_tier_note(data)}")
        while self.fields.rowCount():
            self.fields.removeRow(0)
        for key, title in FIELDS:
            value = data.get(key)
            if value in (None, ""):
                continue
            self.fields.addRow(self.tr(title) + ":", _selectable(self._value_text(key, value)))
        self.components.setRowCount(len(detail.components))
        for row, component in enumerate(detail.components):
            self.components.setItem(row, 0, QTableWidgetItem(component["name"]))
            self.components.setItem(row, 1, QTableWidgetItem("✓" if component["submitted"] else "—"))
            self.components.setItem(row, 2, QTableWidgetItem("✓" if component["digitised"] else "—"))
        self.timeline.clear()
        for event in detail.events:
            line = f"{dmy_hm(event['at'])}  {self.tr(EVENT_LABELS.get(event['kind'], event['kind']))}"
            if event.get("officer"):
                line += f"  ({detail.officer(event['officer'])})"
            if event.get("note"):
                line += f": {event['note']}"
            self.timeline.addItem(line)
        self.others.clear()
        for supplement in detail.supplements:
            received = dmy_hm(supplement["received_at"]) or self.tr("chưa nhận")
            self.others.addItem(self.tr("Bổ sung %1: %2 — đã nhận: %3").replace("%1", dmy_hm(
                supplement["requested_at"])).replace("%2", "; ".join(supplement["items"])).replace("%3", received))
        for apology in detail.apologies:
            self.others.addItem(self.tr("Xin lỗi %1, hẹn lại %2: %3").replace("%1", dmy_hm(
                apology["issued_at"])).replace("%2", apology["new_appointment"]).replace("%3", apology["reason"]))
        for spec in SPECS:
            button = self.action_buttons[spec.action.value]
            legal = spec.action.value in detail.allowed_actions
            permitted = role_may(self.ctx.officer.role, spec)
            button.setEnabled(legal and permitted)
            button.setToolTip("" if permitted or not legal else self.tr(
                "Cần lãnh đạo hoặc quản trị thực hiện (vai trò của bạn: %1).").replace(
                "%1", self.ctx.officer.role_label))
        self._fill_print_menu(detail)
        self._focus_next_step()

    def _focus_next_step(self) -> None:
        """The keyboard lands on the first step the dossier can take now (Space runs it), unless the officer
        is already somewhere else in the dialog."""
        focused = self.focusWidget()
        stepped, self._stepped = self._stepped, False
        if not stepped and focused is not None and focused not in self.action_buttons.values() \
                and focused.isEnabled():
            return
        for action in NEXT_STEPS:
            button = self.action_buttons.get(action.value)
            if button is not None and button.isEnabled():
                button.setFocus()
                return

    def _two_tier_note(self, data: dict[str, Any]) -> str:
        """Who decides a dossier received here for another body, or where a forwarded-in one came from."""
        body = data["resolving_body"]
        if not body["is_this_unit"] and data.get("received_here"):
            return self.tr("<br>Tiếp nhận hộ — cơ quan giải quyết: %1").replace("%1", body["name"])
        if body["is_this_unit"] and not data.get("received_here"):
            return self.tr("<br>%1 — đơn vị tiếp nhận: %2").replace("%1", LABELS["forwarded_in"]).replace(
                "%2", data["receiving_unit"])
        return ""

    def _value_text(self, key: str, value: Any) -> str:
        if key == "resolving_body":
            return f"{value['name']} ({value['code']})"
        if key == "transfer_via":
            return TRANSFER_VIA_LABELS.get(value, value)
        if key in MOMENTS:
            return dmy_hm(value)
        if key == "channel":
            return CHANNELS.get(value, value)
        if key == "result":
            return self.tr(LABELS["approve"]) if value == "approved" else self.tr(LABELS["reject"])
        if key in ("received_by", "handler") and self.detail is not None:
            return self.detail.officer(value)
        return str(value)

    def printable_forms(self) -> list[str]:
        """What desktop.forms says prints as the dossier stands (read with the detail)."""
        return list(self.forms) if self.detail is not None else []

    def _fill_print_menu(self, detail: DossierDetail) -> None:
        self.print_menu.clear()
        for kind in self.printable_forms():
            action = self.print_menu.addAction(FORM_TITLES[kind])
            action.triggered.connect(lambda _c=False, k=kind: self.print(k))

    def run_action(self, action: Action) -> None:
        """Ask what the action needs, write it, then offer the relevant form."""
        due = None
        if self.detail is not None and self.detail.data.get("due_at"):
            due = datetime.fromisoformat(self.detail.data["due_at"]).date()
        missing = [c["name"] for c in self.detail.components if not c["submitted"]] if self.detail else []
        work = ask(action, self.code, due, self, missing)
        if work is None:
            return
        form = next(spec.form for spec in SPECS if spec.action == action)
        self._stepped = True  # the keyboard goes on to the next step once the write is done
        for button in self.action_buttons.values():  # no second click while the write is in flight
            button.setEnabled(False)

        def failed(error: BaseException) -> None:
            messages.show_error(self, error)
            self.reload()

        self.ctx.write(work, lambda _result: self._done(form), failed)

    def _done(self, form: str) -> None:
        """Offer the paper the citizen or the next office needs; the control slip is reprinted from «In
        phiếu…» when the desk wants it, not asked at every step."""
        if form == "control":
            return
        if messages.confirm(self, self.tr("In phiếu"), self.tr("In %1?").replace(
                "%1", FORM_TITLES[form].lower())):
            self.print(form)

    def print(self, kind: str) -> None:
        """Render ``kind`` for this dossier and preview it (the receipt on the desk's receipt paper)."""
        print_form(self.ctx, self, kind, self.code)


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
