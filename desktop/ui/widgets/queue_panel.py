"""Hàng chờ: give a ticket, call the next number, link the reception, and waiting time against the
target (today, this month, per day of the month). One button or key per action."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop.formatting import decimal
from desktop.platform import clock
from desktop.services import queue
from desktop.ui.context import QUEUE
from desktop.ui.messages import show_error
from desktop.texts import LABELS



def _minutes(value: float | None) -> str:
    return "—" if value is None else decimal(value)


class QueuePanel(QWidget):
    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.current: queue.TicketInfo | None = None
        self.ticket_button = QPushButton(self.tr("Cấp số mới"), objectName="take_ticket")
        self.call_button = QPushButton(self.tr("Gọi số tiếp theo"), objectName="call_next")
        self.link_button = QPushButton(self.tr("Gắn số đang phục vụ với hồ sơ vừa tiếp nhận"), objectName="link")
        self.last_ticket = QLabel(objectName="last_ticket")
        self.serving = QLabel(objectName="serving")
        big = QFont(self.font())
        big.setPointSize(22)
        big.setBold(True)
        for label in (self.last_ticket, self.serving):
            label.setFont(big)
        self.today = QLabel(objectName="today")
        self.month = QLabel(objectName="month")
        self.days = QTableWidget(0, 5, objectName="days")
        self.days.setHorizontalHeaderLabels([self.tr(LABELS["date"]), self.tr("Lượt"), self.tr("Đã phục vụ"),
                                             self.tr("Chờ TB (phút)"), self.tr("90% lượt chờ không quá (phút)")])
        self.days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days.verticalHeader().setVisible(False)
        self.days.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        actions = QHBoxLayout()
        for button in (self.ticket_button, self.call_button, self.link_button):
            actions.addWidget(button)
        actions.addStretch(1)
        numbers = QHBoxLayout()
        numbers.addWidget(self.last_ticket)
        numbers.addSpacing(40)
        numbers.addWidget(self.serving)
        numbers.addStretch(1)
        stats = QGroupBox(self.tr("Thời gian chờ (từ lúc lấy số đến lúc được gọi)"))
        stats_layout = QVBoxLayout(stats)
        stats_layout.addWidget(self.today)
        stats_layout.addWidget(self.month)
        stats_layout.addWidget(self.days, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(numbers)
        layout.addWidget(stats, 1)
        self.ticket_button.clicked.connect(self.take_ticket)
        self.call_button.clicked.connect(self.call_next)
        self.link_button.clicked.connect(self.link_reception)
        self.link_button.setEnabled(False)
        ctx.bus.changed.connect(lambda topics: self.reload() if QUEUE in topics else None)
        self.reload()

    def _write(self, work: Any, done: Any) -> None:
        self.ctx.write(work, done, lambda error: show_error(self, error))

    def take_ticket(self) -> None:
        def done(ticket: queue.TicketInfo) -> None:
            self.last_ticket.setText(self.tr("Số vừa cấp: %1 (%2)").replace("%1", str(ticket.number))
                                     .replace("%2", f"{ticket.arrived_at:%H:%M}"))

        self._write(lambda s: queue.take_ticket(s), done)

    def call_next(self) -> None:
        def done(ticket: queue.TicketInfo | None) -> None:
            self.current = ticket
            self.link_button.setEnabled(ticket is not None)
            self.serving.setText(self.tr("Không còn ai chờ") if ticket is None else
                                 self.tr("Mời số %1 — đã chờ %2 phút").replace("%1", str(ticket.number))
                                 .replace("%2", _minutes(ticket.waiting_minutes)))

        self._write(lambda s: queue.call_next(s), done)

    def link_reception(self) -> None:
        if self.current is None:
            return
        number, officer = self.current.number, self.ctx.officer.username

        def done(ticket: queue.TicketInfo) -> None:
            self.serving.setText(self.tr("Số %1 → hồ sơ %2").replace("%1", str(ticket.number))
                                 .replace("%2", ticket.dossier_code or ""))
            self.link_button.setEnabled(False)

        self._write(lambda s: queue.link_latest_reception(s, number, officer=officer), done)

    def reload(self) -> None:
        today = clock.today()
        month_start = today.replace(day=1)

        def work(session: Session) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
            return (queue.waiting_stats(session, today, today), queue.waiting_stats(session, month_start, today),
                    queue.waiting_series(session, month_start, today, by="day"))

        self.ctx.read(work, self.show_stats)

    def show_stats(self, data: tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]) -> None:
        today, month, days = data
        self.stats = data

        def line(title: str, stats: dict[str, Any]) -> str:
            verdict = {True: self.tr("đạt"), False: self.tr("vượt chỉ tiêu"), None: ""}[stats["meets_target"]]
            return (self.tr("%1: %2 lượt, đã phục vụ %3; chờ trung bình %4 phút, 90 % khách chờ không quá %5 phút "
                            "(chỉ tiêu ≤ %6 phút) %7")
                    .replace("%1", title).replace("%2", str(stats["tickets"])).replace("%3", str(stats["served"]))
                    .replace("%4", _minutes(stats["avg_minutes"])).replace("%5", _minutes(stats["p90_minutes"]))
                    .replace("%6", _minutes(stats["target_minutes"])).replace("%7", verdict))

        self.today.setText(line(self.tr(LABELS["today"]), today))
        self.month.setText(line(self.tr(LABELS["this_month"]), month))
        self.days.setRowCount(len(days))
        for r, day in enumerate(days):
            values = (date.fromisoformat(day["period"]).strftime("%d/%m/%Y"), str(day["tickets"]), str(day["served"]),
                      _minutes(day["avg_minutes"]), _minutes(day["p90_minutes"]))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.days.setItem(r, c, item)
