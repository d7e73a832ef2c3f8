"""Khảo sát: officer entry of a survey by keyboard, results per period (rate, by field, by officer for
leaders, comments, the 18-point table with its band), Excel export, and the citizen kiosk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog,
    QLabel, QLineEdit, QListWidget, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop.formatting import figure, rate
from desktop.reports.feedback_excel import SATISFACTION_COLUMNS, export_surveys
from desktop.services import kiosk as kiosk_service
from desktop.services import surveys
from desktop.rules.survey_forms import DEFAULT_FORM, get_form
from desktop.ui.context import SURVEYS, UiContext
from desktop.ui.messages import show_error
from desktop.ui.widgets.period_range import ExcelExport, PeriodExport, PeriodRange
from desktop.ui.widgets.layouts import vbox
from desktop.ui.widgets.tables import hbox
from desktop.texts import LABELS





def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]], *, total_row: bool = False) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(figure(value) if not isinstance(value, str) else value)
            if total_row and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class SurveyEntry(QWidget):
    """A paper form typed in, or the officer asking at the counter: every field reachable by Tab."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = get_form(DEFAULT_FORM)
        self.dossier_code = QLineEdit(objectName="dossier_code")
        self.dossier_code.setPlaceholderText(self.tr("Mã hồ sơ — bỏ trống nếu phiếu không gắn hồ sơ"))
        self.combos: dict[str, QComboBox] = {}
        layout = QFormLayout(self)
        layout.addRow(self.tr("Hồ sơ:"), self.dossier_code)
        for question in self.form.questions:
            if question.type == "text":
                continue
            combo = QComboBox(objectName=f"q_{question.id}")
            combo.addItem(self.tr("— chọn —") if question.required else self.tr("— không trả lời —"), None)
            for option in question.options:
                combo.addItem(option.label, option.value)
            self.combos[question.id] = combo
            combo.setMinimumWidth(260)
            layout.addRow(QLabel(question.text + (" *" if question.required else "")), combo)
        self.comment = QLineEdit(objectName="q_comment")
        self.comment.setPlaceholderText(self.tr("Ý kiến góp ý khác (nếu có)"))
        layout.addRow(self.tr("Góp ý:"), self.comment)
        self.save_button = QPushButton(self.tr("Lưu phiếu (Ctrl+S)"), objectName="save")
        self.status = QLabel(objectName="status")
        layout.addRow(self.save_button)
        layout.addRow(QLabel(self.tr("Tab: sang ô tiếp theo · ↑/↓: chọn mức · Enter hoặc Ctrl+S: lưu phiếu. "
                                     "* câu bắt buộc; các câu khác có thể bỏ trống."), objectName="hint"))
        layout.addRow(self.status)
        self.save_button.clicked.connect(self.save)
        self.dossier_code.returnPressed.connect(self.save)
        self.comment.returnPressed.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)

    def answers(self) -> dict[str, Any]:
        out = {qid: combo.currentData() for qid, combo in self.combos.items() if combo.currentData() is not None}
        if self.comment.text().strip():
            out["comment"] = self.comment.text()
        return out

    def save(self) -> None:
        answers, code = self.answers(), self.dossier_code.text().strip() or None

        def work(session: Session) -> surveys.RecordedAnswer:
            return surveys.record_answer(session, answers, dossier_code=code, source="officer")

        def done(recorded: surveys.RecordedAnswer) -> None:
            self.last_saved = recorded
            suffix = self.tr(" cho hồ sơ %1").replace("%1", recorded.dossier_code) if recorded.dossier_code else ""
            self.status.setText(self.tr("Đã lưu phiếu: %1%2.").replace("%1", surveys.OVERALL_LABELS[recorded.overall])
                                .replace("%2", suffix))
            self.clear()

        self.ctx.write(work, done, lambda error: show_error(self, error))

    def clear(self) -> None:
        self.dossier_code.clear()
        self.comment.clear()
        for combo in self.combos.values():
            combo.setCurrentIndex(0)
        self.dossier_code.setFocus()


