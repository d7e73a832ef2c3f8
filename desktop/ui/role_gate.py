"""Greys out what the logged-in officer's role may not do and says who may.

Only a courtesy: the services check the role again (desktop/services/permissions.py), so a control left
enabled by mistake still ends in a «không có quyền» message, never in a write.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def gate(allowed: bool, tip: str, *widgets: QWidget) -> None:
    """Enable ``widgets`` when ``allowed``; otherwise disable them with ``tip`` (who may do it) as tooltip."""
    for widget in widgets:
        widget.setEnabled(allowed)
        if not allowed:
            widget.setToolTip(tip)
