from __future__ import annotations

import json
from datetime import date

import pytest

from desktop.rules import survey_forms
from desktop.db.models_feedback import SurveyAnswer
from desktop.errors import PermissionDenied, UserError
from desktop.platform.paths import data_dir, resources_dir
from desktop.services import kiosk, surveys
from sqlalchemy import select

from tests.feedback.helpers import CHUNG_THUC, at, receive

NOV = (date(2026, 11, 1), date(2026, 11, 19))


def _push_v2() -> None:
    data = json.loads((resources_dir() / "surveys" / "hai_long_ho_so.v1.json").read_text(encoding="utf-8"))
    data["version"] = 2
    data["questions"].insert(1, {"id": "nhanh_chong", "type": "choice", "required": False,
                                 "text": "Thời gian chờ tại quầy", "options": data["questions"][0]["options"]})
    folder = data_dir() / "surveys"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hai_long_ho_so.v2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_bundled_forms_load():
    form = survey_forms.get_form()
    assert (form.id, form.version, form.kind) == ("hai_long_ho_so", 1, "per_dossier")
    assert [o.label for o in form.question("overall").options] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert all(not q.required for q in form.questions if q.id != "overall")
    quarterly = survey_forms.get_form(survey_forms.QUARTERLY_FORM)
    scores = [q for q in quarterly.questions if q.type == "score"]
    assert len(scores) == 9 and all(q.allowed() == (2, 1, 0) for q in scores)


def test_answers_keep_their_form_version(db):
    with db.transaction(officer="canbo") as s:
        v1 = surveys.record_answer(s, {"overall": "hai_long"}, at=at("2026-11-10T09:00"))
    _push_v2()
    with db.transaction(officer="canbo") as s:
        v2 = surveys.record_answer(s, {"overall": "rat_hai_long", "nhanh_chong": "hai_long"})
        old = surveys.record_answer(s, {"overall": "hai_long"}, version=1)
        with pytest.raises(UserError, match="không có câu hỏi 'nhanh_chong'"):
            surveys.record_answer(s, {"overall": "hai_long", "nhanh_chong": "hai_long"}, version=1)
    with db.reading() as s:
        rows = {r.id: r for r in s.scalars(select(SurveyAnswer))}
    assert (rows[v1.id].form_version, rows[v2.id].form_version, rows[old.id].form_version) == (1, 2, 1)
    assert rows[v2.id].answers == {"overall": "rat_hai_long", "nhanh_chong": "hai_long"}
    assert rows[v1.id].officer == "canbo" and rows[v1.id].source == "officer"


def test_invalid_form_files_are_refused_in_vietnamese():
    folder = data_dir() / "surveys"
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / "hong.json"
    bad.write_text('{"id": "x", "version": 1, "kind": "per_dossier", "title": "T", "questions": '
                   '[{"id": "overall", "type": "choice", "text": "?", "options": [{"value": "a", "label": "A"}, '
                   '{"value": "b", "label": "B"}]}]}', encoding="utf-8")
    with pytest.raises(UserError, match="Mẫu phiếu khảo sát 'hong.json' không hợp lệ: phiếu theo hồ sơ phải có"):
        survey_forms.load_forms()
    bad.write_text("{không phải json", encoding="utf-8")
    with pytest.raises(UserError, match="không đọc được JSON"):
        survey_forms.load_forms()
    data = json.loads((resources_dir() / "surveys" / "hai_long_ho_so.v1.json").read_text(encoding="utf-8"))
    data["title"] = "Đổi nội dung nhưng không tăng phiên bản"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="phải tăng số phiên bản"):
        survey_forms.load_forms()


def test_recording_validates_answers(db):
    with db.transaction() as s:
        with pytest.raises(UserError, match="Chưa trả lời câu bắt buộc"):
            surveys.record_answer(s, {"can_bo": "hai_long"})
        with pytest.raises(UserError, match="giá trị 'tot' không hợp lệ"):
            surveys.record_answer(s, {"overall": "tot"})
        with pytest.raises(UserError, match="Không tìm thấy hồ sơ"):
            surveys.record_answer(s, {"overall": "hai_long"}, dossier_code="KHONG-CO")
        with pytest.raises(UserError, match="Nguồn phiếu"):
            surveys.record_answer(s, {"overall": "hai_long"}, source="web")
        with pytest.raises(UserError, match="giá trị '3' không hợp lệ"):
            surveys.record_answer(s, {"thai_do_cong_chuc": 3}, form_id=survey_forms.QUARTERLY_FORM)
        assert s.scalar(select(SurveyAnswer.id)) is None


