"""Cài đặt: working calendar overrides, officers (admin manages), general desk settings, backups, audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QLabel, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from desktop.services import desk
from desktop.ui.context import SETTINGS, UiContext
from desktop.ui.idle_lock import DEFAULT_IDLE_MINUTES, IDLE_KEY, idle_minutes
from desktop.ui.printing import RECEIPT_PAPER_KEY, receipt_paper
from desktop.ui.widgets.audit_panel import AuditPanel
from desktop.ui.widgets.backup_panel import BackupPanel
from desktop.ui.widgets.calendar_editor import CalendarEditor
from desktop.ui.widgets.officers_panel import OfficersPanel


class GeneralSettings(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.idle = QSpinBox(objectName="idle_minutes")
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" phút"))
        self.idle.setValue(idle_minutes(ctx))
        self.idle.setEnabled(ctx.is_admin)
        self.paper = QComboBox(objectName="receipt_paper")
        for value in ("A4", "A5"):
            self.paper.addItem(value, value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(receipt_paper(ctx))))
        self.paper.setEnabled(ctx.is_admin)
        save = QPushButton(self.tr("Lưu"), objectName="save")
        save.setEnabled(ctx.is_admin)
        save.clicked.connect(self.save)
        form = QFormLayout(self)
        form.addRow(self.tr("Tự khóa màn hình sau (0 = không khóa):"), self.idle)
        hint = QLabel(self.tr("Mặc định %1 phút. Chỉ quản trị được thay đổi.").replace("%1", str(DEFAULT_IDLE_MINUTES)))
        form.addRow(hint)
        form.addRow(self.tr("Khổ giấy in giấy tiếp nhận:"), self.paper)
        form.addRow(save)
        self.about = QPushButton(self.tr("Giới thiệu phần mềm (F1)…"), objectName="about")
        self.about.clicked.connect(self.show_about)
        form.addRow(self.about)

    def show_about(self) -> None:
        from desktop.ui.about_dialog import AboutDialog

        AboutDialog(self.ctx.db.path, self).exec()

    def save(self) -> None:
        minutes, paper = self.idle.value(), self.paper.currentData()

        def work(session: object) -> None:
            desk.put_setting(session, IDLE_KEY, minutes)  # type: ignore[arg-type]
            desk.put_setting(session, RECEIPT_PAPER_KEY, paper)  # type: ignore[arg-type]

        self.ctx.write(work, changed=(SETTINGS,))


class SettingsPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.tabs = QTabWidget(objectName="tabs")
        self.calendar = CalendarEditor(ctx)
        self.officers = OfficersPanel(ctx)
        self.general = GeneralSettings(ctx)
        self.backup = BackupPanel(ctx)
        self.audit = AuditPanel(ctx)
        self.tabs.addTab(self.calendar, self.tr("Lịch làm việc"))
        self.tabs.addTab(self.officers, self.tr("Cán bộ"))
        self.tabs.addTab(self.general, self.tr("Chung"))
        self.tabs.addTab(self.backup, self.tr("Sao lưu"))
        self.tabs.addTab(self.audit, self.tr("Nhật ký"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
