"""The page registry: the left navigation is built from PAGES, in order (Ctrl+1..9 follow it).

To add a page: write ``desktop/ui/pages/<key>.py`` with a widget class taking ``(ctx)`` and replace
(or add) ONE entry below with ``Page("<key>", "<Vietnamese title>", lazy("desktop.ui.pages.<key>",
"<Class>"))``. Factories are called the first time a page is shown, so startup stays fast.
A page widget may define ``activate()`` (called each time it is shown) and ``focus_search()``
(Ctrl+F).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication
from desktop.texts import LABELS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.ui.context import UiContext

PageFactory = Callable[["UiContext"], "QWidget"]


class Page(NamedTuple):
    key: str
    title: str
    factory: PageFactory


def lazy(module: str, attr: str) -> PageFactory:
    """A factory that imports its module only when the page is first opened."""

    def factory(ctx: UiContext) -> QWidget:
        return getattr(importlib.import_module(module), attr)(ctx)

    return factory


def _t(text: str) -> str:
    return QCoreApplication.translate("Pages", text)


PAGES: list[Page] = [
    Page("overview", _t("Tổng quan"), lazy("desktop.ui.pages.dashboard", "DashboardPage")),
    Page("reception", _t(LABELS["reception"]), lazy("desktop.ui.pages.reception", "ReceptionPage")),
    Page("dossiers", _t(LABELS["dossier"]), lazy("desktop.ui.pages.dossiers", "DossiersPage")),
    Page("digitisation", _t(LABELS["digitisation"]), lazy("desktop.ui.pages.digitisation",
                                                          "DigitisationPage")),
    Page("surveys", _t(LABELS["survey"]), lazy("desktop.ui.pages.surveys", "SurveysPage")),
    Page("reports", _t("Báo cáo"), lazy("desktop.ui.pages.reports", "ReportsPage")),
    Page("sync", _t("Đồng bộ"), lazy("desktop.ui.pages.sync", "SyncPage")),
    Page("catalog", _t("Danh mục"), lazy("desktop.ui.pages.catalog", "CatalogPage")),
    Page("settings", _t("Cài đặt"), lazy("desktop.ui.pages.settings", "SettingsPage")),
]


def page_index(key: str) -> int:
    for index, page in enumerate(PAGES):
        if page.key == key:
            return index
    raise KeyError(key)
