"""Time to render a receipt PDF (2 copies, QR, fitted to one page each) vs a minimal one-line reportlab PDF.

Run: PYTHONPATH=. .venv/bin/python bench/bench_receipt.py [--dossiers 0]
Prints both times and the ratio (ours / floor). The floor is a one-paragraph PDF in the same embedded
font, built in the same run, so the ratio measures what the form costs (data gathering through the
services, layout, fitting, QR) on top of reportlab itself. ``--dossiers N`` uses the cached demo
database of N dossiers (bench/out/) instead of a small fresh one, to include the ledger-number count.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_of, demo_database  # noqa: E402


def small_database(folder: Path) -> Path:
    from desktop.db.session import open_database
    from desktop.demo import start_demo_desk

    path = folder / "bench-receipt.sqlite3"
    db = open_database(path)
    with db.transaction(officer="bench") as session:
        start_demo_desk(session)
    db.dispose()
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=0, help="0 = a fresh database with one dossier")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from desktop.db.session import open_database
    from desktop.forms import render_form_bytes
    from desktop.platform.pdf_fonts import SERIF, register_fonts
    from desktop.services import dossiers, officers

    tmp = tempfile.TemporaryDirectory()
    path = demo_database(args.dossiers) if args.dossiers else small_database(Path(tmp.name))
    db = open_database(path)
    with db.reading() as session:  # a desk with officers (bench_start.py adds the demo's) lets only them receive
        officer = "canbo" if officers.has_officers(session) else "bench"
    with db.transaction(officer=officer) as session:
        code = dossiers.receive(session, dossiers.Reception(
            procedure_code="1.004884",
            applicant=dossiers.Applicant(name="Tôn Nữ Huyền Trân Nguyễn Hoàng Phương Thảo",
                                         address="Thôn Đồng Xuân, xã Tân Lập, huyện Đan Phượng, thành phố Hà Nội"),
            extra_components=[f"Giấy tờ kèm theo số {i}" for i in range(1, 6)])).code

    register_fonts()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    line_style = ParagraphStyle("one", fontName=SERIF, fontSize=13)

    def floor() -> int:
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, initialFontName=SERIF).build(
            [Paragraph(f"Giấy tiếp nhận hồ sơ {code}", line_style)])
        return len(buffer.getvalue())

    def ours() -> int:
        with db.reading() as session:
            payload, _ = render_form_bytes(session, "receipt", code)
        return len(payload)

    floor(), ours()  # warm up: font subsetting caches, imports
    t_floor = best_of(floor, args.repeat)
    t_ours = best_of(ours, args.repeat)
    db.dispose()
    tmp.cleanup()
    size = f"{args.dossiers} dossiers" if args.dossiers else "fresh database"
    print(f"receipt PDF ({size}, {datetime.now():%Y-%m-%d}):")
    print(f"  one-line reportlab PDF (floor): {t_floor * 1000:8.1f} ms")
    print(f"  receipt, 2 copies + QR (ours):  {t_ours * 1000:8.1f} ms")
    print(f"  ratio ours / floor:             {t_ours / t_floor:8.1f}x")


if __name__ == "__main__":
    main()
