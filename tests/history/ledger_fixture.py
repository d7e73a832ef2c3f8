"""A ledger in the official Sổ theo dõi layout with the mess officers' files really have."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

SUB_HEADERS = ["Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
               "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho tổ chức, cá nhân"]
CODE = "000.00.23.H49-2610{:02d}-{:04d}"


def serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def build_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ 2026"
    ws["A1"] = "UBND XÃ TÂN LẬP"
    ws["A2"] = "SỔ THEO DÕI HỒ SƠ"
    ws.merge_cells("A2:N2")
    tops = ["STT", "Mã hồ sơ", "Tên TTHC", "Số bộ hồ sơ", "Tên người nộp", "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết", "Thời gian", None, None, None, None, "Ký nhận", "Ghi chú"]
    for col, text in enumerate(tops, start=1):
        if text:
            ws.cell(row=4, column=col, value=text)
    for col in list(range(1, 8)) + [13, 14]:
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    ws.merge_cells("H4:L4")
    for offset, text in enumerate(SUB_HEADERS):
        ws.cell(row=5, column=8 + offset, value=text)
    for col in range(1, 15):
        ws.cell(row=6, column=col, value=f"({col})")
    rows = {
        # returned on the due day: on time; dates as text with a time
        7: [1, CODE.format(2, 1), "Chứng thực bản sao từ bản chính giấy tờ", 1, "Nguyễn Văn An", "Thôn 1, 0912 345 678",
            "UBND xã", "02/10/2026 08:15", "02/10/2026", "02/10/2026 09:00", "02/10/2026 10:30", "02/10/2026 14:00",
            None, None],
        # Excel serial dates, result after the appointment: late
        8: [2, CODE.format(5, 2), "Đăng ký khai sinh", 1, "Trần Thị Bình", "Xóm 2", "UBND xã",
            serial(date(2026, 10, 5)), serial(date(2026, 10, 5)), None, serial(date(2026, 10, 7)), None, None,
            "chậm do thiếu giấy"],
        # no code, d/m/yy, transferred but no result: in progress (overdue now)
        10: [3, None, "Cấp Giấy xác nhận tình trạng hôn nhân", 1, "Lê Văn Cường", "Thôn 3", "UBND xã",
             "5/10/26", "8/10/26", "5/10/26", None, None, None, None],
        # name without diacritics, real datetime cells: resolved
        11: [4, CODE.format(6, 4), "Dang ky ket hon", 1, "Phạm Thị Dung", None, "UBND xã",
             datetime(2026, 10, 6, 9, 0), datetime(2026, 10, 6, 17, 0), None, datetime(2026, 10, 6, 15, 0), None,
             None, None],
        # the procedure named slightly differently (kí / ký)
        12: [5, CODE.format(7, 5), "Chứng thực chữ kí trong giấy tờ văn bản", 1, "Hoàng Văn Em", None, "UBND xã",
             "07/10/2026", "07/10/2026", None, "07/10/2026", "07/10/2026", None, None],
        # duplicate of row 7
        13: [6, CODE.format(2, 1), "Chứng thực bản sao từ bản chính giấy tờ", 1, "Nguyễn Văn An", "Thôn 1", "UBND xã",
             "02/10/2026", "02/10/2026", None, None, None, None, None],
        # a bad date
        14: [7, CODE.format(8, 7), "Đăng ký khai tử", 1, "Vũ Thị Giang", None, "UBND xã",
             "31/02/2026", "03/03/2026", None, None, None, None, None],
        # a procedure not in the catalogue
        16: [8, CODE.format(9, 8), "Cấp phép khai thác cát sỏi lòng sông", 1, "Đỗ Văn Hải", None, "UBND tỉnh",
             "09/10/2026", "20/10/2026", None, None, None, None, None],
        # no applicant
        17: [9, CODE.format(9, 9), "Đăng ký khai sinh", 1, None, None, "UBND xã",
             "09/10/2026", "09/10/2026", None, None, None, None, None],
        # only the serial number (a pre-numbered empty line)
        18: [10, None, None, None, None, None, None, None, None, None, None, None, None, None],
        # result before reception
        19: [11, CODE.format(12, 11), "Đăng ký khai sinh", 1, "Bùi Văn Khánh", None, "UBND xã",
             "12/10/2026", "12/10/2026", None, "10/10/2026", None, None, None],
    }
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=number, column=col, value=value)
    wb.save(path)
    return path