def test_satisfaction_rate_by_field_officer_and_comments(db):
    with db.transaction(officer="canbo") as s:
        ho_tich = receive(s, "2026-11-02T09:00")
        chung_thuc = receive(s, "2026-11-03T09:00", procedure=CHUNG_THUC)
        surveys.record_answer(s, {"overall": "rat_hai_long"}, dossier_code=ho_tich, at=at("2026-11-02T10:00"))
        surveys.record_answer(s, {"overall": "rat_hai_long", "comment": "Rất chu đáo"}, dossier_code=ho_tich,
                              at=at("2026-11-04T10:00"), source="kiosk")
        surveys.record_answer(s, {"overall": "hai_long"}, dossier_code=chung_thuc, at=at("2026-11-05T10:00"))
        surveys.record_answer(s, {"overall": "hai_long", "thu_tuc": "khong_hai_long"}, at=at("2026-10-31T23:59"))
    with db.transaction(officer="lan") as s:
        surveys.record_answer(s, {"overall": "khong_hai_long"}, comment="Chờ lâu", at=at("2026-11-06T10:00"))
        surveys.record_answer(s, {"overall": "khong_hai_long"}, dossier_code=chung_thuc, at=at("2026-11-19T23:59"))
        surveys.record_answer(s, {"thai_do_cong_chuc": 2}, form_id=survey_forms.QUARTERLY_FORM,
                              at=at("2026-11-06T10:00"))
    with db.reading() as s:
        total = surveys.satisfaction(s, *NOV)
        by_field = surveys.satisfaction_by_field(s, *NOV)
        by_officer = surveys.satisfaction_by_officer(s, *NOV, role="leader")
        notes = surveys.comments(s, *NOV)
        with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo"):
            surveys.satisfaction_by_officer(s, *NOV, role="officer")
    assert {k: total[k] for k in ("answers", "very_satisfied", "satisfied", "unsatisfied", "rate")} == \
        {"answers": 5, "very_satisfied": 2, "satisfied": 1, "unsatisfied": 2, "rate": 60.0}
    assert (total["target"], total["meets_target"]) == (95.0, False)
    assert [(r["field"], r["answers"], r["rate"]) for r in by_field] == [
        ("Chứng thực", 2, 50.0), ("Hộ tịch", 2, 100.0), ("Không gắn hồ sơ", 1, 0.0)]
    assert [(r["officer"], r["answers"], r["rate"]) for r in by_officer] == [("canbo", 3, 100.0), ("lan", 2, 0.0)]
    assert [n["comment"] for n in notes] == ["Chờ lâu", "Rất chu đáo"]
    with db.reading() as s:
        assert surveys.satisfaction(s, date(2026, 12, 1), date(2026, 12, 31))["rate"] is None


@pytest.mark.parametrize(("total", "expected"), [
    (18, "Xuất sắc"), (15.5, "Xuất sắc"), (15, "Tốt"), (12, "Tốt"), (11.99, "Khá"), (9, "Khá"),
    (8.5, "Trung bình"), (6, "Trung bình"), (5.99, "Yếu"), (0, "Yếu"),
])
def test_18_point_bands_at_the_boundaries(total, expected):
    assert surveys.band(total) == expected


def test_quarterly_evaluation_averages_each_indicator(db):
    form = survey_forms.get_form(survey_forms.QUARTERLY_FORM)
    ids = [q.id for q in form.questions if q.type == "score"]
    with db.transaction() as s:
        surveys.record_answer(s, dict.fromkeys(ids, 2), form_id=form.id, at=at("2026-10-05T09:00"))
        surveys.record_answer(s, dict.fromkeys(ids[:-1], 1), form_id=form.id, at=at("2026-11-05T09:00"))
        surveys.record_answer(s, {"overall": "hai_long"}, at=at("2026-11-05T09:00"))  # other form: ignored
        quarter = surveys.quarterly_evaluation(s, date(2026, 10, 1), date(2026, 12, 31))
        empty = surveys.quarterly_evaluation(s, date(2026, 1, 1), date(2026, 3, 31))
    assert quarter["answers"] == 2 and quarter["max_total"] == 18
    assert [i["average"] for i in quarter["indicators"]] == [1.5] * 8 + [2.0]
    assert (quarter["total"], quarter["band"]) == (14.0, "Tốt")
    assert (empty["total"], empty["band"], len(empty["unanswered_indicators"])) == (None, None, 9)


def test_kiosk_pin(db):
    with db.transaction() as s:
        assert not kiosk.has_pin(s) and not kiosk.check_pin(s, "1234")
        with pytest.raises(UserError, match="4–8 chữ số"):
            kiosk.set_pin(s, "12a4")
        kiosk.set_pin(s, "2468")
    with db.reading() as s:
        assert kiosk.has_pin(s) and kiosk.check_pin(s, "2468") and not kiosk.check_pin(s, "1357")


def test_kiosk_pin_is_set_by_leaders_only(db):
    from desktop.errors import PermissionDenied
    from desktop.services import officers

    with db.transaction(officer="setup") as s:
        officers.create_officer(s, username="canbo9", full_name="Lò Thị Chín", password="matkhau123", role="officer")
        officers.create_officer(s, username="lanhdao9", full_name="Vi Văn Mười", password="matkhau123", role="leader")
    with pytest.raises(PermissionDenied, match="lãnh đạo hoặc quản trị"):
        with db.transaction(officer="canbo9") as s:
            kiosk.set_pin(s, "2468")
    with db.reading() as s:
        assert not kiosk.has_pin(s)
    with db.transaction(officer="lanhdao9") as s:
        kiosk.set_pin(s, "2468")
    with db.reading() as s:
        assert kiosk.check_pin(s, "2468")
