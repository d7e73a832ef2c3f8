from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from desktop.errors import UserError
from desktop.reports.digitisation import digitisation_tracker
from desktop.reports.feedback_excel import export_surveys, export_tracker
from desktop.services import digitisation, surveys

from tests.feedback.helpers import at, receive


def test_tracker_workbook(db, tmp_path):
    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
        digitisation.digitise_component(s, code, 1)
        receive(s, "2026-11-17T09:00")
        tracker = digitisation_tracker(s, date(2026, 11, 1), date(2026, 11, 20))
    out = tmp_path / "xuat"
    out.mkdir()
    path = export_tracker(tracker, out / "so_hoa", unit_name="UBND xã Tân Lập")
    assert path.name == "so_hoa.xlsx" and [p.name for p in out.iterdir()] == ["so_hoa.xlsx"]  # no temporary left
    wb = load_workbook(path)
    ws = wb["Theo dõi số hóa"]
    assert ws["A2"].value == "Từ ngày 01/11/2026 đến ngày 20/11/2026"
    assert [c.value for c in ws[5]][:5] == ["Hộ tịch", 2, 1, 1, 50.0]
    assert [c.value for c in ws[6]][:2] == ["Tổng cộng", 2]
    assert wb["Theo tháng"]["A5"].value == "2026-11"


def test_survey_workbook(db, tmp_path):
    with db.transaction(officer="canbo") as s:
        surveys.record_answer(s, {"overall": "hai_long", "comment": "Tốt"}, at=at("2026-11-16T09:00"))
        start, end = date(2026, 11, 1), date(2026, 11, 20)
        results = {"start": start.isoformat(), "end": end.isoformat(), "total": surveys.satisfaction(s, start, end),
                   "by_field": surveys.satisfaction_by_field(s, start, end), "by_officer": None,
                   "comments": surveys.comments(s, start, end), "quarterly": surveys.quarterly_evaluation(s, start, end)}
    wb = load_workbook(export_surveys(results, tmp_path / "khao_sat.xlsx"))
    assert wb.sheetnames == ["Mức độ hài lòng", "Góp ý", "Đánh giá 18 điểm"]  # no per-officer sheet
    assert [c.value for c in wb["Mức độ hài lòng"][5]] == ["Không gắn hồ sơ", 1, 0, 1, 0, 100.0]
    assert wb["Góp ý"]["E5"].value == "Tốt"
    with pytest.raises(UserError, match="không tồn tại"):
        export_surveys(results, tmp_path / "khong_co" / "x.xlsx")
