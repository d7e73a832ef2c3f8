"""A desk with dossiers in every state a form needs, long Vietnamese names and many components."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from desktop.platform import clock
from desktop.db.session import Database
from desktop.services import dossiers, officers

LONG_NAME = "Tôn Nữ Huyền Trân Nguyễn Hoàng Phương Thảo"
ADDRESS = ("Số 12, ngõ 34, đường Nguyễn Thị Minh Khai, thôn Đồng Xuân, xã Tân Lập, huyện Đan Phượng, "
           "thành phố Hà Nội")
OFFICER = "Lê Thị Thu Hằng"
EXTRA = [f"Bản sao giấy tờ chứng minh quan hệ nhân thân số {i} (có chứng thực của cơ quan có thẩm quyền)"
         for i in range(1, 9)]
FIRST_ITEMS = ["Tờ khai có chữ ký của người yêu cầu"]
ITEMS = ["Bản chính Giấy khai sinh của người con", "Bản sao sổ hộ khẩu hoặc xác nhận thông tin cư trú",
         "Văn bản ủy quyền có chứng thực (nếu nộp thay)", "Ảnh chân dung 4x6 chụp không quá 06 tháng",
         "Giấy xác nhận tình trạng hôn nhân do Ủy ban nhân dân cấp xã nơi thường trú cấp"]
APOLOGY_REASON = "Cần xác minh thêm thông tin hộ tịch tại nơi đăng ký trước đây"
REFUSAL_REASON = "Không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã; Hồ sơ đã được giải quyết trước đây"
WITHDRAW_REASON = "Người nộp đề nghị rút để bổ sung giấy tờ đất đai"
UNIT_NAME = "UBND xã Tân Lập"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clock.VN_TZ)


@dataclass
class Scenario:
    full: str  # received, started, two supplement requests, apology, resolved late, returned
    refused: str
    withdrawn: str
    fresh: str  # just received, nothing else
    forwarded: str  # received for Sở Tư pháp and transferred by post (issue #15)
    due: datetime  # appointment of ``full`` after the supplement
    new_appointment: date


@pytest.fixture
def scenario(db: Database) -> Scenario:
    with db.transaction(officer="setup") as session:
        officers.create_officer(session, username="canbo", full_name=OFFICER, password="canbo123")
        officers.create_officer(session, username="lanhdao", full_name="Trần Văn Lãnh", password="lanhdao123",
                                role="leader")
    applicant = dossiers.Applicant(name=LONG_NAME, id_number="079123456789", phone="0912345678",
                                   email="phuongthao@example.vn", address=ADDRESS)
    with db.transaction(officer="canbo") as session:
        full = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=applicant, at=at(9, 9, 15), sets_count=2,
            extra_components=EXTRA)).code
        dossiers.start(session, full, at=at(9, 10))
        dossiers.request_supplement(session, full, items=FIRST_ITEMS, at=at(9, 11))
        dossiers.receive_supplement(session, full, at=at(10, 8))
        dossiers.request_supplement(session, full, items=ITEMS, reason="Hồ sơ còn thiếu giấy tờ theo quy định",
                                    at=at(10, 14))
        due = dossiers.receive_supplement(session, full, at=at(11, 8, 30)).due_at
        new_date = date(2026, 11, 20)
    with db.transaction(officer="lanhdao") as session:  # apologies are approved by a leader
        dossiers.issue_apology(session, full, new_date=new_date, reason=APOLOGY_REASON, at=at(18, 9))
    with db.transaction(officer="canbo") as session:
        dossiers.record_result(session, full, at=at(19, 10))
        dossiers.return_result(session, full, at=at(20, 15))
        refused = dossiers.refuse(session, procedure_code="1.004884", applicant=applicant, reason=REFUSAL_REASON,
                                  at=at(12, 9, 30)).code
        withdrawn = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=applicant, at=at(13, 10))).code
        dossiers.withdraw(session, withdrawn, at=at(16, 14), reason=WITHDRAW_REASON)
        fresh = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=applicant, at=at(20, 9, 5), extra_components=EXTRA,
            return_by_post=True)).code
        forwarded = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=applicant, at=at(16, 9), resolver="000.00.04.H49")).code
        from desktop.services import forwarding

        forwarding.transfer(session, forwarded, via="post", at=at(16, 15))
    assert due is not None
    return Scenario(full=full, refused=refused, withdrawn=withdrawn, fresh=fresh, forwarded=forwarded, due=due, new_appointment=new_date)
