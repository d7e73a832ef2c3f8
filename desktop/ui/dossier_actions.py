"""What each lifecycle action asks for, which service it calls and which form it offers to print.

Kept apart from the detail dialog so the dialog only lays out; the rules stay in desktop.rules.lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop.rules.lifecycle import Action
from desktop.services import dossiers, forwarding
from desktop.services.permissions import ROLE_PERMISSIONS, Permission
from desktop.ui import messages
from desktop.texts import EVENT_LABELS, LABELS, TRANSFER_VIA_LABELS


def _t(text: str) -> str:
    return QCoreApplication.translate("DossierActions", text)


Work = Callable[[Session], Any]


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    label: str
    form: str  # form offered for (re)printing afterwards
    permission: Permission = Permission.PROCESS  # the service checks it; the button mirrors it


# The control slip (phiếu kiểm soát) travels with the dossier between the desk and the handler, so
# handing over (start) and recording the result offer it again with the new step on it.
SPECS = (
    ActionSpec(Action.START, _t(LABELS["start_processing"]), "control"),
    ActionSpec(Action.REQUEST_SUPPLEMENT, _t("Yêu cầu bổ sung…"), "supplement"),
    ActionSpec(Action.RECEIVE_SUPPLEMENT, _t(LABELS["supplement_received"]), "receipt"),
    ActionSpec(Action.RECORD_RESULT, _t("Ghi nhận kết quả…"), "control"),
    ActionSpec(Action.RETURN_RESULT, _t(LABELS["return_result"]), "control"),
    ActionSpec(Action.WITHDRAW, _t("Rút hồ sơ…"), "stop"),
    ActionSpec(Action.APOLOGY, _t("Xin lỗi, hẹn lại…"), "apology", Permission.APPROVE_APOLOGY),
    # Two-tier reception (issue #15): the receiving desk's steps for a dossier another body resolves.
    ActionSpec(Action.TRANSFER, _t("Chuyển cơ quan giải quyết…"), "transfer", Permission.RECEIVE),
    ActionSpec(Action.RESULT_RECEIVED, _t("Nhận kết quả về…"), "control", Permission.RECEIVE),
)


def role_may(role: str, spec: ActionSpec) -> bool:
    """Whether an officer of ``role`` may run ``spec`` (desktop.services.permissions decides)."""
    return spec.permission in ROLE_PERMISSIONS.get(role, frozenset())


def ask(action: Action, code: str, due: date | None, parent: QWidget | None,
        missing: Sequence[str] = ()) -> Work | None:
    """Ask only what ``action`` needs; None if the officer cancelled. ``missing``: components not submitted."""
    if action in (Action.TRANSFER, Action.RESULT_RECEIVED):
        return _ask_forwarding(action, code, parent)
    if action == Action.START:
        if not messages.confirm(parent, _t(LABELS["start_processing"]),
                                _t("Chuyển hồ sơ %1 sang giải quyết?").replace("%1", code)):
            return None
        return lambda s: dossiers.start(s, code)
    if action == Action.REQUEST_SUPPLEMENT:
        from desktop.ui.dialogs.supplement_dialog import SupplementDialog

        dialog = SupplementDialog(list(missing), parent)
        if not dialog.exec():
            return None
        items, reason = dialog.item_list(), dialog.reason_text()
        return lambda s: dossiers.request_supplement(s, code, items=items, reason=reason)
    if action == Action.RECEIVE_SUPPLEMENT:
        if not messages.confirm(parent, _t(LABELS["supplement_received"]), _t(
                "Hồ sơ %1 đã được bổ sung đầy đủ? Thời hạn giải quyết sẽ tính lại từ đầu.").replace("%1", code)):
            return None
        return lambda s: dossiers.receive_supplement(s, code)
    if action == Action.RECORD_RESULT:
        from desktop.ui.dialogs.result_dialog import ResultDialog

        result = ResultDialog(parent)
        if not result.exec():
            return None
        rejected, why = result.is_rejected(), result.reason_text()
        return lambda s: dossiers.record_result(s, code, rejected=rejected, reason=why)
    if action == Action.RETURN_RESULT:
        if not messages.confirm(parent, _t(LABELS["return_result"]),
                                _t("Đã trả kết quả hồ sơ %1 cho người nộp?")
                                .replace("%1", code)):
            return None
        return lambda s: dossiers.return_result(s, code)
    if action == Action.WITHDRAW:
        from desktop.ui.dialogs.reason_dialog import ReasonDialog

        reason_dialog = ReasonDialog(_t(LABELS["withdraw"]),
                                     _t("Lý do người nộp rút hồ sơ (không bắt buộc):"),
                                     _t("Ghi nhận rút hồ sơ"), parent)
        if not reason_dialog.exec():
            return None
        text = reason_dialog.text() or None
        return lambda s: dossiers.withdraw(s, code, reason=text)
    if action == Action.APOLOGY:
        from desktop.ui.dialogs.apology_dialog import ApologyDialog

        apology = ApologyDialog(due, parent)
        if not apology.exec():
            return None
        day, why_late = apology.day(), apology.reason_text()
        return lambda s: dossiers.issue_apology(s, code, new_date=day, reason=why_late)
    raise ValueError(action)


def _ask_forwarding(action: Action, code: str, parent: QWidget | None) -> Work | None:
    """Transfer (how it travels) or the result that came back (approved, or rejected with a reason)."""
    if action == Action.TRANSFER:
        from PySide6.QtWidgets import QInputDialog

        labels = list(TRANSFER_VIA_LABELS.values())
        chosen, ok = QInputDialog.getItem(parent, _t(EVENT_LABELS["transferred"]),
                                          _t("Chuyển hồ sơ %1 bằng:").replace("%1", code), labels, 0, False)
        if not ok:
            return None
        via = next(key for key, label in TRANSFER_VIA_LABELS.items() if label == chosen)
        return lambda s: forwarding.transfer(s, code, via=via)
    from desktop.ui.dialogs.result_dialog import ResultDialog

    result = ResultDialog(parent)
    if not result.exec():
        return None
    rejected, why = result.is_rejected(), result.reason_text()
    return lambda s: forwarding.result_received(s, code, rejected=rejected, reason=why)
