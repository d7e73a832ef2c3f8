from __future__ import annotations

import pytest

from desktop import settings
from desktop.db.models import DossierComponent, DossierEvent
from desktop.errors import UserError
from desktop.services import digitisation, dossiers
from desktop.services.desk import put_setting
from sqlalchemy import select

from tests.feedback.helpers import CHUNG_THUC, ID_AN, receive, resolve

AGENCY = "000.00.23.H49"


def test_component_flags_and_default_code(db):
    with db.transaction(officer="canbo") as s:
        code = receive(s, "2026-11-16T09:00")
        comp = digitisation.digitise_component(s, code, 2, at=None)
        assert comp.position == 1 and comp.digitised and comp.digitised_by == "canbo"
        assert comp.digitised_at is not None
        assert comp.component_code == f"{AGENCY}.2026.2611160001.02"
        kinds = [e.kind for e in s.scalars(select(DossierEvent).where(DossierEvent.dossier_id == comp.dossier_id))]
        assert "component_digitised" in kinds
    with db.transaction(officer="canbo") as s:
        comp = digitisation.digitise_component(s, code, 2, digitised=False)
        assert (comp.digitised, comp.component_code, comp.digitised_at, comp.digitised_by) == (False, None, None, None)


def test_reception_ticks_are_kept_and_pattern_is_configurable(db):
    with db.transaction(officer="canbo") as s:
        put_setting(s, settings.DIGITISATION_PATTERN.key, "SH-{yy}-{dossier_seq}-{component}")
        code = receive(s, "2026-11-16T09:00", digitised=(0, 2))
        rows = s.scalars(select(DossierComponent).join(DossierComponent.dossier)
                         .where(DossierComponent.dossier.has(code=code)).order_by(DossierComponent.position)).all()
        assert [r.digitised for r in rows] == [True, False, True]
        comp = digitisation.digitise_component(s, code, 1)
        assert comp.component_code == "SH-26-2611160001-1"


def test_manual_code_must_be_unique_and_clean(db):
    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
        digitisation.digitise_component(s, code, 1, code="ABC-1")
        with pytest.raises(UserError, match="đã được dùng"):
            digitisation.digitise_component(s, code, 2, code="ABC-1")
        with pytest.raises(UserError, match="không có dấu cách"):
            digitisation.digitise_component(s, code, 2, code="A B")
        with pytest.raises(UserError, match="không có thành phần số 4"):
            digitisation.digitise_component(s, code, 4)
        with pytest.raises(UserError, match="không có thành phần số 0"):
            digitisation.digitise_component(s, code, 0)


def test_bad_pattern_and_unknown_generator_are_user_errors(db):
    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
        put_setting(s, settings.DIGITISATION_PATTERN.key, "{nope}")
        with pytest.raises(UserError, match="Mẫu mã số hóa"):
            digitisation.digitise_component(s, code, 1)
        put_setting(s, settings.DIGITISATION_PATTERN.key, "{dossier_code}.{component}")
        put_setting(s, settings.DIGITISATION_GENERATOR.key, "tinh_x")
        with pytest.raises(UserError, match="Bộ sinh mã số hóa 'tinh_x'"):
            digitisation.digitise_component(s, code, 1)


def test_registered_generator_is_used(db):
    from desktop.rules import digitisation_codes

    digitisation_codes.GENERATORS["test_upper"] = lambda req: f"X{req.component}-{req.dossier_code[-4:]}"
    try:
        with db.transaction() as s:
            code = receive(s, "2026-11-16T09:00")
            put_setting(s, settings.DIGITISATION_GENERATOR.key, "test_upper")
            assert digitisation.digitise_component(s, code, 3).component_code == "X3-0001"
    finally:
        del digitisation_codes.GENERATORS["test_upper"]


def test_result_digitisation_needs_a_result(db):
    with db.transaction() as s:
        code = receive(s, "2026-11-16T09:00")
        with pytest.raises(UserError, match="chưa có kết quả"):
            digitisation.digitise_result(s, code)
        resolve(s, code, "2026-11-16T10:00")
        dossier = digitisation.digitise_result(s, code)
        assert dossier.result_digitised and dossier.result_code == f"{AGENCY}.2026.2611160001.KQ"
        assert dossier.result_digitised_at is not None
        dossier = digitisation.digitise_result(s, code, digitised=False)
        assert (dossier.result_digitised, dossier.result_code) == (False, None)


def test_refused_dossier_is_not_digitised(db):
    with db.transaction() as s:
        refused = dossiers.refuse(s, procedure_code=CHUNG_THUC, applicant=dossiers.Applicant(name="Lê Thị Hoa"),
                                  reason="Không thuộc thẩm quyền")
        with pytest.raises(UserError, match="từ chối"):
            digitisation.digitise_component(s, refused.code, 1)


def test_reuse_copies_code_and_file_and_points_to_source(db, tmp_path):
    scan = tmp_path / "giay_chung_sinh.pdf"
    scan.write_bytes(b"%PDF-1.7\nscan")
    with db.transaction() as s:
        first = receive(s, "2026-11-02T09:00")
        source = digitisation.digitise_component(s, first, 2, file=scan)
        second = receive(s, "2026-11-16T09:00")
        reused = digitisation.digitise_component(s, second, 2, reused_from=source.component_code)
        assert reused.reused_from_id == source.id
        assert reused.component_code == source.component_code
        assert reused.file_sha256 == source.file_sha256 and reused.digitised
        # by dossier code, matched on the component's name
        again = digitisation.digitise_component(s, second, 2, reused_from=first)
        assert again.reused_from_id == source.id
        # by dossier code, the earlier dossier's only digitised paper even under another component name
        other = digitisation.digitise_component(s, second, 1, reused_from=first)
        assert other.reused_from_id == source.id and other.digitised
        digitisation.digitise_component(s, second, 1, digitised=False)
        portal = digitisation.digitise_component(s, second, 3, national_portal=True)
        assert portal.national_portal and portal.digitised and portal.reused_from_id is None
        with pytest.raises(UserError, match="Không tìm thấy giấy tờ đã số hóa"):
            digitisation.digitise_component(s, second, 1, reused_from="KHONG-CO")
        with pytest.raises(UserError, match="chính hồ sơ này"):
            digitisation.digitise_component(s, second, 1, reused_from=portal.component_code)


def test_reuse_lookup_by_id_number(db):
    with db.transaction() as s:
        old = receive(s, "2026-10-01T09:00", digitised=(0, 1))
        receive(s, "2026-10-02T09:00", id_number="009999999999", digitised=(0,), name="Trần Văn Bình")
        receive(s, "2026-10-03T09:00")  # same citizen, nothing digitised
        new = receive(s, "2026-11-16T09:00")
        codes = {c.position + 1: digitisation.digitise_component(s, old, c.position + 1).component_code
                 for c in s.scalars(select(DossierComponent).where(DossierComponent.dossier.has(code=old),
                                                                  DossierComponent.digitised.is_(True)))}
        digitisation.digitise_component(s, new, 1, reused_from=codes[1])
        docs = digitisation.reusable_documents(s, ID_AN, exclude_dossier=new)
        assert sorted(d.name for d in docs) == ["Giấy chứng sinh hoặc giấy tờ thay thế", "Tờ khai đăng ký khai sinh"]
        assert {d.dossier_code for d in docs} == {old}
        everything = digitisation.reusable_documents(s, ID_AN)
        assert len(everything) == 2  # the reused copy has the same code: offered once
        assert digitisation.reusable_documents(s, "") == []
        with pytest.raises(UserError, match="12 chữ số"):
            digitisation.reusable_documents(s, "123")
