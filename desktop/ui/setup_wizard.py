"""First run: this desk's unit and sequence range, the first admin officer, the starter catalogue.

Everything is written in ONE transaction when «Hoàn tất» is pressed; a UserError keeps the wizard
open on the page of the faulty field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QLabel, QLineEdit, QMessageBox, QWidget, QWizard, QWizardPage,
)

from desktop.db.session import Database
from desktop.errors import UserError
from desktop.services import catalog, desk, officers
from desktop.rules.unit_levels import levels
from desktop.ui.tasks import wait_for
from desktop.ui.widgets.layouts import form_layout

UNIT_FIELDS = {"unit_code", "unit_name", "level", "seq_range"}


def _t(text: str) -> str:
    return QCoreApplication.translate("SetupWizard", text)


class _FormPage(QWizardPage):
    """A step of the wizard: its title and explanation; the subclass lays out its form."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)


class _UnitPage(_FormPage):
    def __init__(self) -> None:
        super().__init__(_t("Đơn vị sử dụng"), _t("Thông tin của bộ phận một cửa dùng máy này."))
        self.unit_code = QLineEdit(objectName="unit_code")
        self.unit_code.setPlaceholderText(self.tr("5 chữ số, ví dụ 10375"))
        self.unit_name = QLineEdit(objectName="unit_name")
        self.unit_name.setPlaceholderText(self.tr("ví dụ UBND xã Tân Lập"))
        self.agency_id = QLineEdit(objectName="agency_id")
        self.agency_id.setPlaceholderText(self.tr("mã định danh cơ quan, ví dụ 000.00.23.H49"))
        self.level = QComboBox(objectName="level")
        for level in levels():
            self.level.addItem(level.name, level.code)
        self.seq_range = QLineEdit("1-9999", objectName="seq_range")
        hint = QLabel(self.tr("Nếu nhiều máy cùng tiếp nhận, mỗi máy dùng một dải riêng (ví dụ 1-4999 và 5000-9999)."))
        hint.setWordWrap(True)
        form_layout(self, (self.tr("Mã đơn vị hành chính:"), self.unit_code),
                    (self.tr("Tên đơn vị:"), self.unit_name), (self.tr("Mã định danh cơ quan:"), self.agency_id),
                    (self.tr("Cấp:"), self.level), (self.tr("Dải số thứ tự của máy này:"), self.seq_range), hint)


class _AdminPage(_FormPage):
    def __init__(self) -> None:
        super().__init__(_t("Tài khoản quản trị đầu tiên"),
                         _t("Người này sẽ thêm các cán bộ khác trong trang Cài đặt."))
        self.username = QLineEdit(objectName="admin_username")
        self.full_name = QLineEdit(objectName="admin_full_name")
        self.password = QLineEdit(objectName="admin_password", echoMode=QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="admin_password2", echoMode=QLineEdit.EchoMode.Password)
        form_layout(self, (self.tr("Tên đăng nhập:"), self.username), (self.tr("Họ và tên:"), self.full_name),
                    (self.tr("Mật khẩu:"), self.password), (self.tr("Nhập lại mật khẩu:"), self.password2))


class _CatalogPage(_FormPage):
    def __init__(self) -> None:
        super().__init__(_t("Danh mục thủ tục"))
        self.import_starter = QCheckBox(self.tr("Nạp danh mục thủ tục hành chính cấp xã có sẵn"),
                                        objectName="import_starter", checked=True)
        hint = QLabel(self.tr("Có thể nhập thêm hoặc cập nhật danh mục từ tệp Excel ở trang Danh mục."),
                      wordWrap=True)
        form_layout(self, self.import_starter, hint)


