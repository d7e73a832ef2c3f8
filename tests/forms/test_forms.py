"""Printed forms: real PDFs checked with poppler (text, fonts, pages) and zbar (QR)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from datetime import datetime, date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.db.session import Database
from desktop.errors import UserError
from desktop.forms import FORM_KINDS, export_ledger_xlsx, render_form, render_ledger
from desktop.formatting import vn_date, vn_datetime
from desktop.platform.pdf_fonts import SERIF, covers
from desktop.platform.paths import resources_dir
from desktop.services import dossiers

from .conftest import (
    ADDRESS,
    APOLOGY_REASON,
    EXTRA,
    FIRST_ITEMS,
    ITEMS,
    LONG_NAME,
    OFFICER,
    REFUSAL_REASON,
    UNIT_NAME,
    WITHDRAW_REASON,
    Scenario,
    at,
)

FORMS_DIR = Path(__file__).resolve().parents[2] / "desktop" / "forms"
EXPECTED_PAGES = {"receipt": 2, "supplement": 1, "refusal": 1, "apology": 1, "stop": 1, "control": 1, "transfer": 1}


def pdf_text(path: Path) -> str:
    """pdftotext output with whitespace collapsed (a wrapped line still reads as one phrase)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


def code_for(kind: str, sc: Scenario) -> str:
    return {"refusal": sc.refused, "stop": sc.withdrawn, "transfer": sc.forwarded}.get(kind, sc.full)


