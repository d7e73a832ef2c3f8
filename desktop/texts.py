"""The labels an officer reads for the desk's fixed vocabularies, declared once and used by the pages,
forms, reports, command line and audit display alike (style.md §12).

Keys are the stored values (a dossier's ``status``, an event's ``kind``, a table's name…), so every
front end shows the same word for the same thing. Error messages stay at their raise site; printed
form bodies are data (``resources/forms/``); this catalogue holds what is looked up by a stored value.
Qt-free: pages translate these through ``tr`` where they need to.
"""

from __future__ import annotations

# Words and short labels that more than one module shows (column headers, buttons, nouns): written once here.
LABELS = {
    "address": "Địa chỉ", "apology_letter": "Phiếu xin lỗi", "app_name": "Một Cửa Offline",
    "applicant": "Người nộp", "applicant_full_name": "Họ tên người nộp", "applicant_name": "Tên người nộp",
    "approve": "Giải quyết", "awaiting_supplement": "Chờ bổ sung", "back": "Quay lại", "ballots": "Số phiếu chấm",
    "by_officer": "Theo cán bộ", "cancel": "Hủy", "channel": "Kênh nộp", "choose_backup_file": "Chọn tệp sao lưu",
    "clock_start": "Bắt đầu tính hạn", "close": "Đóng", "command_metavar": "LỆNH", "comment": "Góp ý",
    "component": "Thành phần", "components": "Thành phần hồ sơ", "copies": "Số bộ hồ sơ", "data": "Dữ liệu",
    "data_restored": "Đã khôi phục dữ liệu", "date": "Ngày", "date_from": "Từ ngày", "delete": "Xóa",
    "digitisation": "Số hóa", "digitisation_code": "Mã số hóa", "digitised": "Đã số hóa",
    "digitised_by": "Cán bộ số hóa", "digitised_result": "Kết quả đã số hóa", "dissatisfied": "Không hài lòng",
    "dossier": "Hồ sơ", "dossier_code": "Mã hồ sơ", "due": "Hẹn trả", "due_on": "Ngày hẹn trả",
    "due_soon": "Sắp đến hạn", "email": "Thư điện tử", "entered_by": "Cán bộ nhập",
    "feedback_comment": "Ý kiến góp ý", "field": "Lĩnh vực", "from_national_portal": "Từ Cổng DVC quốc gia",
    "full_name": "Họ tên", "handled_by": "Cán bộ xử lý", "hub_address": "Địa chỉ máy chủ tỉnh",
    "id_number": "Số giấy tờ tùy thân", "identifier": "Số định danh", "in_progress": "Đang giải quyết",
    "inactive": "Ngừng hoạt động", "indicator": "Chỉ số", "kind": "Loại", "late": "Trễ hạn", "location": "Nơi lưu",
    "log": "Nhật ký", "moment": "Thời điểm", "month": "Tháng", "name": "Tên", "new_due": "Ngày hẹn mới",
    "newly_received": "Tiếp nhận mới", "note": "Ghi chú", "office_hours": "Giờ làm việc", "officer": "Cán bộ",
    "ok": "Đồng ý", "on_time": "Đúng hạn", "online": "Trực tuyến", "order": "Thứ tự", "organisation": "Tổ chức",
    "organisation_name": "Tên tổ chức", "original_due": "Hẹn trả ban đầu", "overdue": "Quá hạn",
    "phone": "Điện thoại", "phone_number": "Số điện thoại", "preparing": "Đang chuẩn bị dữ liệu…", "procedure": "Thủ tục", "procedure_code": "Mã TTHC",
    "procedure_name": "Tên TTHC", "procedure_title": "Tên thủ tục", "province_hub": "Máy chủ tỉnh",
    "queue_number": "Số thứ tự", "rating": "Đánh giá", "reason": "Lý do", "received_by": "Cán bộ tiếp nhận",
    "received_on": "Ngày nhận", "reception": "Tiếp nhận", "refresh": "Làm mới", "refusal_reason": "Lý do từ chối",
    "refuse": "Từ chối", "refused_at_reception": "Từ chối tiếp nhận", "reject": "Không giải quyết",
    "resolution_result": "Kết quả giải quyết", "resolving_body": "Cơ quan giải quyết",
    "receiving_unit": "Đơn vị tiếp nhận", "transferred_on": "Ngày chuyển", "forwarded_in": "Hồ sơ chuyển đến", "resolved": "Đã giải quyết", "resolved_on": "Ngày có kết quả",
    "result": "Kết quả", "return_result": "Trả kết quả", "returned_on": "Ngày trả", "role": "Vai trò",
    "row": "Dòng", "satisfaction_level": "Mức độ hài lòng", "satisfied": "Hài lòng", "save": "Lưu",
    "saved": "Đã lưu", "skip": "Bỏ qua", "source": "Nguồn", "start_processing": "Chuyển xử lý",
    "status": "Trạng thái", "submitted": "Đã nộp", "supplement_received": "Nhận hồ sơ bổ sung",
    "supplement_request": "Yêu cầu bổ sung", "survey": "Khảo sát", "system": "Hệ thống", "target": "Chỉ tiêu",
    "this_month": "Tháng này", "today": "Hôm nay", "total": "Tổng cộng", "unit": "Đơn vị",
    "unit_code": "Mã đơn vị", "unit_name": "Tên đơn vị", "username": "Tên đăng nhập", "version": "Phiên bản",
    "very_satisfied": "Rất hài lòng", "withdraw": "Rút hồ sơ", "withdrawn_on": "Ngày rút hồ sơ",
    "work_calendar": "Lịch làm việc", "working_day": "Ngày làm việc",
}

STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "in_progress": LABELS["in_progress"],
    "awaiting_supplement": LABELS["awaiting_supplement"],
    "transferred": "Đã chuyển cơ quan giải quyết",
    "resolved": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "withdrawn": "Đã rút hồ sơ",
    "refused_at_reception": LABELS["refused_at_reception"],
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
    "transfer": "chuyển hồ sơ đến cơ quan giải quyết",
    "result_received": "nhận kết quả từ cơ quan giải quyết",
}

EVENT_LABELS = {
    "received": LABELS["reception"], "refused": LABELS["refused_at_reception"],
    "started": LABELS["start_processing"],
    "supplement_requested": LABELS["supplement_request"],
    "supplement_received": LABELS["supplement_received"],
    "resolved": "Có kết quả", "returned": LABELS["return_result"], "withdrawn": LABELS["withdraw"],
    "apology_issued": "Xin lỗi, hẹn lại",
    "transferred": "Chuyển cơ quan giải quyết", "result_received": "Nhận kết quả từ cơ quan giải quyết",
}

# How a dossier travels to its resolving body (issue #15).
TRANSFER_VIA_LABELS = {"hub": "Qua hệ thống (máy chủ tỉnh)", "post": "Qua bưu chính", "hand": "Chuyển trực tiếp"}

# What a desk shows for a dossier it received for another body, once the result is back.
RESULT_BACK_LABEL = "Đã có kết quả — chờ trả"

ROLE_LABELS = {"officer": LABELS["officer"], "leader": "Lãnh đạo", "admin": "Quản trị"}
SYSTEM_ROLE_LABEL = LABELS["system"]

CHANNEL_LABELS = {"direct": "Trực tiếp", "postal": "Bưu chính công ích", "online": LABELS["online"]}

# Synced tables, as the audit trail and the Đồng bộ page name them.
TABLE_LABELS = {
    "dossier": LABELS["dossier"], "dossier_component": LABELS["components"],
    "dossier_event": "Diễn biến hồ sơ",
    "supplement": LABELS["supplement_request"], "apology": LABELS["apology_letter"],
    "procedure": LABELS["procedure"], "field": LABELS["field"],
    "unit": LABELS["unit"], "officer": LABELS["officer"], "calendar_override": LABELS["work_calendar"],
    "queue_ticket": LABELS["queue_number"],
    "survey_answer": "Phiếu khảo sát", "dossier_import": "Hồ sơ nhập từ sổ theo dõi",
    "duty_day": "Cán bộ trực",
}
PAYMENT_LABELS = {"cash": "Tiền mặt", "bank_transfer": "Chuyển khoản", "online": "Trực tuyến qua Cổng DVC"}
OP_LABELS = {"insert": "Thêm", "update": "Sửa", "delete": LABELS["delete"]}

WEEKDAY_LABELS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

DAY_OFF = "Ngày nghỉ"
MAKE_UP_DAY = "Ngày làm việc bù"

BACKUP_KIND_LABELS = {"daily": "Hằng ngày", "manual": "Sao lưu ngay", "pre-migration": "Trước nâng cấp",
                      "pre-restore": "Trước khôi phục"}

# Every vocabulary above that maps stored values to labels (the test that none is written twice reads it).
VOCABULARIES = {"transfer_via": TRANSFER_VIA_LABELS, "status": STATUS_LABELS, "action": ACTION_LABELS, "event": EVENT_LABELS, "role": ROLE_LABELS,
                "channel": CHANNEL_LABELS, "table": TABLE_LABELS, "operation": OP_LABELS,
                "backup": BACKUP_KIND_LABELS, "payment": PAYMENT_LABELS}