class SetupWizard(QWizard):
    """Shown when the database has no unit (or no officer yet)."""

    def __init__(self, db: Database, *, need_unit: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.need_unit = need_unit
        self.setWindowTitle(self.tr("Cài đặt lần đầu — Một Cửa Offline"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.unit_page = _UnitPage()
        self.admin_page = _AdminPage()
        self.catalog_page = _CatalogPage()
        self.page_ids: dict[str, int] = {}
        if need_unit:
            self.page_ids["unit"] = self.addPage(self.unit_page)
        self.page_ids["admin"] = self.addPage(self.admin_page)
        if need_unit:
            self.page_ids["catalog"] = self.addPage(self.catalog_page)
        self.setMinimumSize(620, 420)

    def validateCurrentPage(self) -> bool:  # noqa: N802  Qt API
        """Each page is checked by the same services that will write it, when «Tiếp» is pressed: an error is
        shown on the page that holds the field, with the field focused, not at «Hoàn tất»."""
        page = next(name for name, number in self.page_ids.items() if number == self.currentId())
        last = self.currentId() == max(self.page_ids.values())
        try:
            if last:
                self.save()
            else:
                self.rehearse(page)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Chưa hoàn tất được"), exc.message)
            self._focus(exc.field)
            return False
        return True

    def _focus(self, field: str | None) -> None:
        widgets = {"unit_code": self.unit_page.unit_code, "unit_name": self.unit_page.unit_name,
                   "agency_id": self.unit_page.agency_id, "level": self.unit_page.level,
                   "seq_range": self.unit_page.seq_range, "username": self.admin_page.username,
                   "full_name": self.admin_page.full_name, "password": self.admin_page.password}
        widget = widgets.get(field or "")
        if widget is None:
            return
        home = next((n for n in self.page_ids.values() if self.page(n).isAncestorOf(widget)), self.currentId())
        while self.currentId() > home:  # the field lives on an earlier page: go back to it
            self.back()
        widget.setFocus()

    def rehearse(self, page: str) -> None:
        """Run the page's writes in a transaction that is always rolled back: the services' own checks."""
        db, form = self.db, self._form()

        def work() -> None:
            session = db.sessions()
            session.info["officer"] = "setup"
            try:
                self._write(session, page, form)
            finally:
                session.rollback()
                session.close()

        wait_for(work)

    def _form(self) -> dict[str, Any]:
        """What the pages hold, read on the GUI thread (the writes run on a worker)."""
        unit, admin = self.unit_page, self.admin_page
        return {"unit_code": unit.unit_code.text(), "unit_name": unit.unit_name.text(),
                "agency_id": unit.agency_id.text().strip() or None, "level": unit.level.currentData(),
                "seq_range": unit.seq_range.text(), "username": admin.username.text(),
                "full_name": admin.full_name.text(), "password": admin.password.text(),
                "password2": admin.password2.text(),
                "starter": self.need_unit and self.catalog_page.import_starter.isChecked(),
                "mismatch": self.tr("Hai lần nhập mật khẩu không khớp."),
                "bad_starter": self.tr("Danh mục có sẵn bị lỗi ở dòng %1.")}

    def _write(self, session: Any, upto: str, form: dict[str, Any]) -> None:
        if self.need_unit:
            desk.initialise_desk(
                session, unit_code=form["unit_code"], unit_name=form["unit_name"], agency_id=form["agency_id"],
                level=form["level"], seq_range=desk.parse_seq_range(form["seq_range"]),
            )
        if upto == "unit":
            return
        if form["password"] != form["password2"]:
            raise UserError(form["mismatch"], field="password")
        officers.create_officer(session, username=form["username"], full_name=form["full_name"],
                                password=form["password"], role="admin")

    def save(self) -> None:
        """The whole set-up in one transaction (nothing written on any error)."""
        db, form = self.db, self._form()

        def work() -> None:
            with db.transaction(officer="setup") as session:
                self._write(session, "admin", form)
                if form["starter"]:
                    result = catalog.import_starter(session)
                    if result.errors:
                        raise UserError(form["bad_starter"].replace("%1", str(result.errors[0][0])))

        wait_for(work)
