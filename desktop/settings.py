"""Every setting of the desk, declared once: its stored key, default, Vietnamese label, who may change it
and where its value comes from.

Settings live in the ``setting`` table as JSON values. Before this module the keys were constants in
seventeen modules (one key spelled two ways, office-hour defaults in three places); now code names a
declaration (``settings.OFFICE_HOURS.key``) and a test refuses a key written as a literal anywhere
else. ``VERSION`` is the layout of the declarations; ``desktop/db/settings_upgrade.py`` brings a
database's stored settings to it when the database is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from desktop.errors import UserError
from desktop.texts import LABELS

VERSION = 1

# Who may change a setting: the desk's administrator (Cài đặt), the software itself (never a person), or
# the province (it arrives in the signed province package and is replaced by the next one).
ADMIN, SYSTEM, PROVINCE = "admin", "system", "province"


@dataclass(frozen=True)
class Field:
    """How a setting appears on Cài đặt › Chung, which is built from these: ``minutes`` (a whole number in
    ``bounds``), ``choice`` (one of ``choices``) or ``url`` (an http(s) address, empty = none)."""

    kind: str
    hint: str = ""
    bounds: tuple[int, int] = (0, 0)
    choices: tuple[str, ...] = ()
    placeholder: str = ""


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any = None
    changed_by: str = SYSTEM
    field: Field | None = None  # shown on Cài đặt › Chung when set
    package_field: str | None = None  # the province package's entry that replaces it

    def __str__(self) -> str:
        return self.key


SETTINGS_VERSION = Setting("settings_version", "Phiên bản cách lưu cài đặt")

# -- identity and the desk's own rules ---------------------------------------------------------------
UNIT_CODE = Setting("unit_code", LABELS["unit_code"], changed_by=ADMIN)
DEVICE_ID = Setting("device_id", "Mã máy")
SEQ_RANGE = Setting("seq_range", "Khoảng số thứ tự mã hồ sơ của máy", [1, 9999], ADMIN)
CODE_PATTERN = Setting("code_pattern", "Mẫu mã hồ sơ", "{agency_id}-{yymmdd}-{seq:04d}", ADMIN)
OFFICE_HOURS = Setting("office_hours", "Giờ làm việc của bộ phận một cửa", None, ADMIN)
RESOLVING_BODIES = Setting("procedure_resolving_bodies", "Cơ quan giải quyết theo thủ tục", None, ADMIN)
IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", "Tự khóa màn hình sau (0 = không khóa)", 15, ADMIN,
                            Field("minutes", "Mặc định {default} phút. Chỉ quản trị được thay đổi.", bounds=(0, 240)))
RECEIPT_PAPER = Setting("receipt_paper", "Khổ giấy in giấy tiếp nhận", "A4", ADMIN,
                        Field("choice", choices=("A4", "A5")))
KIOSK_PIN = Setting("kiosk_pin_hash", "Mã PIN thoát chế độ khảo sát", None, ADMIN)
FEEDBACK_TARGETS = Setting("targets_feedback", "Chỉ tiêu khảo sát hài lòng", None, ADMIN)
REPORT_TARGETS = Setting("report_targets", "Chỉ tiêu báo cáo", None, ADMIN)
DIGITISATION_GENERATOR = Setting("digitisation_code_generator", "Cách sinh mã số hóa", None, ADMIN)
DIGITISATION_PATTERN = Setting("digitisation_code_pattern", "Mẫu mã số hóa thành phần", None, ADMIN)
DIGITISATION_RESULT_PATTERN = Setting("digitisation_result_code_pattern", "Mẫu mã số hóa kết quả", None, ADMIN)
DEMO_DATABASE = Setting("demo_database", "Cơ sở dữ liệu mẫu")

# -- backups and epochs ------------------------------------------------------------------------------
BACKUP_SECOND_DIR = Setting("backup_second_dir", "Thư mục sao lưu thứ hai", None, ADMIN)
BACKUP_ROTATION = Setting("backup_rotation", "Số bản sao lưu giữ lại", None, ADMIN)
EPOCH = Setting("db_epoch", "Kỷ nguyên dữ liệu")
EPOCH_START = Setting("db_epoch_start", "Thứ tự thay đổi đầu tiên của kỷ nguyên", 1)
EPOCH_HISTORY = Setting("db_epoch_history", "Các kỷ nguyên trước")
EPOCH_RESTORED = Setting("db_epoch_restored", "Khôi phục từ bản sao lưu")

# -- sync --------------------------------------------------------------------------------------------
HUB_URL = Setting("hub_url", LABELS["hub_address"], None, ADMIN,
                  Field("url", "Để trống nếu chỉ gửi dữ liệu bằng USB. Cũng sửa được ở trang Đồng bộ.",
                        placeholder="http://10.0.0.5:8765"))
LAST_SYNC = Setting("last_sync_at", "Tỉnh xác nhận lần cuối")
LAST_PUSH = Setting("last_push", "Lần gửi qua mạng gần nhất")
ENROLMENT_REQUEST = Setting("enrolment_request", "Đề nghị đăng ký máy")
AUDIT_ANCHOR = Setting("audit_anchor", "Xác nhận nhật ký của tỉnh")

# -- from the province package -----------------------------------------------------------------------
PROVINCE_KEYS = Setting("province_keys", "Khóa công khai của tỉnh", None, PROVINCE)
PACKAGE_VERSION = Setting("reference_package_version", "Phiên bản gói dữ liệu tỉnh đã áp dụng", None, PROVINCE)
PROVINCE_PACKAGE_VERSION = Setting("province_package_version", "Phiên bản gói dữ liệu tỉnh (gửi kèm gói dữ liệu)",
                                   None, PROVINCE)
PROVINCE_CALENDAR = Setting("province_calendar", "Ngày nghỉ, làm bù của tỉnh", None, PROVINCE)
PROVINCE_OFFICE_HOURS = Setting("province_office_hours", "Giờ làm việc do tỉnh quy định", None, PROVINCE)
PROVINCE_UNITS = Setting("province_units", "Danh sách đơn vị của tỉnh", None, PROVINCE,
                         package_field="units")
PROVINCE_TARGETS = Setting("province_targets", "Chỉ tiêu của tỉnh", None, PROVINCE,
                           package_field="targets")
PROVINCE_FORM_REGIMES = Setting("province_form_regimes", "Mẫu biểu theo quy định của tỉnh", None, PROVINCE,
                                package_field="forms")
PROVINCE_INDICATORS = Setting("province_indicators", "Bộ chỉ số của tỉnh", None, PROVINCE,
                              package_field="indicators")
SURVEY_QUESTIONNAIRES = Setting("survey_questionnaires", "Phiếu khảo sát của tỉnh", None, PROVINCE,
                                package_field="surveys")
REVOKED_DEVICES = Setting("revoked_devices", "Máy bị thu hồi quyền đồng bộ", None, PROVINCE)
MIN_APP_VERSION = Setting("min_app_version", "Phiên bản phần mềm tối thiểu", None, PROVINCE)


def declared() -> dict[str, Setting]:
    """Every declaration by its stored key."""
    return {s.key: s for s in globals().values() if isinstance(s, Setting)}


def on_page() -> list[Setting]:
    """The settings an administrator edits on Cài đặt › Chung, in declaration order."""
    return [s for s in declared().values() if s.field is not None]


def from_package() -> list[Setting]:
    """The settings a province package replaces wholesale, each from its own entry of the package."""
    return [s for s in declared().values() if s.package_field is not None]


def check(setting: Setting, raw: Any) -> Any:
    """The value to store for what an administrator typed, or a UserError naming the setting."""
    field = setting.field
    if field is None or setting.changed_by != ADMIN:
        raise UserError(f"{setting.label}: không sửa được ở trang Cài đặt.", field=setting.key)
    if field.kind == "minutes":
        low, high = field.bounds
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise UserError(f"{setting.label}: phải là số phút từ {low} đến {high}.", field=setting.key)
        return raw
    if field.kind == "choice":
        if raw not in field.choices:
            raise UserError(f"{setting.label}: chỉ chọn {' hoặc '.join(field.choices)}.", field=setting.key)
        return raw
    if field.kind == "url":
        return normalise_url(setting, str(raw or "")) if str(raw or "").strip() else None
    raise ValueError(f"unknown field kind {field.kind!r}")


def normalise_url(setting: Setting, text: str) -> str:
    """``http(s)://host[:port][/path]`` without spaces, query or fragment; trailing '/' dropped."""

    def bad(detail: str) -> UserError:
        return UserError(f"{setting.label}: {detail}. Ví dụ đúng: {setting.field.placeholder if setting.field else ''}",
                         field=setting.key, code=f"bad_{setting.key}")

    value = (text or "").strip()
    if not value:
        raise bad("chưa nhập")
    if any(ch.isspace() for ch in value):
        raise bad("không được chứa dấu cách")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise bad("phải bắt đầu bằng http:// hoặc https://")
    try:
        port = parts.port
    except ValueError:
        raise bad("cổng (số sau dấu ':') phải từ 1 đến 65535") from None
    if not parts.hostname:
        raise bad("thiếu tên máy hoặc địa chỉ IP")
    if port == 0:
        raise bad("cổng (số sau dấu ':') phải từ 1 đến 65535")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise bad("không được có phần '?…', '#…' hay tên đăng nhập")
    return value.rstrip("/")
