"""The labels an officer reads for the desk's fixed vocabularies, declared once and used by the pages,
forms, reports, command line and audit display alike (style.md §12).

Keys are the stored values (a dossier's ``status``, an event's ``kind``, a table's name…), so every
front end shows the same word for the same thing. Error messages stay at their raise site; printed
form bodies are data (``resources/forms/``); this catalogue holds what is looked up by a stored value.
Qt-free: pages translate these through ``tr`` where they need to.
"""

from __future__ import annotations

STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "in_progress": "Đang giải quyết",
    "awaiting_supplement": "Chờ bổ sung",
    "resolved": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "withdrawn": "Đã rút hồ sơ",
    "refused_at_reception": "Từ chối tiếp nhận",
}

# The verb phrase of each action, as in «Không thể {action} cho hồ sơ …».
ACTION_LABELS = {
    "start": "chuyển xử lý",
    "supplement_request": "yêu cầu bổ sung",
    "supplement_received": "nhận hồ sơ bổ sung",
    "result": "ghi nhận kết quả",
    "return": "trả kết quả",
    "withdraw": "rút hồ sơ",
    "apology": "lập phiếu xin lỗi, hẹn lại",
}

EVENT_LABELS = {
    "received": "Tiếp nhận", "refused": "Từ chối tiếp nhận", "started": "Chuyển xử lý",
    "supplement_requested": "Yêu cầu bổ sung", "supplement_received": "Nhận hồ sơ bổ sung",
    "resolved": "Có kết quả", "returned": "Trả kết quả", "withdrawn": "Rút hồ sơ",
    "apology_issued": "Xin lỗi, hẹn lại",
}

ROLE_LABELS = {"officer": "Cán bộ", "leader": "Lãnh đạo", "admin": "Quản trị"}
SYSTEM_ROLE_LABEL = "Hệ thống"

CHANNEL_LABELS = {"direct": "Trực tiếp", "postal": "Bưu chính công ích", "online": "Trực tuyến"}

# Synced tables, as the audit trail and the Đồng bộ page name them.
TABLE_LABELS = {
    "dossier": "Hồ sơ", "dossier_component": "Thành phần hồ sơ", "dossier_event": "Diễn biến hồ sơ",
    "supplement": "Yêu cầu bổ sung", "apology": "Phiếu xin lỗi", "procedure": "Thủ tục", "field": "Lĩnh vực",
    "unit": "Đơn vị", "officer": "Cán bộ", "calendar_override": "Lịch làm việc", "queue_ticket": "Số thứ tự",
    "survey_answer": "Phiếu khảo sát", "dossier_import": "Hồ sơ nhập từ sổ theo dõi",
}
OP_LABELS = {"insert": "Thêm", "update": "Sửa", "delete": "Xóa"}

WEEKDAY_LABELS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

DAY_OFF = "Ngày nghỉ"
MAKE_UP_DAY = "Ngày làm việc bù"

BACKUP_KIND_LABELS = {"daily": "Hằng ngày", "manual": "Sao lưu ngay", "pre-migration": "Trước nâng cấp",
                      "pre-restore": "Trước khôi phục"}

# Every vocabulary above that maps stored values to labels (the test that none is written twice reads it).
VOCABULARIES = {"status": STATUS_LABELS, "action": ACTION_LABELS, "event": EVENT_LABELS, "role": ROLE_LABELS,
                "channel": CHANNEL_LABELS, "table": TABLE_LABELS, "operation": OP_LABELS,
                "backup": BACKUP_KIND_LABELS}