def render(db: Database, kind: str, code: str, out: Path, **kw: object) -> Path:
    with db.reading() as session:
        return render_form(session, kind, code, out, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("paper", ["A4", "A5"])
@pytest.mark.parametrize("kind", FORM_KINDS)
def test_form_renders_with_exact_vietnamese(db: Database, scenario: Scenario, tmp_path: Path, kind: str,
                                            paper: str) -> None:
    code = code_for(kind, scenario)
    path = render(db, kind, code, tmp_path / f"{kind}.pdf", paper=paper)
    assert path.read_bytes().startswith(b"%PDF")
    assert len(PdfReader(path).pages) == EXPECTED_PAGES[kind]
    text = pdf_text(path)
    for needle in (LONG_NAME, code, UNIT_NAME, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        assert needle in text, (kind, needle)
    appointment = {
        "receipt": vn_datetime(scenario.due),
        "supplement": "17 giờ 00 phút, ngày 17 tháng 11 năm 2026",  # the appointment the request suspended
        "apology": vn_date(scenario.new_appointment),
        "control": vn_datetime(scenario.due),
        "stop": "ngày 13 tháng 11 năm 2026",
        "refusal": REFUSAL_REASON.split(";")[0],  # refused dossiers have no appointment
        "transfer": "Sở Tư pháp",
    }[kind]
    assert appointment in text, (kind, appointment)


def test_receipt_fields(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    text = pdf_text(render(db, "receipt", scenario.full, tmp_path / "r.pdf"))
    assert "Liên 1: Lưu" in text and "Liên 2: Giao người nộp hồ sơ" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "/TNHS" in text and "Mã hồ sơ" in text
    for value in (ADDRESS, "0912345678", "phuongthao@example.vn", "Đăng ký lại khai sinh", EXTRA[-1], OFFICER):
        assert value in text, value
    assert "02 (bộ)" in text
    assert "05 ngày làm việc" in text
    assert vn_datetime(at(9, 9, 15)) in text  # received at "09 giờ 15 phút, ngày 09 tháng 11 năm 2026"
    assert "09 giờ 15 phút, ngày 09 tháng 11 năm 2026" in text
    assert "Tân Lập, ngày 09 tháng 11 năm 2026" in text
    assert "(Ký và ghi rõ họ tên)" in text
    assert "Phí, lệ phí" in text and "Vào Sổ theo dõi hồ sơ" in text
    assert "Trung tâm Phục vụ hành chính công UBND xã Tân Lập" in text  # the 2025 desk (Decree 118/2025)


def test_receipt_by_post_and_same_day_wording(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    text = pdf_text(render(db, "receipt", scenario.fresh, tmp_path / "r.pdf", paper="A5"))
    assert "bưu chính công ích" in text and ADDRESS in text
    with db.transaction(officer="canbo") as session:
        same_day = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.001193", applicant=dossiers.Applicant(name=LONG_NAME), at=at(20, 9))).code
    text = pdf_text(render(db, "receipt", same_day, tmp_path / "s.pdf"))
    assert "Trong ngày" in text and "17 giờ 00 phút, ngày 20 tháng 11 năm 2026" in text


def test_many_components_still_one_page_per_copy(db: Database, tmp_path: Path) -> None:
    names = [f"Giấy tờ kèm theo thứ {i}: bản sao có chứng thực hoặc bản chính để đối chiếu của người yêu cầu"
             for i in range(1, 41)]
    with db.transaction(officer="canbo") as session:
        code = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name=LONG_NAME * 2, address=ADDRESS * 3),
            at=at(20, 9), extra_components=names)).code
    for paper in ("A4", "A5"):
        path = render(db, "receipt", code, tmp_path / f"r-{paper}.pdf", paper=paper)
        assert len(PdfReader(path).pages) == 2
        text = pdf_text(path)
        assert names[0] in text and names[-1] in text
        assert LONG_NAME * 2 in text


def test_supplement_lists_every_item_of_latest_request(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    text = pdf_text(render(db, "supplement", scenario.full, tmp_path / "s.pdf"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "/HDHS" in text
    for number, item in enumerate(ITEMS, start=1):
        assert f"{number}. {item}" in text
    assert FIRST_ITEMS[0] not in text  # the earlier, completed request is not repeated
    assert "Hồ sơ còn thiếu giấy tờ theo quy định" in text
    assert OFFICER in text and "NGƯỜI HƯỚNG DẪN" in text


def test_refusal_apology_stop_control_contents(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    refusal = pdf_text(render(db, "refusal", scenario.refused, tmp_path / "f.pdf"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal
    for number, reason in enumerate(REFUSAL_REASON.split("; "), start=1):
        assert f"{number}. {reason}" in refusal

    apology = pdf_text(render(db, "apology", scenario.full, tmp_path / "a.pdf"))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in apology and "Số: 1/VBXL" in apology
    assert APOLOGY_REASON in apology
    assert vn_datetime(scenario.due) in apology  # the appointment that was missed
    assert "Kính gửi: Ông/Bà " + LONG_NAME in apology

    stop = pdf_text(render(db, "stop", scenario.withdrawn, tmp_path / "t.pdf"))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in stop and WITHDRAW_REASON in stop
    assert "kể từ ngày 16 tháng 11 năm 2026" in stop
    stop2 = pdf_text(render(db, "stop", scenario.fresh, tmp_path / "t2.pdf", reason="Cơ quan có thẩm quyền yêu cầu",
                            at=at(20, 10)))
    assert "Cơ quan có thẩm quyền yêu cầu" in stop2 and "kể từ ngày 20 tháng 11 năm 2026" in stop2

    control = pdf_text(render(db, "control", scenario.full, tmp_path / "c.pdf"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert "Trước hạn" in control  # handed to the resolver well before the appointment
    assert "Quá hạn" in control  # the result came a day after the appointment
    assert "Người giao" in control and "Người nhận" in control
    assert ITEMS[0] in control


def test_forms_refused_when_they_do_not_apply(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    cases = [("supplement", scenario.fresh, "chưa có yêu cầu bổ sung"),
             ("apology", scenario.fresh, "chưa có phiếu xin lỗi"),
             ("receipt", scenario.refused, "Phiếu từ chối"),
             ("stop", scenario.fresh, "lý do dừng"),
             ("refusal", scenario.fresh, "lý do từ chối")]
    for kind, code, message in cases:
        with pytest.raises(UserError, match=message):
            render(db, kind, code, tmp_path / f"{kind}.pdf")
        assert not (tmp_path / f"{kind}.pdf").exists()


def test_unknown_kind_code_and_paper_are_refused(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Loại biểu mẫu 'bogus' không có"):
        render(db, "bogus", scenario.full, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="Không tìm thấy hồ sơ có mã 'KHONG-CO'"):
        render(db, "receipt", "KHONG-CO", tmp_path / "x.pdf")
    with pytest.raises(UserError, match="Khổ giấy 'A3'"):
        render(db, "receipt", scenario.full, tmp_path / "x.pdf", paper="A3")
    with pytest.raises(UserError, match="không tồn tại"):
        render(db, "receipt", scenario.full, tmp_path / "nope" / "x.pdf")
    assert list(tmp_path.iterdir()) == [tmp_path / "data"] or not list(tmp_path.glob("*.pdf"))


def test_atomic_write_replaces_and_leaves_no_temp(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "r.pdf"
    target.write_bytes(b"old")
    render(db, "receipt", scenario.full, target)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.iterdir()] == ["r.pdf"]


def _template_strings() -> set[str]:
    found: set[str] = set()
    for path in FORMS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in (resources_dir() / "forms").glob("*/*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def test_every_glyph_is_in_the_embedded_fonts() -> None:
    strings = _template_strings() | {LONG_NAME, ADDRESS, OFFICER, APOLOGY_REASON, REFUSAL_REASON, WITHDRAW_REASON,
                                     UNIT_NAME, UNIT_NAME.upper(), *EXTRA, *ITEMS, *FIRST_ITEMS}
    text = "".join(strings)
    assert "ữ" in text and "Đ" in text and "ẫ" in text
    for face in (SERIF, f"{SERIF}-Bold", f"{SERIF}-Italic", f"{SERIF}-BoldItalic"):
        assert covers(face, text) == [], face


def test_only_the_serif_faces_are_registered() -> None:
    """Every PDF is set in Liberation Serif; each registered TTF holds ~1.4 MB for the process's life."""
    from reportlab.pdfbase import pdfmetrics

    from desktop.platform.pdf_fonts import register_fonts

    assert register_fonts() == SERIF
    registered = {name for name in pdfmetrics.getRegisteredFontNames() if name.startswith("Liberation")}
    assert registered == {SERIF, f"{SERIF}-Bold", f"{SERIF}-Italic", f"{SERIF}-BoldItalic"}


def test_fonts_are_embedded(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    for kind in FORM_KINDS:
        path = render(db, kind, code_for(kind, scenario), tmp_path / f"{kind}.pdf")
        out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
        assert rows, kind
        assert any("LiberationSerif" in row[0] for row in rows)
        # columns: name type encoding emb sub uni object ID; "emb" is the 4th column from the right of "yes yes"
        for row in rows:
            assert row[-5] == "yes", (kind, row)  # emb
            assert "Helvetica" not in row[0] and "Times-Roman" not in row[0]


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_receipt_qr_decodes_to_the_dossier_code(db: Database, scenario: Scenario, tmp_path: Path, paper: str) -> None:
    assert shutil.which("zbarimg"), "zbar-tools must be installed (bootstrap.py installs it in CI)"
    path = render(db, "receipt", scenario.full, tmp_path / "r.pdf", paper=paper)
    for page in (1, 2):
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                        str(tmp_path / f"p{page}")], check=True)
        out = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / f"p{page}.png")], capture_output=True,
                             text=True)
        assert out.stdout.strip().splitlines() == [scenario.full]


def test_ledger_pdf_and_xlsx(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    with db.reading() as session:
        pdf = render_ledger(session, date(2026, 11, 1), date(2026, 11, 30), tmp_path / "so.pdf")
        xlsx = export_ledger_xlsx(session, date(2026, 11, 1), date(2026, 11, 30), tmp_path / "so.xlsx")
    text = pdf_text(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    packed = text.replace(" ", "")  # a long code may wrap inside its column
    for code in (scenario.full, scenario.withdrawn, scenario.fresh):
        assert code in packed
    assert scenario.refused not in packed  # refusals are not received dossiers
    assert LONG_NAME in text and "Quá hạn" in text and "Đã rút hồ sơ" in text
    assert "Tổng số: 4 hồ sơ." in text  # the ledger lists what was received, for any resolving body
    assert "Sở Tư pháp" in text
    assert PdfReader(pdf).pages[0].mediabox.width > PdfReader(pdf).pages[0].mediabox.height  # landscape

    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    codes = [row[1] for row in values if row[0] in (1, 2, 3, 4)]
    assert codes == [scenario.full, scenario.withdrawn, scenario.forwarded, scenario.fresh]
    first = next(row for row in ws.iter_rows() if row[0].value == 1)
    assert first[4].value == LONG_NAME
    # the hour of reception is kept, as the printed ledger shows it (issue #18 item 12)
    assert first[7].value == datetime(2026, 11, 9, 9, 15) and first[7].number_format == "DD/MM/YYYY HH:MM"
    assert first[11].value.date() == date(2026, 11, 20)
    assert all(cell.font.name == "Times New Roman" for cell in first)
    assert all(cell.border.left.style == "thin" and cell.border.bottom.style == "thin" for cell in first)
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"  # A4
    assert "Ngày, tháng, năm" in [v for row in values for v in row]


def test_ledger_empty_period_and_bad_period(db: Database, tmp_path: Path) -> None:
    with db.reading() as session:
        pdf = render_ledger(session, date(2025, 1, 1), date(2025, 1, 31), tmp_path / "e.pdf")
        with pytest.raises(UserError, match="phải trước hoặc bằng"):
            render_ledger(session, date(2026, 2, 1), date(2026, 1, 1), tmp_path / "b.pdf")
    assert "Không có hồ sơ nào" in pdf_text(pdf)
    assert len(PdfReader(pdf).pages) == 1


def test_forms_config_override_and_validation(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    from desktop.platform.paths import data_dir

    local = data_dir() / "forms.json"
    local.write_text(json.dumps({"forms": {"receipt": {"title": "PHIẾU TIẾP NHẬN HỒ SƠ", "number_prefix": "TN"}}},
                                ensure_ascii=False), encoding="utf-8")
    text = pdf_text(render(db, "receipt", scenario.full, tmp_path / "r.pdf"))
    assert "PHIẾU TIẾP NHẬN HỒ SƠ" in text and "/TN " in text + " " and "/TNHS" not in text
    local.write_text(json.dumps({"forms": {"receipt": {"title": ""}}}), encoding="utf-8")
    with pytest.raises(UserError, match="'forms.receipt.title' phải là một chuỗi không rỗng"):
        render(db, "receipt", scenario.full, tmp_path / "r2.pdf")
    local.write_text("{không phải json", encoding="utf-8")
    with pytest.raises(UserError, match="không phải JSON hợp lệ"):
        render(db, "receipt", scenario.full, tmp_path / "r3.pdf")
    local.write_text(json.dumps({"forms": {"receipt": {"colour": "đỏ"}}}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="khóa không hợp lệ"):
        render(db, "receipt", scenario.full, tmp_path / "r4.pdf")


def test_markup_characters_in_data_print_literally(db: Database, tmp_path: Path) -> None:
    with db.transaction(officer="canbo") as session:
        code = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", at=at(20, 9),
            applicant=dossiers.Applicant(name="Công ty TNHH <Hải & Hà>", address="Lô A&B <khu 3>"))).code
    text = pdf_text(render(db, "receipt", code, tmp_path / "r.pdf"))
    assert "Công ty TNHH <Hải & Hà>" in text and "Lô A&B <khu 3>" in text


def test_absurd_amount_of_data_is_shrunk_onto_one_page(db: Database, tmp_path: Path) -> None:
    names = [f"Thành phần hồ sơ thứ {i} gồm bản sao có chứng thực và bản chính để đối chiếu" for i in range(1, 151)]
    with db.transaction(officer="canbo") as session:
        code = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=dossiers.Applicant(name=LONG_NAME), at=at(2, 9),
            extra_components=names)).code
        for day in range(3, 12):
            dossiers.request_supplement(session, code, items=names[:12], at=at(day, 9))
            dossiers.receive_supplement(session, code, at=at(day, 10))
    for kind, pages in (("receipt", 2), ("control", 1), ("supplement", 1)):
        for paper in ("A4", "A5"):
            path = render(db, kind, code, tmp_path / f"{kind}-{paper}.pdf", paper=paper)
            assert len(PdfReader(path).pages) == pages, (kind, paper)
    assert names[-1] in pdf_text(tmp_path / "receipt-A5.pdf")


def test_available_forms_match_what_renders(db: Database, scenario: Scenario, tmp_path: Path) -> None:
    from desktop.forms import available_forms

    with db.reading() as session:
        found = {code: available_forms(session, code)
                 for code in (scenario.full, scenario.refused, scenario.withdrawn, scenario.fresh)}
    assert found[scenario.full] == ["receipt", "supplement", "apology", "control"]
    assert found[scenario.refused] == ["refusal"]
    assert found[scenario.withdrawn] == ["receipt", "stop", "control"]
    assert found[scenario.fresh] == ["receipt", "control"]
    for code, kinds in found.items():
        for kind in FORM_KINDS:
            target = tmp_path / f"{kind}.pdf"
            if kind in kinds:
                render(db, kind, code, target)
            else:
                with pytest.raises(UserError):
                    render(db, kind, code, target)
