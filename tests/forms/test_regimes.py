"""Issue #17: forms are data of a legal regime. Every form of both regimes renders (checked with
pdftotext); a dossier prints with the regime in force on its reception date; outgoing numbers,
the receipt after a supplement, the control slip's headers, the A5 letterhead and the "cli" account."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop import settings
from desktop.platform import clock
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.forms import FORM_KINDS, FORM_LABELS, render_form, render_ledger
from desktop.forms.config import KINDS, load_config, regime_for, validate_shipped
from desktop.platform.paths import resources_dir
from desktop.services import dossiers

from .conftest import UNIT_NAME, Scenario, at

TITLES = {
    "tt03-2025": {"receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                  "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                  "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                  "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                  "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                  "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                  "ledger": "SỔ THEO DÕI HỒ SƠ", "transfer": "PHIẾU CHUYỂN HỒ SƠ"},
}
TITLES["tt01-2018"] = TITLES["tt03-2025"] | {"apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"}
DESK = {"tt03-2025": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "tt01-2018": "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"}
LABEL = {"tt03-2025": "Trung tâm Phục vụ hành chính công", "tt01-2018": "Bộ phận tiếp nhận và trả kết quả"}
NUMBER = {"tt03-2025": {"receipt": "Mẫu số 01", "apology": "Mẫu số 04", "stop": "Mẫu số 05", "control": "Mẫu số 06",
                        "ledger": "Mẫu số 07"},
          "tt01-2018": {"receipt": "Mẫu số 01", "apology": "Mẫu số 04", "control": "Mẫu số 05", "ledger": "Mẫu số 06"}}


def pdf_text(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return out if layout else " ".join(out.split())


def code_for(kind: str, sc: Scenario) -> str:
    return {"refusal": sc.refused, "stop": sc.withdrawn, "transfer": sc.forwarded}.get(kind, sc.full)


@pytest.mark.parametrize("regime", ["tt03-2025", "tt01-2018"])
def test_all_seven_forms_of_both_regimes(db: Database, scenario: Scenario, tmp_path: Path, regime: str) -> None:
    for kind in KINDS:
        out = tmp_path / f"{regime}-{kind}.pdf"
        with db.reading() as s:
            if kind == "ledger":
                render_ledger(s, date(2026, 11, 1), date(2026, 11, 30), out, regime=regime)
            else:
                render_form(s, kind, code_for(kind, scenario), out, regime=regime)
        text = pdf_text(out)
        assert TITLES[regime][kind] in text, (regime, kind)
        assert UNIT_NAME.upper() in text, (regime, kind)
        if kind in ("apology", "stop"):  # letters signed by the unit: its own letterhead, the desk among recipients
            assert f"- {LABEL[regime]};" in text, (regime, kind)
        else:
            assert DESK[regime] in text, (regime, kind)
        basis = "03/2025/TT-VPCP" if regime == "tt03-2025" else "01/2018/TT-VPCP"
        if kind in NUMBER[regime]:
            assert f"{NUMBER[regime][kind]} — Ban hành kèm theo Thông tư số {basis}" in text, (regime, kind)
    other = next(name for key, name in DESK.items() if key != regime)
    assert other not in pdf_text(tmp_path / f"{regime}-receipt.pdf")


def test_regime_follows_the_reception_date(db: Database, tmp_path: Path) -> None:
    assert regime_for(date(2025, 9, 14)) == "tt01-2018" and regime_for(date(2025, 9, 15)) == "tt03-2025"
    assert regime_for(date(2010, 1, 1)) == "tt01-2018"
    with db.transaction(officer="canbo") as s:
        old = dossiers.receive(s, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name="Hà Văn Cũ"),
            at=datetime(2025, 8, 4, 9, tzinfo=clock.VN_TZ))).code
        new = dossiers.receive(s, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name="Hà Văn Mới"), at=at(16, 9))).code
    with db.reading() as s:
        old_text = pdf_text(render_form(s, "receipt", old, tmp_path / "old.pdf"))
        new_text = pdf_text(render_form(s, "receipt", new, tmp_path / "new.pdf"))
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in old_text and "01/2018/TT-VPCP" in old_text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in new_text and "03/2025/TT-VPCP" in new_text
    assert FORM_LABELS["apology"] == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"


def test_no_vietnamese_sentence_of_a_form_in_python() -> None:
    import ast

    allowed = {"…", "Một Cửa Offline"}  # the app's name in the PDF metadata
    for name in ("receipt", "supplement", "refusal", "apology", "stop", "control", "ledger", "ledger_xlsx",
                 "common", "layout"):
        tree = ast.parse((resources_dir().parent / "desktop" / "forms" / f"{name}.py").read_text(encoding="utf-8"))
        raised = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Raise) for n in ast.walk(r)}
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.Module | ast.ClassDef) and ast.get_docstring(n)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in raised | docs
                    and re.search(r"[^\x00-\x7f]", node.value) and re.search(r"[^\W\d_]", node.value)
                    and node.value not in allowed):
                # only date words of the date formatter and the page number remain
                assert name == "layout" and node.value.strip() in {"ngày", "tháng", "năm", "giờ", "phút,", "Trang"} \
                    or node.value.startswith((" giờ", "ngày ", " tháng", " năm", "Trang ")), (name, node.value)


def test_desk_name_is_configurable_and_bad_templates_are_refused(db: Database, scenario: Scenario,
                                                                 tmp_path: Path) -> None:
    from desktop.platform.paths import data_dir

    local = data_dir() / "forms.json"
    local.write_text(json.dumps({"desk_name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG", "desk_label":
                                 "Trung tâm Phục vụ hành chính công phường"}, ensure_ascii=False), encoding="utf-8")
    with db.reading() as s:
        text = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "r.pdf"))
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG" in text
    assert "Trung tâm Phục vụ hành chính công phường UBND xã Tân Lập đã tiếp nhận hồ sơ của" in text
    for bad in ("{unit.__class__}", "{unit!r}", "{0}", "{unit:>99}"):
        local.write_text(json.dumps({"forms": {"receipt": {"text": {"intro": bad}}}}), encoding="utf-8")
        with pytest.raises(UserError, match="không hợp lệ"), db.reading() as s:
            render_form(s, "receipt", scenario.full, tmp_path / "x.pdf")
    local.write_text(json.dumps({"forms": {"receipt": {"text": {"intro": "{desk} <font>{khong_co}</font>"}}}}),
                     encoding="utf-8")
    with pytest.raises(UserError, match="biến không có"), db.reading() as s:
        render_form(s, "receipt", scenario.full, tmp_path / "x.pdf")
    local.write_text(json.dumps({"forms": {"receipt": {"text": {"intro": "<font color=red>{desk}</font> & {unit}"}}}}),
                     encoding="utf-8")  # markup other than b/i/br is printed as text, never interpreted
    with db.reading() as s:
        text = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "m.pdf"))
    assert "<font color=red>Trung tâm Phục vụ hành chính công</font> & UBND xã Tân Lập" in text


def test_province_can_ship_a_regime(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    from desktop.services.desk import put_setting

    shipped = {"tt03-2025": {"forms": {"receipt": {"footnotes": ["Tra cứu tại dichvucong.tinh.gov.vn."]}}},
               "tinh-2027": {**json.loads((resources_dir() / "forms" / "tt03-2025" / "regime.json").read_text()),
                             "id": "tinh-2027", "effective_from": "2027-01-01",
                             "forms": {k: json.loads((resources_dir() / "forms" / "tt03-2025" / f"{k}.json").read_text())
                                       for k in KINDS}}}
    shipped["tinh-2027"]["forms"]["receipt"]["title"] = "GIẤY BIÊN NHẬN HỒ SƠ (MẪU TỈNH)"
    validate_shipped(shipped)
    with pytest.raises(UserError):
        validate_shipped({"tinh-x": {"forms": {}}})
    with db.transaction() as s:
        put_setting(s, settings.PROVINCE_FORM_REGIMES.key, shipped)
    with db.reading() as s:
        assert regime_for(date(2027, 2, 1), s) == "tinh-2027" and regime_for(date(2026, 2, 1), s) == "tt03-2025"
        text = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "r.pdf"))
        assert "Tra cứu tại dichvucong.tinh.gov.vn." in text
        text = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "p.pdf", regime="tinh-2027"))
        assert "GIẤY BIÊN NHẬN HỒ SƠ (MẪU TỈNH)" in text
        assert load_config(regime="tinh-2027", session=s).regime == "tinh-2027"


def test_letters_get_a_yearly_outgoing_number(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    with db.transaction(officer="canbo") as s:
        second = dossiers.receive(s, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name="Lý Thị Hoa"), at=at(16, 9))).code
    with db.transaction(officer="lanhdao") as s:
        dossiers.issue_apology(s, second, new_date=date(2026, 11, 27), reason="Chờ xác minh", at=at(20, 9))
    with db.transaction(officer="canbo") as s:
        dossiers.withdraw(s, second, at=at(20, 10), reason="Người nộp xin rút")
    with db.reading() as s:
        first_apology = pdf_text(render_form(s, "apology", scenario.full, tmp_path / "a1.pdf"))
        second_apology = pdf_text(render_form(s, "apology", second, tmp_path / "a2.pdf"))
        stops = [pdf_text(render_form(s, "stop", c, tmp_path / f"s{i}.pdf")) for i, c in
                 enumerate((scenario.withdrawn, second))]
        again = pdf_text(render_form(s, "apology", second, tmp_path / "a3.pdf"))
    assert "Số: 1/VBXL" in first_apology and "Số: 2/VBXL" in second_apology and "Số: 2/VBXL" in again
    assert "Số: 1/TB" in stops[0] and "Số: 2/TB" in stops[1]
    assert "/TNHS" not in first_apology and "/PXL" not in first_apology  # not the dossier's ledger number


def test_receipt_reprint_after_supplement_shows_the_restart(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    with db.reading() as s:
        text = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "r.pdf"))
        fresh = pdf_text(render_form(s, "receipt", scenario.fresh, tmp_path / "f.pdf"))
    assert "09 giờ 15 phút, ngày 09 tháng 11 năm 2026" in text  # the first reception stays
    assert "Nhận đủ hồ sơ bổ sung lúc" in text and "thời gian giải quyết tính lại từ thời điểm này" in text
    assert "Nhận đủ hồ sơ bổ sung" not in fresh


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_control_headers_and_letterhead_do_not_break(db: Database, scenario: Scenario, tmp_path: Path,
                                                     paper: str) -> None:
    with db.reading() as s:
        control = pdf_text(render_form(s, "control", scenario.full, tmp_path / "c.pdf", paper=paper), layout=True)
        receipt = pdf_text(render_form(s, "receipt", scenario.full, tmp_path / "r.pdf", paper=paper), layout=True)
    lines = [line.strip() for line in control.splitlines()]
    assert any(re.search(r"(^|\s)STT(\s|$)", line) for line in lines), "STT must stay on one line"
    assert not any(line in ("ST", "T") or line.startswith("ST ") for line in lines)
    result_header = [line for line in lines if "KẾT QUẢ" in line or "Trước hạn/" in line]
    assert len(result_header) <= 3, result_header
    receipt_lines = [line.strip() for line in receipt.splitlines()]
    assert not any(line.endswith("TRẢ KẾT") for line in receipt_lines)
    assert not any(line == "QUẢ" or line.startswith("QUẢ ") for line in receipt_lines)


def test_cli_account_is_not_printed_as_an_officer(db: Database, tmp_path: Path) -> None:
    with db.transaction(officer="cli") as s:
        code = dossiers.receive(s, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name="Bùi Văn Khoa"), at=at(16, 9))).code
        dossiers.start(s, code, at=at(16, 10))
    with db.reading() as s:
        control = pdf_text(render_form(s, "control", code, tmp_path / "c.pdf"))
        receipt = pdf_text(render_form(s, "receipt", code, tmp_path / "r.pdf"))
    assert not re.search(r"\bcli\b", control) and not re.search(r"\bcli\b", receipt)


def test_form_kinds_are_the_seven_of_the_circular() -> None:
    """The seven of Thông tư 03/2025, plus the transfer slip of two-tier reception (issue #15)."""
    from desktop.forms.config import OPTIONAL_KINDS

    assert KINDS == (*FORM_KINDS, "ledger") and len([k for k in KINDS if k not in OPTIONAL_KINDS]) == 7
