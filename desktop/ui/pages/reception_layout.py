"""Tiếp nhận: the counter form's widgets and their arrangement (its behaviour is in reception.py).

Kept apart so that the page's keyboard, live-appointment and saving logic reads without the layout code.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.validation import CHANNELS
from desktop.texts import LABELS, PAYMENT_LABELS
from desktop.ui.widgets.checklist import ComponentChecklist
from desktop.ui.widgets.layouts import group_box
from desktop.ui.widgets.procedure_picker import ProcedurePicker
from desktop.ui.widgets.resolver_picker import ResolverPicker


class ReceptionLayout(QWidget):
    """The fields, the appointment box and the buttons of the counter form, in Enter/Tab order."""

    def _build(self) -> None:
        self._build_fields()
        self._build_appointment()
        self._build_buttons()
        self._arrange()
        self.inputs: list[QWidget] = [self.procedure.edit, self.name, self.id_number, self.phone, self.address,
                                      self.organisation, self.channel, self.sets, self.components, self.notes,
                                      self.payment, self.by_post]  # fees and postal return: rarer, last
        for first, second in zip(self.inputs, self.inputs[1:], strict=False):
            QWidget.setTabOrder(first, second)
        # Tab reaches the resolving body after the procedure; Enter skips it (most dossiers are this unit's).
        QWidget.setTabOrder(self.procedure.edit, self.resolver)
        QWidget.setTabOrder(self.resolver, self.name)
        self._clear_appointment()

    def _build_fields(self) -> None:
        self.procedure = ProcedurePicker()
        self.name = QLineEdit(objectName="applicant_name")
        self.id_number = QLineEdit(objectName="id_number")
        self.id_number.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), self))
        self.id_hint = QLabel(objectName="id_hint")
        self.previous_button = QPushButton(self.tr("Điền thông tin cũ (F3)"), objectName="fill_previous")
        self.previous_button.setVisible(False)
        self.previous_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.phone = QLineEdit(objectName="phone")
        self.address = QLineEdit(objectName="address")
        self.organisation = QLineEdit(objectName="organisation")
        self.resolver = ResolverPicker()  # issue #15: the body that decides the dossier
        self.channel = QComboBox(objectName="channel")
        for value, label in CHANNELS.items():
            self.channel.addItem(label, value)
        self.payment = QComboBox(objectName="payment")
        self.payment.addItem(self.tr("Không thu phí / chưa nộp"), None)
        for value, label in PAYMENT_LABELS.items():
            self.payment.addItem(self.tr(label), value)
        self.by_post = QCheckBox(self.tr("Trả kết quả qua bưu chính công ích"), objectName="return_by_post")
        self.sets = QSpinBox(objectName="sets")
        self.sets.setRange(1, 99)
        self.components = ComponentChecklist()
        self.notes = QLineEdit(objectName="notes")

    def _build_appointment(self) -> None:
        """The appointment, large: the one thing the citizen must read before leaving the counter."""
        self.appointment = QLabel(objectName="appointment")
        big = QFont(self.appointment.font())
        big.setPointSize(big.pointSize() + 10)
        big.setBold(True)
        self.appointment.setFont(big)
        self.appointment.setWordWrap(True)
        self.appointment_detail = QLabel()
        self.appointment_detail.setWordWrap(True)
        self.result_label = QLabel(objectName="result")
        self.result_label.setWordWrap(True)

    def _build_buttons(self) -> None:
        self.save_button = QPushButton(self.tr("Tiếp nhận và in giấy hẹn (Ctrl+Enter)"), objectName="save")
        self.supplement_button = QPushButton(self.tr(LABELS["supplement_request"]), objectName="supplement")
        self.refuse_button = QPushButton(self.tr(LABELS["refuse"]), objectName="refuse")
        self.clear_button = QPushButton(self.tr("Làm mới (Esc)"), objectName="clear")

    def _form(self) -> QFormLayout:
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_number, 1)
        id_row.addWidget(self.id_hint)
        id_row.addWidget(self.previous_button)
        form = QFormLayout()
        form.addRow(self.tr("Thủ tục (*):"), self.procedure)
        form.addRow(self.tr(LABELS["resolving_body"]) + ":", self.resolver)
        form.addRow(self.tr("Họ tên người nộp (*):"), self.name)
        form.addRow(self.tr("Số định danh cá nhân:"), id_row)
        form.addRow(self.tr("Điện thoại:"), self.phone)
        form.addRow(self.tr("Địa chỉ:"), self.address)
        form.addRow(self.tr("Tổ chức (nếu có):"), self.organisation)
        form.addRow(self.tr("Hình thức nộp:"), self.channel)
        form.addRow(self.tr("Nộp phí, lệ phí:"), self.payment)
        form.addRow("", self.by_post)
        form.addRow(self.tr("Số bộ hồ sơ:"), self.sets)
        form.addRow(self.tr("Ghi chú:"), self.notes)
        return form

    def _arrange(self) -> None:
        due_box = group_box(self.tr("Ngày hẹn trả kết quả"), self.appointment, self.appointment_detail)
        checklist_box = group_box(self.tr("Thành phần hồ sơ — bỏ dấu «Đã nộp» ở thành phần còn thiếu"),
                                  self.components)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.supplement_button, self.refuse_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)

        left = QVBoxLayout()
        left.addLayout(self._form())
        left.addWidget(checklist_box, 1)
        right = QVBoxLayout()
        right.addWidget(due_box)
        right.addWidget(self.result_label)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addLayout(buttons)

    def _clear_appointment(self) -> None:
        self.appointment.setText("—")
        self.appointment_detail.setText(self.tr("Chọn thủ tục để tính ngày hẹn."))
