"""The system's file dialogs as plain functions returning a ``Path`` or ``None`` (cancelled), so a page keeps
them as replaceable attributes and tests hand in paths instead of a modal dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def open_file(parent: QWidget, title: str, filter_text: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", filter_text)
    return Path(name) if name else None


def save_file(parent: QWidget, title: str, default: str, filter_text: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, default, filter_text)
    return Path(name) if name else None


def choose_folder(parent: QWidget, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title)
    return Path(name) if name else None
