"""The bundled TTFs for reportlab. Built-in Helvetica silently drops Vietnamese letters, so every PDF
(forms, reports) registers these and uses the names below.
"""

from __future__ import annotations

from functools import cache

from desktop.platform.paths import resources_dir

SERIF = "LiberationSerif"  # metric-compatible with Times New Roman, as official documents use
SANS = "LiberationSans"

_FAMILIES = {
    SERIF: ("LiberationSerif-Regular", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"),
    SANS: ("LiberationSans-Regular", "LiberationSans-Bold", "LiberationSans-Italic", "LiberationSans-BoldItalic"),
}


def font_path(stem: str) -> str:
    return str(resources_dir() / "fonts" / f"{stem}.ttf")


@cache
def register_fonts() -> tuple[str, str]:
    """Register both families (regular, bold, italic, bold italic) once; ``<b>``/``<i>`` map to them."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for family, (regular, bold, italic, bold_italic) in _FAMILIES.items():
        names = {regular: family, bold: f"{family}-Bold", italic: f"{family}-Italic",
                 bold_italic: f"{family}-BoldItalic"}
        for stem, name in names.items():
            pdfmetrics.registerFont(TTFont(name, font_path(stem)))
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, f"{family}-Bold")
        addMapping(family, 0, 1, f"{family}-Italic")
        addMapping(family, 1, 1, f"{family}-BoldItalic")
    return SERIF, SANS


def covers(font_name: str, text: str) -> list[str]:
    """Characters of ``text`` the font has no glyph for (empty = fully covered)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    face = pdfmetrics.getFont(font_name).face
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph})