class SurveyResults(PeriodExport, QWidget):
    excel = ExcelExport("Xuất kết quả khảo sát", "khao-sat", export_surveys)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.leader = ctx.officer.role in surveys.LEADER_ROLES
        self.data: dict[str, Any] | None = None
        self.period = PeriodRange(self, preset=2)  # this quarter
        self.export_button = QPushButton(self.tr("Xuất Excel…"), objectName="export")
        self.summary = QLabel(objectName="summary", wordWrap=True)
        sat_headers = [self.tr(label) for _key, label in SATISFACTION_COLUMNS]
        self.by_field = _table([self.tr(LABELS["field"])] + sat_headers, "by_field")
        self.by_officer = _table([self.tr(LABELS["officer"])] + sat_headers, "by_officer")
        self.officer_note = QLabel(self.tr("Kết quả theo từng cán bộ chỉ lãnh đạo xem được."), objectName="officer_note")
        self.comments = QListWidget(objectName="comments")
        self.quarterly = _table([self.tr(LABELS["indicator"]), self.tr(LABELS["ballots"]),
                                 self.tr("Điểm bình quân (tối đa 2)")],
                                "quarterly")
        self.band = QLabel(objectName="band")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.export_button)
        field_box = QGroupBox(self.tr("Theo lĩnh vực"))
        QVBoxLayout(field_box).addWidget(self.by_field)
        officer_box = QGroupBox(self.tr(LABELS["by_officer"]))
        officer_layout = QVBoxLayout(officer_box)
        officer_layout.addWidget(self.by_officer if self.leader else self.officer_note)
        self.by_officer.setVisible(self.leader)
        comments_box = QGroupBox(self.tr("Góp ý của người dân"))
        QVBoxLayout(comments_box).addWidget(self.comments)
        quarterly_box = QGroupBox(self.tr("Đánh giá 9 chỉ số (18 điểm)"))
        q_layout = QVBoxLayout(quarterly_box)
        q_layout.addWidget(self.quarterly)
        q_layout.addWidget(self.band)
        tabs = QTabWidget(objectName="result_tabs")
        tabs.addTab(field_box, self.tr(LABELS["field"]))
        tabs.addTab(officer_box, self.tr(LABELS["officer"]))
        tabs.addTab(comments_box, self.tr(LABELS["comment"]))
        tabs.addTab(quarterly_box, self.tr("18 điểm"))
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(tabs, 1)
        self.period.changed.connect(lambda _s, _e: self.reload())
        self.export_button.clicked.connect(self.choose_export)
        ctx.bus.changed.connect(lambda topics: self.reload() if SURVEYS in topics else None)
        self.reload()

    def reload(self) -> None:
        start, end = self.period.window()
        role = self.ctx.officer.role
        leader = self.leader

        def work(session: Session) -> dict[str, Any]:
            return {"start": start.isoformat(), "end": end.isoformat(),
                    "total": surveys.satisfaction(session, start, end),
                    "by_field": surveys.satisfaction_by_field(session, start, end),
                    "by_officer": surveys.satisfaction_by_officer(session, start, end, role=role) if leader else None,
                    "comments": surveys.comments(session, start, end),
                    "quarterly": surveys.quarterly_evaluation(session, start, end)}

        self.ctx.read(work, self.show_data)

    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        total = data["total"]
        met = {True: self.tr("đạt"), False: self.tr("chưa đạt"), None: ""}[total["meets_target"]]
        self.summary.setText(
            self.tr("%1 phiếu: %2 rất hài lòng, %3 hài lòng, %4 không hài lòng. Tỷ lệ hài lòng %5 "
                    "(chỉ tiêu %6) %7")
            .replace("%1", str(total["answers"])).replace("%2", str(total["very_satisfied"]))
            .replace("%3", str(total["satisfied"])).replace("%4", str(total["unsatisfied"]))
            .replace("%5", rate(total["rate"])).replace("%6", rate(total["target"])).replace("%7", met))
        keys = [key for key, _label in SATISFACTION_COLUMNS]
        _fill(self.by_field, [[r["field"]] + [r[k] for k in keys] for r in data["by_field"]]
              + [[self.tr(LABELS["total"])] + [total[k] for k in keys]], total_row=True)
        if data["by_officer"] is not None:
            _fill(self.by_officer, [[r["officer"]] + [r[k] for k in keys] for r in data["by_officer"]])
        self.comments.clear()
        for note in data["comments"]:
            when = f"{note['answered_at'][8:10]}/{note['answered_at'][5:7]}"
            label = note["overall_label"] or ""
            self.comments.addItem(f"{when} · {label} · {note['comment']}" + (f" ({note['dossier_code']})"
                                                                            if note["dossier_code"] else ""))
        quarterly = data["quarterly"]
        _fill(self.quarterly, [[i["text"], i["answers"], i["average"]] for i in quarterly["indicators"]]
              + [[self.tr("Tổng điểm (tối đa %1)").replace("%1", str(quarterly["max_total"])), quarterly["answers"],
                  quarterly["total"]]], total_row=True)
        self.band.setText(self.tr("Xếp loại: %1").replace("%1", quarterly["band"] or self.tr("chưa có phiếu đánh giá")))


