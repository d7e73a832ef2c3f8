"""Vietnamese text normalisation: NFC for storage, a folded form for diacritic-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D_LIKE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(value: str | None) -> str | None:
    """IMEs such as Unikey may emit decomposed text; everything stored is NFC and trimmed."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


# What openpyxl refuses in a cell (IllegalCharacterError): C0 controls but TAB, LF, CR.
_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def excel_safe(value: object) -> object:
    """A cell value Excel accepts: control characters (stored by an older version, before the desk
    refused them) become U+FFFD, so one bad name never stops the whole ledger export."""
    if isinstance(value, str) and _EXCEL_ILLEGAL.search(value):
        return _EXCEL_ILLEGAL.sub("\ufffd", value)
    return value


def fold(value: str | None) -> str:
    """'Nguyễn Văn Đức' -> 'nguyen van duc'. NFD alone leaves đ/Đ intact, so map them first.

    Text converted from the old TCVN3/VNI fonts often carries the look-alike Ð/ð (U+00D0/U+00F0, eth)
    for Đ/đ; those fold to d as well so such names are still found by typing "d".
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).translate(_D_LIKE)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()


def ascii_digits(value: str) -> bool:
    """A non-empty run of 0–9 only. ``str.isdigit`` alone also takes '²' (which ``int`` refuses, so a
    hostile cell or header crashed the reader) and other scripts' digits (١٢٣, full-width １２３), which no
    code, PIN, ID number or count of ours is written in."""
    return value.isascii() and value.isdigit()
