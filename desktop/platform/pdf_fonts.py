"""The bundled TTFs for reportlab. Built-in Helvetica silently drops Vietnamese letters, so every PDF
(forms, reports) registers these and uses the name below.

Only the serif family is registered: every form and report is set in it, and each registered TTF costs
about 1.4 MB of parsed tables for the life of the process (Liberation Sans, registered too until session 9
and never used in a PDF, added ~5.7 MB to a desk's first print). Liberation Sans stays the UI's font (Qt).
"""

from __future__ import annotations

from functools import cache

from desktop.platform.paths import resources_dir

SERIF = "LiberationSerif"  # metric-compatible with Times New Roman, as official documents use
_FACES = ("LiberationSerif-Regular", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic")


def font_path(stem: str) -> str:
    return str(resources_dir() / "fonts" / f"{stem}.ttf")


@cache
def register_fonts() -> str:
    """Register the serif family (regular, bold, italic, bold italic) once; ``<b>``/``<i>`` map to it."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold, italic, bold_italic = _FACES
    names = {regular: SERIF, bold: f"{SERIF}-Bold", italic: f"{SERIF}-Italic", bold_italic: f"{SERIF}-BoldItalic"}
    for stem, name in names.items():
        pdfmetrics.registerFont(TTFont(name, font_path(stem)))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, f"{SERIF}-Bold")
    addMapping(SERIF, 0, 1, f"{SERIF}-Italic")
    addMapping(SERIF, 1, 1, f"{SERIF}-BoldItalic")
    return SERIF


def covers(font_name: str, text: str) -> list[str]:
    """Characters of ``text`` the font has no glyph for (empty = fully covered)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    face = pdfmetrics.getFont(font_name).face
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph})
