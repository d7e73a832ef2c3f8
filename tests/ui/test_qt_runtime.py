"""The installed PySide6 must not leak references to Python's singletons.

PySide6 6.12.0 returned ``True`` from every ``Signal.emit()`` without taking a reference: each emit
took one away, and after some tens of thousands of signals (an afternoon at the counter) the
interpreter aborted with "bool_dealloc". pyproject.toml keeps that release out; this test fails on
any PySide6 that brings the bug back, before an officer meets it.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    plain = Signal()
    valued = Signal(int, object)


def test_emit_connect_disconnect_keep_bool_and_none_references(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    seen: list[object] = []
    emitter.valued.connect(lambda _n, value: seen.append(value))
    before = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
    for i in range(200):
        emitter.plain.emit()
        emitter.valued.emit(i, i % 2 == 0)
        connection = emitter.plain.connect(lambda: None)
        emitter.plain.disconnect(connection)
    seen.clear()
    after = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
    lost = {name: before[name] - after[name] for name in before if after[name] < before[name] - 50}
    assert not lost, f"PySide6 drops references to {lost}: this release crashes long sessions"
