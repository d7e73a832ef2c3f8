"""Sync refusals: a machine code for logs, receipts and tests, and a Vietnamese message for people."""

from __future__ import annotations

from desktop.errors import UserError

MESSAGES: dict[str, str] = {
    "too_large": "Tệp đồng bộ vượt quá kích thước cho phép; tệp có thể bị hỏng hoặc không phải tệp của phần mềm.",
    "truncated": "Tệp đồng bộ bị cắt cụt hoặc hỏng (chép chưa xong?). Hãy xuất lại gói dữ liệu ở xã.",
    "unreadable": "Không đọc được tệp (USB bị rút ra hoặc hỏng?). Cắm lại và nhập lại.",
    "not_a_batch": "Tệp này không phải gói dữ liệu đồng bộ của Một Cửa Offline.",
    "bad_format": "Gói dữ liệu có cấu trúc không hợp lệ.",
    "bad_json": "Gói dữ liệu chứa dữ liệu JSON không hợp lệ.",
    "path_escape": "Gói dữ liệu chứa đường dẫn tệp không an toàn (thoát ra ngoài thư mục); đã từ chối.",
    "bad_hash": "Mã băm của dữ liệu không khớp: tệp đã bị thay đổi hoặc hỏng trên đường vận chuyển.",
    "decrypt_failed": "Không giải mã được gói dữ liệu (sai khóa của tỉnh hoặc tệp đã bị sửa).",
    "no_recipient_key": "Gói dữ liệu không được mã hóa cho khóa nào của máy chủ tỉnh này.",
    "bad_signature": "Chữ ký số không hợp lệ: gói dữ liệu không phải do máy đã đăng ký tạo ra hoặc đã bị sửa.",
    "header_mismatch": "Phần đầu gói dữ liệu không khớp với bản kê bên trong (phần đầu đã bị tráo).",
    "unknown_device": "Máy gửi gói dữ liệu chưa được tỉnh đăng ký. Hãy gửi tệp đề nghị đăng ký trước.",
    "revoked_device": "Máy gửi gói dữ liệu đã bị tỉnh thu hồi quyền đồng bộ.",
    "wrong_unit": "Gói dữ liệu ghi mã đơn vị khác với đơn vị mà máy này được đăng ký.",
    "wrong_owner": "Bản ghi thuộc đơn vị khác với đơn vị gửi gói dữ liệu.",
    "duplicate_id_different_hash": "Mã gói dữ liệu đã được nhận trước đây với nội dung khác; đã từ chối và cần kiểm tra.",
    "unsupported_version": "Gói dữ liệu được tạo bởi phiên bản phần mềm không được hỗ trợ; hãy cập nhật phần mềm.",
    "unknown_table": "Gói dữ liệu chứa bảng dữ liệu không xác định.",
    "bad_receipt": "Biên nhận không hợp lệ hoặc không có chữ ký hợp lệ của tỉnh.",
    "bad_value": "Gói dữ liệu có giá trị không hợp lệ (dù chữ ký đúng); tỉnh không nhận gói này.",
    "unsendable_value": "Chưa xuất được gói dữ liệu: một bản ghi có giá trị mà tỉnh sẽ từ chối. Hãy sửa bản ghi "
                        "đó rồi xuất lại; không có gì bị mất hay bị đánh dấu đã gửi.",
    "bad_batch_id": "Mã gói dữ liệu không hợp lệ (phải là mã UUID).",
    "bad_content": "Không đọc được nội dung gói dữ liệu; tỉnh không nhận gói này (không có gì được ghi).",
    "db_error": "Lỗi cơ sở dữ liệu của máy chủ tỉnh khi nhập gói; không có gì được ghi. Hãy báo quản trị viên.",
    "no_province_key": "Chưa cài khóa công khai của tỉnh (tệp province.pub): trên trang Đồng bộ bấm «Cài khóa của "
                       "tỉnh…», hoặc chạy lệnh 'sync keys --province-key TỆP'.",
}

CALL_ADMIN = "Hãy báo quản trị viên của đơn vị"
SAFE = "Dữ liệu vẫn an toàn trên máy"

# What an officer or leader reads instead (issue #18): the messages above may name a button only the unit's
# administrator can press, or a command; these say in plain words what happened and whom to call.
OFFICER_MESSAGES: dict[str, str] = {
    "no_province_key": f"Chưa đồng bộ được: máy này chưa cài khóa công khai của tỉnh. {SAFE}. {CALL_ADMIN} "
                       "cài khóa (tệp province.pub do tỉnh cấp).",
    "not_initialised": f"Chưa đồng bộ được: máy này chưa được cài đặt đơn vị. {SAFE}. {CALL_ADMIN}.",
    "bad_hub_url": f"Chưa gửi qua mạng được: máy này chưa có địa chỉ máy chủ tỉnh, hoặc địa chỉ không đúng. {SAFE}; "
                   f"có thể gửi bằng USB («Xuất ra USB…»). {CALL_ADMIN} nhập địa chỉ máy chủ tỉnh.",
    "hub_unreachable": f"Chưa gửi qua mạng được: máy chủ tỉnh không trả lời hoặc báo lỗi (mất mạng, máy chủ tắt). "
                       f"{SAFE}; thử lại sau hoặc gửi bằng USB («Xuất ra USB…»). Nếu nhiều lần vẫn không được, hãy báo "
                       "quản trị viên của đơn vị.",
    "device_not_accepted": "Máy chủ tỉnh không nhận máy này (chưa đăng ký, đã bị thu hồi, hoặc giờ của máy bị lệch). "
                           f"{SAFE}. {CALL_ADMIN}.",
    "revoked_device": f"Tỉnh đã thu hồi quyền đồng bộ của máy này. {SAFE}. {CALL_ADMIN}.",
    "bad_device_key": f"Chưa đồng bộ được: khóa riêng của máy này bị hỏng. {SAFE}. {CALL_ADMIN}.",
    "app_too_old": f"Gói dữ liệu của tỉnh cần phiên bản phần mềm mới hơn nên chưa áp dụng. {CALL_ADMIN} cập nhật "
                   "phần mềm.",
}


def message_for(code: str | None, message: str, *, admin: bool) -> str:
    """The text to show: ``message`` to the administrator, the plain officer wording (by code) to anyone else."""
    return message if admin else OFFICER_MESSAGES.get(code or "", message)


def for_role(error: BaseException, *, admin: bool) -> BaseException:
    """``error`` as the logged-in officer should read it: the same error, or a UserError with the same code and
    field and the officer's wording."""
    if admin or not isinstance(error, UserError) or (error.code or "") not in OFFICER_MESSAGES:
        return error
    return UserError(message_for(error.code, error.message, admin=False), field=error.field, code=error.code)


class SyncError(UserError):
    """A refused file or step; ``code`` is stable, ``message`` is Vietnamese."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        message = MESSAGES.get(code, "Lỗi đồng bộ.")
        self.detail = detail
        if detail:
            message = f"{message} ({detail})"
        super().__init__(message, code=code)
