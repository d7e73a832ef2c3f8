"""scripts/render_forms.py (the docs/screenshots form PNGs) still builds its dossiers under the role checks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pypdf import PdfReader

from desktop.db.session import open_database
from desktop.forms import render_form

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "render_forms.py"


def test_render_script_builds_every_form_situation(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("render_forms_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    codes = script.build(tmp_path / "forms.sqlite3")
    assert set(codes) == {"receipt", "supplement", "refusal", "apology", "stop", "control"}
    db = open_database(tmp_path / "forms.sqlite3")
    try:
        with db.reading() as session:
            for kind, code in codes.items():
                pdf = render_form(session, kind, code, tmp_path / f"{kind}.pdf")
                text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
                assert code in text and script.NAME.split()[0] in text, kind
    finally:
        db.dispose()
