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
from desktop.texts import LABELS

VERSION = 1

# Who may change a setting: the desk's administrator (Cài đặt), the software itself (never a person), or
# the province (it arrives in the signed province package and is replaced by the next one).
ADMIN, SYSTEM, PROVINCE = "admin", "system", "province"


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any = None
    changed_by: str = SYSTEM

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
IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", "Tự khóa màn hình sau (phút)", 15, ADMIN)
RECEIPT_PAPER = Setting("receipt_paper", "Khổ giấy in giấy tiếp nhận", "A4", ADMIN)
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
HUB_URL = Setting("hub_url", LABELS["hub_address"], None, ADMIN)
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
PROVINCE_UNITS = Setting("province_units", "Danh sách đơn vị của tỉnh", None, PROVINCE)
PROVINCE_TARGETS = Setting("province_targets", "Chỉ tiêu của tỉnh", None, PROVINCE)
PROVINCE_FORM_REGIMES = Setting("province_form_regimes", "Mẫu biểu theo quy định của tỉnh", None, PROVINCE)
SURVEY_QUESTIONNAIRES = Setting("survey_questionnaires", "Phiếu khảo sát của tỉnh", None, PROVINCE)
REVOKED_DEVICES = Setting("revoked_devices", "Máy bị thu hồi quyền đồng bộ", None, PROVINCE)
MIN_APP_VERSION = Setting("min_app_version", "Phiên bản phần mềm tối thiểu", None, PROVINCE)


def declared() -> dict[str, Setting]:
    """Every declaration by its stored key."""
    return {s.key: s for s in globals().values() if isinstance(s, Setting)}
