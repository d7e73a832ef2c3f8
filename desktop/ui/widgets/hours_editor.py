"""Giờ làm việc: the sessions of each weekday (e.g. a Saturday morning of reception) over services.desk."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop.texts import WEEKDAY_LABELS
from desktop.rules.deadlines import WEEKDAY_KEYS
from desktop.services import desk
from desktop.ui import messages
from desktop.ui.context import SETTINGS, UiContext
from desktop.ui.role_gate import gate

DAY_LABELS = WEEKDAY_LABELS


class HoursEditor(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.days = {key: QLineEdit(objectName=f"hours_{key}") for key in WEEKDAY_KEYS}
        self.save_button = QPushButton(self.tr("Lưu giờ làm việc"), objectName="saveHours")
        self.reset_button = QPushButton(self.tr("Dùng giờ của tỉnh / mặc định"), objectName="resetHours")
        self.status = QLabel(objectName="hoursStatus", wordWrap=True)
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được thay đổi giờ làm việc."),
             *self.days.values(), self.save_button, self.reset_button)
        form = QFormLayout(self)
        hint = QLabel(self.tr("Mỗi ngày một hoặc nhiều buổi, ví dụ 07:30-11:30, 13:30-17:00; để trống là nghỉ. "
                              "Thời hạn giải quyết vẫn tính theo ngày làm việc (thứ Hai – thứ Sáu); hồ sơ nhận "
                              "sáng thứ Bảy được tính từ giờ mở cửa của ngày làm việc tiếp theo."), wordWrap=True)
        form.addRow(hint)
        for key, label in zip(WEEKDAY_KEYS, DAY_LABELS, strict=True):
            self.days[key].setPlaceholderText(self.tr("nghỉ"))
            self.days[key].setMaximumWidth(320)
            form.addRow(self.tr(label) + ":", self.days[key])
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.status, 1)
        form.addRow(buttons)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(lambda: self._write(None))
        ctx.bus.changed.connect(lambda topics: self.reload() if SETTINGS in topics else None)
        self.reload()

    def reload(self) -> None:
        self.ctx.read(lambda s: desk.desk_context(s).rules.hours.week_text(), self.show_week)

    def show_week(self, week: dict[str, str]) -> None:
        for key, edit in self.days.items():
            edit.setText(week.get(key, ""))

    def save(self) -> None:
        self._write({key: edit.text().strip() for key, edit in self.days.items()})

    def _write(self, week: dict[str, str] | None) -> None:
        def done(_: object) -> None:
            self.status.setText(self.tr("Đã lưu. Xem tab Lịch làm việc: hồ sơ có hạn trả cần đổi (nếu có)."))

        self.ctx.write(lambda s: desk.set_office_hours(s, week), done, lambda exc: messages.show_error(self, exc))
