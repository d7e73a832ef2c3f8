"""Cài đặt: working calendar overrides, officers (admin manages), general desk settings (with the province
hub's address, also on the Đồng bộ page), backups, audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from desktop import settings
from desktop.errors import UserError
from desktop.services import desk
from desktop.sync import hub_settings
from desktop.ui import messages
from desktop.ui.context import SETTINGS, UiContext
from desktop.ui.role_gate import gate
from desktop.ui.widgets.audit_panel import AuditPanel
from desktop.ui.widgets.backup_panel import BackupPanel
from desktop.ui.widgets.calendar_editor import CalendarEditor
from desktop.ui.widgets.data_panel import DataPanel
from desktop.ui.widgets.hours_editor import HoursEditor
from desktop.ui.widgets.officers_panel import OfficersPanel
from desktop.texts import LABELS


class GeneralSettings(QWidget):
    """Built from the settings' declarations (``settings.on_page()``): one row per setting, its widget by its
    kind; admins change them, others read. Saving checks every value in the service, in one transaction."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._saved_url = ""
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        for setting in settings.on_page():
            widget = self._widget(setting)
            self.fields[setting.key] = widget
            form.addRow(self.tr(setting.label) + ":", widget)
            error = QLabel(objectName=f"{setting.key}_error", wordWrap=True)
            error.setStyleSheet("color: #c92a2a;")
            error.hide()
            self.errors[setting.key] = error
            form.addRow(error)
            if setting.field and setting.field.hint:
                hint = QLabel(self.tr(setting.field.hint).replace("{default}", str(setting.default)), wordWrap=True)
                hint.setStyleSheet("color: #555")
                form.addRow(hint)
        self.save_button = QPushButton(self.tr(LABELS["save"]), objectName="save")
        self.save_button.clicked.connect(self.save)
        self.hub_url.returnPressed.connect(self.save)
        self.status = QLabel(objectName="status", wordWrap=True)
        gate(ctx.is_admin, self.tr("Chỉ tài khoản quản trị được thay đổi cài đặt."),
             *self.fields.values(), self.save_button)
        self.about = QPushButton(self.tr("Giới thiệu phần mềm (F1)…"), objectName="about")
        self.about.clicked.connect(self.show_about)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.about)
        form.addRow(buttons)
        ctx.read(lambda session: (desk.idle_lock_minutes(session), desk.receipt_paper(session)), self._show_general)
        ctx.bus.changed.connect(lambda topics: self.reload_hub_url() if SETTINGS in topics else None)
        self.reload_hub_url()

    def _widget(self, setting: settings.Setting) -> QWidget:
        field = setting.field
        assert field is not None
        if field.kind == "minutes":
            box = QSpinBox(objectName=setting.key)
            box.setRange(*field.bounds)
            box.setSuffix(self.tr(" phút"))
            box.setValue(int(setting.default or 0))
            box.setMaximumWidth(160)
            return box
        if field.kind == "choice":
            combo = QComboBox(objectName=setting.key)
            for value in field.choices:
                combo.addItem(value, value)
            combo.setMaximumWidth(160)
            return combo
        line = QLineEdit(objectName=setting.key)
        line.setPlaceholderText(field.placeholder)
        line.setMaximumWidth(480)
        return line

    def _show_general(self, values: tuple[int, str]) -> None:
        minutes, paper = values
        self.idle.setValue(minutes)
        self.paper.setCurrentIndex(max(0, self.paper.findData(paper)))

    @property
    def idle(self) -> QSpinBox:
        return self.fields[settings.IDLE_LOCK_MINUTES.key]  # type: ignore[return-value]

    @property
    def paper(self) -> QComboBox:
        return self.fields[settings.RECEIPT_PAPER.key]  # type: ignore[return-value]

    @property
    def hub_url(self) -> QLineEdit:
        return self.fields[settings.HUB_URL.key]  # type: ignore[return-value]

    @property
    def hub_url_error(self) -> QLabel:
        return self.errors[settings.HUB_URL.key]

    def values(self) -> dict[str, object]:
        """What is on screen, by setting key."""
        found: dict[str, object] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QSpinBox):
                found[key] = widget.value()
            elif isinstance(widget, QComboBox):
                found[key] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                found[key] = widget.text()
        return found

    def reload_hub_url(self) -> None:
        self.ctx.read(hub_settings.hub_url, self._show_hub_url)

    def _show_hub_url(self, value: str | None) -> None:
        saved = value or ""
        if self.hub_url.text() == self._saved_url:  # never overwrite an address being typed
            self.hub_url.setText(saved)
        self._saved_url = saved

    def show_about(self) -> None:
        from desktop.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.ctx.db.path, self).exec()

    def save(self) -> None:
        """One transaction: a bad value (checked against its declaration) leaves every setting unchanged."""
        values = self.values()

        def done(stored: dict[str, object]) -> None:
            for error in self.errors.values():
                error.hide()
            self._saved_url = str(stored.get(settings.HUB_URL.key) or "")
            self.hub_url.setText(self._saved_url)
            self.status.setText(self.tr("Đã lưu cài đặt."))

        def failed(exc: BaseException) -> None:
            self.status.clear()
            if isinstance(exc, UserError) and exc.field in self.errors:
                self.errors[exc.field].setText(exc.message)
                self.errors[exc.field].show()
                self.fields[exc.field].setFocus()
            messages.show_error(self, exc)

        self.ctx.write(lambda session: desk.save_settings(session, values), done, failed)


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
