"""Codes of digitised components and results.

The national format of these codes could not be found (domain.md §7), so a code is an opaque string
from a pluggable generator. Generators are registered by name; the desk uses the one named in the
Setting ``digitisation_code_generator`` (default ``pattern``), which formats the Setting
``digitisation_code_pattern`` (components) / ``digitisation_result_code_pattern`` (results). When the
province publishes its format, a new generator is registered here and selected by setting — stored
codes never change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from desktop.errors import UserError
from desktop.platform.registry import registrar

DEFAULT_PATTERN = "{agency_id}.{yyyy}.{dossier_seq}.{component:02d}"
DEFAULT_RESULT_PATTERN = "{agency_id}.{yyyy}.{dossier_seq}.KQ"
MAX_CODE_LEN = 128


@dataclass(frozen=True)
class CodeRequest:
    """What a generator may use. ``component`` is 1-based (as printed); ``None`` for a result."""

    agency_id: str
    unit_code: str
    dossier_code: str
    received_at: datetime
    component: int | None
    pattern: str


Generator = Callable[[CodeRequest], str]
GENERATORS: dict[str, Generator] = {}


register = registrar(GENERATORS)


def dossier_seq(dossier_code: str, agency_id: str) -> str:
    """The dossier code without its agency prefix, digits only: ``…-261120-0001`` → ``2611200001``."""
    rest = dossier_code[len(agency_id):] if agency_id and dossier_code.startswith(agency_id) else dossier_code
    digits = re.sub(r"\D", "", rest)
    return digits or re.sub(r"[^0-9A-Za-z]", "", dossier_code)


@register("pattern")
def pattern_generator(request: CodeRequest) -> str:
    """``str.format`` over agency_id, unit_code, yyyy, yy, dossier_code, dossier_seq, component."""
    try:
        return request.pattern.format(
            agency_id=request.agency_id, unit_code=request.unit_code, dossier_code=request.dossier_code,
            yyyy=f"{request.received_at:%Y}", yy=f"{request.received_at:%y}",
            dossier_seq=dossier_seq(request.dossier_code, request.agency_id),
            component=request.component if request.component is not None else 0,
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"Mẫu mã số hóa '{request.pattern}' không hợp lệ: {exc}", field="digitisation_code_pattern") from None


def generate(name: str, request: CodeRequest) -> str:
    generator = GENERATORS.get(name)
    if generator is None:
        raise UserError(
            f"Bộ sinh mã số hóa '{name}' không tồn tại; chọn một trong: {', '.join(sorted(GENERATORS))}.",
            field="digitisation_code_generator",
        )
    return clean_code(generator(request))


def clean_code(code: str | None) -> str:
    text = (code or "").strip()
    if not text:
        raise UserError("Mã số hóa không được để trống.", field="code")
    if len(text) > MAX_CODE_LEN or any(ch.isspace() for ch in text):
        raise UserError(f"Mã số hóa '{text}' không hợp lệ: tối đa {MAX_CODE_LEN} ký tự, không có dấu cách.", field="code")
    return text
