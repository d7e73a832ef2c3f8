"""Render every printed form from a fresh demo database to PDF and PNG.

    python scripts/render_forms.py [--out docs/screenshots] [--keep-pdf DIR]

Writes ``form-<kind>.png`` (first page, ``pdftoppm -png -r 80``) for receipt, supplement, refusal,
apology, stop, control and ledger, plus ``form-receipt-a5.png``. Needs poppler-utils (pdftoppm).
The dossiers use a long Vietnamese name and many components on purpose: that is where forms break.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.platform import clock  # noqa: E402
from desktop.db.session import open_database  # noqa: E402
from desktop.demo import generate, start_demo_desk  # noqa: E402
from desktop.forms import export_ledger_xlsx, render_form, render_ledger  # noqa: E402
from desktop.services import dossiers, officers  # noqa: E402

NAME = "Tôn Nữ Huyền Trân Nguyễn Hoàng Phương Thảo"
ADDRESS = ("Số 12, ngõ 34, đường Nguyễn Thị Minh Khai, thôn Đồng Xuân, xã Tân Lập, huyện Đan Phượng, "
           "thành phố Hà Nội")
EXTRA = [f"Bản sao giấy tờ chứng minh quan hệ nhân thân số {i} (có chứng thực của cơ quan có thẩm quyền)"
         for i in range(1, 7)]
ITEMS = ["Bản chính Giấy khai sinh của người con", "Bản sao sổ hộ khẩu hoặc xác nhận thông tin cư trú",
         "Văn bản ủy quyền có chứng thực (nếu nộp thay)", "Ảnh chân dung 4x6 chụp không quá 06 tháng"]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clock.VN_TZ)


def build(db_path: Path) -> dict[str, str]:
    """A desk with one dossier per form situation; returns kind -> dossier code."""
    clock.set_now(at(20, 16))
    db = open_database(db_path)
    with db.transaction(officer="setup") as session:
        start_demo_desk(session)
        officers.create_officer(session, username="canbo", full_name="Lê Thị Thu Hằng", password="canbo123")
        officers.create_officer(session, username="lanhdao", full_name="Trần Văn Hùng", password="lanhdao123",
                                role="leader")  # apologies need a leader (desktop/services/permissions.py)
    with db.transaction(officer="canbo") as session:
        generate(session, dossiers=40, months=1, seed=7)
    person = dossiers.Applicant(name=NAME, id_number="079123456789", phone="0912345678",
                                email="phuongthao@example.vn", address=ADDRESS)
    with db.transaction(officer="canbo") as session:
        full = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884", applicant=person, at=at(9, 9, 15), sets_count=2, extra_components=EXTRA)).code
        dossiers.start(session, full, at=at(9, 10))
        dossiers.request_supplement(session, full, items=ITEMS, reason="Hồ sơ còn thiếu giấy tờ theo quy định",
                                    at=at(9, 14))
        dossiers.receive_supplement(session, full, at=at(11, 8, 30))
    with db.transaction(officer="lanhdao") as session:
        dossiers.issue_apology(session, full, new_date=date(2026, 11, 20), at=at(18, 9),
                               reason="Cần xác minh thêm thông tin hộ tịch tại nơi đăng ký khai sinh trước đây")
    with db.transaction(officer="canbo") as session:
        dossiers.record_result(session, full, at=at(19, 10))
        dossiers.return_result(session, full, at=at(20, 15))
        refused = dossiers.refuse(session, procedure_code="1.004884", applicant=person, at=at(12, 9, 30),
                                  reason="Không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã; "
                                         "Hồ sơ đã được giải quyết trước đây").code
        stopped = dossiers.receive(session, dossiers.Reception(procedure_code="1.004884", applicant=person,
                                                               at=at(13, 10))).code
        dossiers.withdraw(session, stopped, at=at(16, 14), reason="Người nộp đề nghị rút để bổ sung giấy tờ")
    db.dispose()
    return {"receipt": full, "supplement": full, "refusal": refused, "apology": full, "stop": stopped,
            "control": full}


def to_png(pdf: Path, png: Path, resolution: int = 80) -> None:
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(stem)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--keep-pdf", help="also copy the PDFs (and the ledger .xlsx) to this folder")
    args = parser.parse_args(argv)
    if not shutil.which("pdftoppm"):
        print("Cần pdftoppm (gói poppler-utils) để xuất PNG.", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        import os

        os.environ["MOTCUA_DATA_DIR"] = str(work / "data")
        codes = build(work / "demo.sqlite3")
        db = open_database(work / "demo.sqlite3")
        pdfs: dict[str, Path] = {}
        with db.reading() as session:
            for kind, code in codes.items():
                pdfs[kind] = render_form(session, kind, code, work / f"form-{kind}.pdf")
            pdfs["receipt-a5"] = render_form(session, "receipt", codes["receipt"], work / "form-receipt-a5.pdf",
                                             paper="A5")
            pdfs["ledger"] = render_ledger(session, date(2026, 11, 1), date(2026, 11, 30), work / "form-ledger.pdf")
            xlsx = export_ledger_xlsx(session, date(2026, 11, 1), date(2026, 11, 30), work / "so-theo-doi.xlsx")
        db.dispose()
        for name, pdf in pdfs.items():
            png = out / f"form-{name}.png"
            to_png(pdf, png)
            print(f"{png}")
        if args.keep_pdf:
            keep = Path(args.keep_pdf)
            keep.mkdir(parents=True, exist_ok=True)
            for pdf in [*pdfs.values(), xlsx]:
                shutil.copyfile(pdf, keep / pdf.name)
    clock.set_now(None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
