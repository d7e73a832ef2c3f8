"""Cài đặt: working calendar overrides, officers (admin manages), general desk settings (with the province
hub's address, also on the Đồng bộ page), backups, audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop import settings
from desktop.errors import UserError
from desktop.services import desk
from desktop.services.permissions import Permission, require
from desktop.sync import hub_settings
from desktop.ui import messages
from desktop.ui.context import SETTINGS, UiContext
from desktop.ui.idle_lock import idle_minutes
from desktop.ui.printing import receipt_paper
from desktop.ui.role_gate import gate
from desktop.ui.widgets.audit_panel import AuditPanel
from desktop.ui.widgets.backup_panel import BackupPanel
from desktop.ui.widgets.calendar_editor import CalendarEditor
from desktop.ui.widgets.data_panel import DataPanel
from desktop.ui.widgets.hours_editor import HoursEditor
from desktop.ui.widgets.officers_panel import OfficersPanel
from desktop.texts import LABELS


class GeneralSettings(QWidget):
    """Lock-out minutes, receipt paper and the province hub's address; admins change them, others read."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._saved_url = ""
        self.idle = QSpinBox(objectName="idle_minutes")
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" phút"))
        self.idle.setValue(idle_minutes(ctx))
        self.paper = QComboBox(objectName="receipt_paper")
        for value in ("A4", "A5"):
            self.paper.addItem(value, value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(receipt_paper(ctx))))
        self.hub_url = QLineEdit(objectName="hub_url")
        self.hub_url.setPlaceholderText("http://10.0.0.5:8765")
        self.hub_url_error = QLabel(objectName="hub_url_error", wordWrap=True)
        self.hub_url_error.setStyleSheet("color: #c92a2a;")
        self.hub_url_error.hide()
        self.save_button = QPushButton(self.tr(LABELS["save"]), objectName="save")
        self.save_button.clicked.connect(self.save)
        self.hub_url.returnPressed.connect(self.save)
        self.status = QLabel(objectName="status", wordWrap=True)
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được thay đổi cài đặt."),
             self.idle, self.paper, self.hub_url, self.save_button)
        form = QFormLayout(self)
        form.addRow(self.tr("Tự khóa màn hình sau (0 = không khóa):"), self.idle)
        hint = QLabel(self.tr("Mặc định %1 phút. Chỉ quản trị được thay đổi.").replace("%1", str(settings.IDLE_LOCK_MINUTES.default)))
        form.addRow(hint)
        form.addRow(self.tr("Khổ giấy in giấy tiếp nhận:"), self.paper)
        form.addRow(self.tr("Địa chỉ máy chủ tỉnh:"), self.hub_url)
        form.addRow(self.hub_url_error)
        hub_hint = QLabel(self.tr("Để trống nếu chỉ gửi dữ liệu bằng USB. Cũng sửa được ở trang Đồng bộ."),
                          wordWrap=True)
        hub_hint.setStyleSheet("color: #555")
        form.addRow(hub_hint)
        self.about = QPushButton(self.tr("Giới thiệu phần mềm (F1)…"), objectName="about")
        self.about.clicked.connect(self.show_about)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.about)
        form.addRow(buttons)
        for widget, width in ((self.idle, 160), (self.paper, 160), (self.hub_url, 480)):
            widget.setMaximumWidth(width)
        ctx.bus.changed.connect(lambda topics: self.reload_hub_url() if SETTINGS in topics else None)
        self.reload_hub_url()

    def reload_hub_url(self) -> None:
        self.ctx.read(hub_settings.hub_url, self._show_hub_url)

    def _show_hub_url(self, value: str | None) -> None:
        saved = value or ""
        if self.hub_url.text() == self._saved_url:  # never overwrite an address being typed
            self.hub_url.setText(saved)
        self._saved_url = saved

    def show_about(self) -> None:
        from desktop.ui.about_dialog import AboutDialog

        AboutDialog(self.ctx.db.path, self).exec()

    def save(self) -> None:
        """One transaction: a bad hub address (checked by the sync layer) leaves every setting unchanged."""
        minutes, paper, url = self.idle.value(), self.paper.currentData(), self.hub_url.text()

        def work(session: Session) -> str:
            require(session, Permission.MANAGE_SETTINGS)
            value = hub_settings.save_hub_url(session, url)
            desk.put_setting(session, settings.IDLE_LOCK_MINUTES.key, minutes)
            desk.put_setting(session, settings.RECEIPT_PAPER.key, paper)
            return value

        def done(value: str) -> None:
            self.hub_url_error.hide()
            self._saved_url = value
            self.hub_url.setText(value)
            self.status.setText(self.tr("Đã lưu cài đặt."))

        def failed(exc: BaseException) -> None:
            self.status.clear()
            if isinstance(exc, UserError) and exc.field == "hub_url":
                self.hub_url_error.setText(exc.message)
                self.hub_url_error.show()
                self.hub_url.setFocus()
            messages.show_error(self, exc)

        self.ctx.write(work, done, failed)


class SettingsPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.tabs = QTabWidget(objectName="tabs")
        self.calendar = CalendarEditor(ctx)
        self.hours = HoursEditor(ctx)
        self.officers = OfficersPanel(ctx)
        self.general = GeneralSettings(ctx)
        self.backup = BackupPanel(ctx)
        self.audit = AuditPanel(ctx)
        self.data = DataPanel(ctx)
        self.tabs.addTab(self.calendar, self.tr(LABELS["work_calendar"]))
        self.tabs.addTab(self.hours, self.tr(LABELS["office_hours"]))
        self.tabs.addTab(self.officers, self.tr(LABELS["officer"]))
        self.tabs.addTab(self.general, self.tr("Chung"))
        self.tabs.addTab(self.backup, self.tr("Sao lưu"))
        self.tabs.addTab(self.audit, self.tr(LABELS["log"]))
        self.tabs.addTab(self.data, self.tr(LABELS["data"]))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