class SurveysPage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.kiosk: Any = None
        self.entry = SurveyEntry(ctx)
        self.results = SurveyResults(ctx)
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(self.entry, self.tr("Nhập phiếu"))
        self.tabs.addTab(self.results, self.tr(LABELS["result"]))
        from desktop.ui.widgets.queue_panel import QueuePanel

        self.queue = QueuePanel(ctx)
        self.tabs.addTab(self.queue, self.tr("Hàng chờ, thời gian chờ"))
        self.kiosk_button = QPushButton(self.tr("Mở màn hình khảo sát (kiosk)"), objectName="open_kiosk")
        self.pin_button = QPushButton(self.tr("Đặt mã PIN kiosk…"), objectName="set_pin")
        self.pin_button.setEnabled(ctx.officer.role in surveys.LEADER_ROLES)
        self.attach_code = QLineEdit(objectName="attach_code")
        self.attach_code.setPlaceholderText(self.tr("Mã hồ sơ cho phiếu kiosk tiếp theo"))
        self.attach_code.setMinimumWidth(300)
        self.attach_button = QPushButton(self.tr("Gắn"), objectName="attach")
        self.kiosk_status = QLabel(objectName="kiosk_status")
        vbox(self, hbox(self.kiosk_button, self.pin_button, 1, self.attach_code, self.attach_button),
             self.kiosk_status, (self.tabs, 1))
        self.kiosk_button.clicked.connect(self.open_kiosk)
        self.pin_button.clicked.connect(self.ask_pin)
        self.attach_button.clicked.connect(self.attach)
        self.attach_code.returnPressed.connect(self.attach)

    def activate(self) -> None:
        self.results.reload()

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.entry)
        self.entry.dossier_code.setFocus()

    def ask_pin(self) -> None:
        pin, ok = QInputDialog.getText(self, self.tr("Mã PIN kiosk"),
                                       self.tr("Mã PIN (4–8 chữ số) để cán bộ thoát màn hình khảo sát:"),
                                       QLineEdit.EchoMode.Password)
        if ok:
            self.set_pin(pin)

    def set_pin(self, pin: str) -> None:
        self.ctx.write(lambda s: kiosk_service.set_pin(s, pin),
                       lambda _r: self.kiosk_status.setText(self.tr("Đã đặt mã PIN kiosk.")),
                       lambda error: show_error(self, error))

    def open_kiosk(self) -> None:
        self.ctx.read(kiosk_service.has_pin, self._open_kiosk, lambda error: show_error(self, error))

    def _open_kiosk(self, ready: bool) -> None:
        from desktop.ui.kiosk import open_kiosk

        if not ready:
            from desktop.errors import UserError

            show_error(self, UserError("Chưa đặt mã PIN kiosk: lãnh đạo hoặc quản trị bấm «Đặt mã PIN kiosk…» trước."))
            return

        def writer(work: Any, done: Any) -> None:
            self.ctx.write(work, done, lambda error: show_error(self, error))

        self.kiosk = open_kiosk(self.ctx.db, officer=self.ctx.officer.username, writer=writer)
        self.kiosk_status.setText(self.tr("Màn hình khảo sát đang mở."))

    def attach(self) -> None:
        code = self.attach_code.text().strip()
        if self.kiosk is None or not self.kiosk.isVisible():
            self.kiosk_status.setText(self.tr("Màn hình khảo sát chưa mở."))
            return
        if not code:
            self._attach(None)
            return
        from desktop.services.dossiers import get_dossier

        self.ctx.read(lambda session: get_dossier(session, code).code, self._attach,
                      lambda error: show_error(self, error))

    def _attach(self, code: str | None) -> None:
        if self.kiosk is None:
            return
        self.kiosk.attach_dossier(code or None)
        self.kiosk_status.setText(self.tr("Phiếu kiosk tiếp theo gắn với hồ sơ %1.").replace("%1", code) if code
                                  else self.tr("Phiếu kiosk tiếp theo không gắn hồ sơ."))
        self.attach_code.clear()
