"""Số hóa of one dossier: every component and the result, with codes, scans, reuse and the national
portal flag. Opened from the dossier detail (or the Số hóa page); every action is one key or button.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)
from sqlalchemy.orm import Session

from desktop.platform import filestore
from desktop.services import digitisation
from desktop.services.dossiers import get_dossier
from desktop.ui.messages import show_error
from desktop.texts import LABELS
from desktop.ui.dialogs.base import Dialog
from desktop.ui import file_dialogs

RESULT_ROW = "result"
HEADERS = ("STT", "Thành phần / kết quả", LABELS["digitised"], LABELS["digitisation_code"], LABELS["source"],
           "Tệp quét")


class DigitiseDialog(Dialog):
    def __init__(self, ctx: Any, code: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent, size=(1000, 460))
        self.ctx = ctx
        self.code = code
        self.rows: list[dict[str, Any]] = []
        self.reusable: list[digitisation.ReusableDocument] = []
        self.setWindowTitle(self.tr("Số hóa hồ sơ %1").replace("%1", code))
        self.table = QTableWidget(0, len(HEADERS), objectName="components")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.toggle_button = QPushButton(self.tr("Đã số hóa / bỏ (Space)"), objectName="toggle")
        self.file_button = QPushButton(self.tr("Gắn tệp quét… (F)"), objectName="attach_file")
        self.open_button = QPushButton(self.tr("Mở tệp quét (O)"), objectName="open_file")
        self.reuse_button = QPushButton(self.tr("Dùng lại giấy tờ đã số hóa… (R)"), objectName="reuse")
        self.portal_button = QPushButton(self.tr("Từ Cổng DVC quốc gia (P)"), objectName="portal")
        self.reuse_hint = QLabel(objectName="reuse_hint")
        buttons = QHBoxLayout()
        for button in (self.toggle_button, self.file_button, self.open_button, self.reuse_button, self.portal_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        close = QPushButton(self.tr(LABELS["close"]), objectName="close")
        close.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reuse_hint)
        layout.addLayout(buttons)
        # each action: its button and its one-key shortcut on the table
        actions = ((self.toggle_button, "Space", self.toggle), (self.file_button, "F", self.choose_file),
                   (self.open_button, "O", self.open_file), (self.reuse_button, "R", self.choose_reuse),
                   (self.portal_button, "P", self.mark_portal))
        for button, key, slot in actions:
            button.clicked.connect(slot)
            QShortcut(QKeySequence(key), self.table, activated=slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reload()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        code = self.code

        def work(session: Session) -> tuple[list[dict[str, Any]], list[digitisation.ReusableDocument]]:
            dossier = get_dossier(session, code)
            rows = [digitisation.component_json(c) for c in dossier.components]
            if dossier.result_at is not None:
                rows.append({"number": RESULT_ROW,
                             "name": LABELS["resolution_result"]} | digitisation.result_json(dossier))
            docs = (digitisation.reusable_documents(session, dossier.applicant_id_number, exclude_dossier=code)
                    if dossier.applicant_id_number else [])
            return rows, docs

        self.ctx.read(work, self.show_rows, lambda error: show_error(self, error))

    def show_rows(self, data: tuple[list[dict[str, Any]], list[digitisation.ReusableDocument]]) -> None:
        current = max(self.table.currentRow(), 0)
        self.rows, self.reusable = data
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            result = row["number"] == RESULT_ROW
            done = row["result_digitised"] if result else row["digitised"]
            source = "" if result else (self.tr("Cổng DVC quốc gia") if row["national_portal"] else
                                        self.tr("Dùng lại") if row["reused_from_id"] else "")
            sha = row["result_file_sha256"] if result else row["file_sha256"]
            values = ("KQ" if result else str(row["number"]), row["name"], "✓" if done else "—",
                      (row["result_code"] if result else row["component_code"]) or "", source,
                      sha[:12] + "…" if sha else "")
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnToContents(3)
        if self.rows:
            self.table.selectRow(min(current, len(self.rows) - 1))
        self.reuse_hint.setText(
            self.tr("%1 giấy tờ đã số hóa của người nộp có thể dùng lại.").replace("%1", str(len(self.reusable)))
            if self.reusable else self.tr("Không có giấy tờ đã số hóa trước đây của người nộp (theo số định danh)."))
        self.reuse_button.setEnabled(bool(self.reusable))

    def selected(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _apply(self, **options: Any) -> None:
        row = self.selected()
        if row is None:
            return
        code = self.code

        def work(session: Session) -> None:
            if row["number"] == RESULT_ROW:
                allowed = {k: v for k, v in options.items() if k in ("digitised", "file")}
                digitisation.digitise_result(session, code, **allowed)
            else:
                digitisation.digitise_component(session, code, row["number"], **options)

        self.ctx.write(work, lambda _r: self.reload(), lambda error: show_error(self, error))

    # -- actions ---------------------------------------------------------------------------
    def toggle(self) -> None:
        row = self.selected()
        if row is not None:
            done = row["result_digitised"] if row["number"] == RESULT_ROW else row["digitised"]
            self._apply(digitised=not done)

    def choose_file(self) -> None:
        path = file_dialogs.open_file(self, self.tr("Chọn tệp bản quét"),
                                      self.tr("Bản quét (*.pdf *.jpg *.jpeg *.png)"))
        if path is not None:
            self.attach_file(path)

    def attach_file(self, path: Path) -> None:
        self._apply(file=path)

    def open_file(self) -> None:
        row = self.selected()
        if row is None:
            return
        sha = row["result_file_sha256"] if row["number"] == RESULT_ROW else row["file_sha256"]
        if not sha:
            return
        try:
            path = filestore.path_for(sha)
        except Exception as error:  # noqa: BLE001  NotFound is a user error, shown as is
            show_error(self, error)
            return
        self.opened = path
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def choose_reuse(self) -> None:
        row = self.selected()
        if row is None or row["number"] == RESULT_ROW or not self.reusable:
            return
        labels = [f"{d.name} — {d.component_code or '?'} (hồ sơ {d.dossier_code})" for d in self.reusable]
        preferred = next((i for i, d in enumerate(self.reusable) if d.name == row["name"]), 0)
        label, ok = QInputDialog.getItem(self, self.tr("Dùng lại giấy tờ đã số hóa"),
                                         self.tr("Giấy tờ:"), labels, preferred, False)
        if ok:
            self.reuse(self.reusable[labels.index(label)])

    def reuse(self, document: digitisation.ReusableDocument) -> None:
        self._apply(reused_from=document.component_code or document.dossier_code)

    def mark_portal(self) -> None:
        row = self.selected()
        if row is not None and row["number"] != RESULT_ROW:
            self._apply(national_portal=True)
