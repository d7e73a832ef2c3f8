"""The one place that shows failures and asks yes/no (tests may monkeypatch ``confirm``)."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import Cancelled, UserError

log = logging.getLogger("desktop.ui")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """UserError: its Vietnamese message as is. Cancelled: nothing. Anything else: a bug, with details."""
    if isinstance(error, Cancelled):
        return
    if isinstance(error, UserError):
        QMessageBox.warning(parent, _tr("Không thực hiện được"), error.message)
        return
    log.error("lỗi không lường trước", exc_info=(type(error), error, error.__traceback__))
    box = QMessageBox(QMessageBox.Icon.Critical, _tr("Lỗi không mong muốn"),
                      _tr("Đã xảy ra lỗi ngoài dự kiến; thao tác chưa được thực hiện. "
                          "Hãy gửi phần chi tiết dưới đây cho bộ phận hỗ trợ."), parent=parent)
    box.setDetailedText("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
