"""Form titles, number prefixes and footnotes are data: the 2025 circular renumbered the forms, and a
province may reword them without a new release.

``resources/forms/forms.json`` ships the defaults; a ``forms.json`` in the desk's data folder may
override any key of any form (or the desk name). Both are validated on load and a bad file is a
``UserError`` naming the file and the key, so printing never silently falls back to something else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import UserError
from desktop.paths import data_dir, resources_dir
from desktop.text import nfc

KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "ledger")
ISSUERS = ("desk", "unit")
CONFIG_NAME = "forms.json"


@dataclass(frozen=True)
class FormSpec:
    kind: str
    title: str
    number_prefix: str
    issuer: str  # "desk": unit + BỘ PHẬN TIẾP NHẬN…; "unit": the commune's own letterhead
    footnotes: tuple[str, ...]
    copies: tuple[str, ...] = ()
    signer_prefix: str = ""
    signer_title: str = ""


@dataclass(frozen=True)
class FormsConfig:
    desk_name: str
    forms: dict[str, FormSpec]

    def spec(self, kind: str) -> FormSpec:
        return self.forms[kind]


def default_path() -> Path:
    return resources_dir() / "forms" / CONFIG_NAME


def override_path() -> Path:
    return data_dir() / CONFIG_NAME


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp cấu hình biểu mẫu {path}.", field="forms_config") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Tệp cấu hình biểu mẫu {path} không phải JSON hợp lệ: {exc}.", field="forms_config") from None
    if not isinstance(data, dict):
        raise UserError(f"Tệp cấu hình biểu mẫu {path} phải là một đối tượng JSON.", field="forms_config")
    return data


def _text(path: Path, where: str, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        kind = "một chuỗi" if allow_empty else "một chuỗi không rỗng"
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: '{where}' phải là {kind}.", field="forms_config")
    return nfc(value) or ""


def _texts(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: '{where}' phải là một danh sách chuỗi.", field="forms_config")
    return tuple(_text(path, f"{where}[{i}]", item) for i, item in enumerate(value))


_KEYS = {"title", "number_prefix", "issuer", "footnotes", "copies", "signer_prefix", "signer_title"}


def _spec(path: Path, kind: str, raw: Any) -> FormSpec:
    if not isinstance(raw, dict):
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms.{kind}' phải là một đối tượng.", field="forms_config")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise UserError(
            f"Tệp cấu hình biểu mẫu {path}: khóa không hợp lệ trong 'forms.{kind}': {', '.join(unknown)} "
            f"(dùng: {', '.join(sorted(_KEYS))}).", field="forms_config")
    prefix = _text(path, f"forms.{kind}.number_prefix", raw.get("number_prefix"), allow_empty=True).strip()
    if any(ch.isspace() or ch == "/" for ch in prefix):
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms.{kind}.number_prefix' không được chứa dấu cách "
                        "hoặc '/'.", field="forms_config")
    issuer = raw.get("issuer", "desk")
    if issuer not in ISSUERS:
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms.{kind}.issuer' phải là 'desk' hoặc 'unit'.",
                        field="forms_config")
    copies = _texts(path, f"forms.{kind}.copies", raw.get("copies", []))
    if kind == "receipt" and not copies:
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms.receipt.copies' cần ít nhất một liên.",
                        field="forms_config")
    return FormSpec(
        kind=kind,
        title=_text(path, f"forms.{kind}.title", raw.get("title")),
        number_prefix=prefix,
        issuer=issuer,
        footnotes=_texts(path, f"forms.{kind}.footnotes", raw.get("footnotes", [])),
        copies=copies,
        signer_prefix=_text(path, f"forms.{kind}.signer_prefix", raw.get("signer_prefix", ""), allow_empty=True),
        signer_title=_text(path, f"forms.{kind}.signer_title", raw.get("signer_title", ""), allow_empty=True),
    )


def parse(data: dict[str, Any], path: Path) -> FormsConfig:
    """Validate a whole configuration (every kind present, every field typed)."""
    if data.get("version") != 1:
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'version' phải là 1.", field="forms_config")
    forms = data.get("forms")
    if not isinstance(forms, dict):
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: thiếu mục 'forms'.", field="forms_config")
    missing = [kind for kind in KINDS if kind not in forms]
    if missing:
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: thiếu biểu mẫu {', '.join(missing)}.", field="forms_config")
    extra = sorted(set(forms) - set(KINDS))
    if extra:
        raise UserError(f"Tệp cấu hình biểu mẫu {path}: biểu mẫu không hỗ trợ: {', '.join(extra)} "
                        f"(dùng: {', '.join(KINDS)}).", field="forms_config")
    return FormsConfig(
        desk_name=_text(path, "desk_name", data.get("desk_name")),
        forms={kind: _spec(path, kind, forms[kind]) for kind in KINDS},
    )


def _merge(base: dict[str, Any], override: dict[str, Any], path: Path) -> dict[str, Any]:
    merged = dict(base)
    merged["forms"] = {kind: dict(spec) for kind, spec in base.get("forms", {}).items()}
    for key, value in override.items():
        if key == "forms":
            if not isinstance(value, dict):
                raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms' phải là một đối tượng.", field="forms_config")
            for kind, spec in value.items():
                if not isinstance(spec, dict):
                    raise UserError(f"Tệp cấu hình biểu mẫu {path}: 'forms.{kind}' phải là một đối tượng.",
                                    field="forms_config")
                merged["forms"].setdefault(kind, {}).update(spec)
        else:
            merged[key] = value
    return merged


def load_config(path: Path | None = None) -> FormsConfig:
    """The defaults, plus the desk's own ``forms.json`` (data folder) when there is one."""
    if path is not None:
        return parse(_read(path), path)
    base_path = default_path()
    data = _read(base_path)
    local = override_path()
    if local.is_file():
        return parse(_merge(data, _read(local), local), local)
    return parse(data, base_path)
