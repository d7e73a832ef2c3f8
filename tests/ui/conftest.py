"""Widget-test fixtures: one QApplication set up like the real one, a synchronous context, no modals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.db.session import Database
from desktop.services import officers
from desktop.ui.app import create_app
from desktop.ui.context import UiContext
from desktop.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> QApplication:
    return create_app()


class Messages:
    """Every message box a test triggers, answered without blocking."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def record(self, kind: str) -> Any:
        def box(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            self.shown.append((kind, title, text))
            return self.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return box

    def texts(self) -> list[str]:
        return [text for _kind, _title, text in self.shown]


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    recorder = Messages()
    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder.record(kind)))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: recorder.shown.append(
        ("exec", self.windowTitle(), self.text())) or 0)
    return recorder


def fake_render_form(session: Any, kind: str, code: str, out_path: Path, paper: str = "A4") -> Path:
    """Stands in for desktop.forms.render_form until that module is on this branch: a real PDF."""
    from reportlab.pdfgen import canvas

    from desktop.pdf_fonts import register_fonts
    from desktop.services.dossiers import get_dossier

    _serif, sans = register_fonts()
    dossier = get_dossier(session, code)
    pdf = canvas.Canvas(str(out_path))
    pdf.setFont(sans, 12)
    pdf.drawString(72, 760, f"{kind}: {dossier.code}")
    pdf.drawString(72, 740, dossier.applicant_name)
    pdf.save()
    return Path(out_path)


def fake_render_ledger(session: Any, date_from: Any, date_to: Any, out_path: Path) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out_path))
    pdf.drawString(72, 760, f"ledger {date_from} {date_to}")
    pdf.save()
    return Path(out_path)


def _renderers() -> tuple[Any, Any]:
    try:
        from desktop.forms import render_form, render_ledger  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return fake_render_form, fake_render_ledger
    return render_form, render_ledger


@pytest.fixture
def make_ctx(db: Database) -> Iterator[Any]:
    def make(role: str = "admin") -> UiContext:
        username = {"admin": "quantri", "officer": "canbo1", "leader": "lanhdao1"}[role]
        with db.transaction() as session:
            try:
                info = officers.officer_info(session, username)
            except Exception:  # noqa: BLE001
                info = officers.create_officer(session, username=username, full_name="Lê Thị Hồng Nhung",
                                               password="matkhau123", role=role)
        render_form, render_ledger = _renderers()
        return UiContext(db=db, officer=info, tasks=TaskRunner(synchronous=True), render_form=render_form,
                         render_ledger=render_ledger, show_previews=False)

    yield make


@pytest.fixture
def ctx(make_ctx: Any) -> UiContext:
    return make_ctx("admin")


class Keyboard:
    """Key events to whatever widget has focus inside ``root``, counted (the keyboard-only tests)."""

    def __init__(self, root: QWidget) -> None:
        self.root = root
        self.count = 0

    def target(self) -> QWidget:
        widget = self.root.focusWidget()
        assert widget is not None, "no widget has focus"
        return widget

    def type(self, text: str) -> None:
        for ch in text:
            target = self.target()
            if ch.isascii() and ch.isprintable():
                QTest.keyClick(target, ch)
            else:  # keyClicks aborts the process on non-ASCII: send the text event ourselves
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
            self.count += 1

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(self.target(), key, modifier)
        self.count += 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns that it cannot resize top-level windows; harmless here."""
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"))
