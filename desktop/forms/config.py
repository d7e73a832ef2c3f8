"""Forms as data of a legal regime: the one loader of ``resources/forms/<regime>/``.

A regime (``tt03-2025``: Thông tư 03/2025/TT-VPCP; ``tt01-2018`` kept to reprint old dossiers) is a
folder with ``regime.json`` (its name, the date it took effect, the legal basis printed on every form,
the desk's name and the sentences all forms share) and one JSON per form (number, title, labels, body
sentences, footnotes). Sentences are templates with ``{desk}``, ``{unit}``, … variables; the code only
lays them out and fills them. A dossier prints with the regime in force on its reception date.

Where regimes come from, last wins: the app's ``resources/forms``, the province package (setting
``province_form_regimes``), and the desk's own ``forms.json`` in the data folder, which may override
any key of any form (or the desk's name) of every regime. Every file is validated on load and a bad
one is a ``UserError`` naming the file and the key, so printing never silently falls back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from html import escape
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any

from desktop import settings
from desktop.platform import clock
from desktop.errors import UserError
from desktop.platform.paths import data_dir, resources_dir
from desktop.rules.text import nfc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "transfer", "ledger")
# Kinds added after provinces wrote their own regimes (issue #15's transfer slip): a regime without one
# takes the shipped text, so an older province package stays valid.
OPTIONAL_KINDS = ("transfer",)
ISSUERS = ("desk", "unit")
CONFIG_NAME = "forms.json"
DEFAULT_REGIME = "tt03-2025"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
_FIELD = re.compile(r"[a-z_]{1,32}")
# The only markup a template may carry; everything else in it is text (escaped).
_MARKUP = re.compile(r"(<b>|</b>|<i>|</i>|<br/>|&nbsp;)")


class Markup(str):
    """A value already in reportlab markup (not escaped again when filled in)."""


@dataclass(frozen=True)
class FormSpec:
    kind: str
    title: str
    number_prefix: str
    issuer: str  # "desk": unit + the desk's name; "unit": the commune's own letterhead
    footnotes: tuple[str, ...]
    copies: tuple[str, ...] = ()
    signer_prefix: str = ""
    signer_title: str = ""
    form_number: str = ""
    label: str = ""
    recipients: tuple[str, ...] = ()
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FormsConfig:
    desk_name: str
    forms: dict[str, FormSpec]
    regime: str = ""
    regime_name: str = ""
    legal_basis: str = ""
    desk_label: str = ""
    desk_short: str = ""
    common: Mapping[str, str] = field(default_factory=dict)

    def spec(self, kind: str) -> FormSpec:
        return self.forms[kind]

    def _values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"desk": self.desk_label, "desk_name": self.desk_name, "desk_short": self.desk_short} | values

    def _template(self, kind: str | None, key: str) -> str:
        table = self.forms[kind].texts if kind else self.common
        if key not in table:
            where = f"biểu mẫu '{kind}'" if kind else "phần chung"
            raise UserError(f"Chế độ biểu mẫu {self.regime}: thiếu câu '{key}' của {where}.", field="forms_config")
        return table[key]

    def t(self, kind: str | None, key: str, **values: Any) -> str:
        """The sentence ``key`` of form ``kind`` (``None``: shared) as reportlab markup, values escaped."""
        template = self._template(kind, key)
        safe = {k: v if isinstance(v, Markup) else escape("" if v is None else str(v), quote=False)
                for k, v in self._values(values).items()}
        text = "".join(p if _MARKUP.fullmatch(p) else escape(p, quote=False) for p in _MARKUP.split(template))
        return _fill(text, safe, self.regime, key)

    def c(self, key: str, **values: Any) -> str:
        return self.t(None, key, **values)

    def plain(self, kind: str | None, key: str, **values: Any) -> str:
        """The same sentence as plain text (Excel, PDF metadata): markup removed, nothing escaped."""
        text = _MARKUP.sub(lambda m: " " if m.group(0) in ("<br/>", "&nbsp;") else "", self._template(kind, key))
        return " ".join(_fill(text, {k: "" if v is None else str(v) for k, v in self._values(values).items()},
                              self.regime, key).split())

    def basis_line(self, kind: str) -> str:
        """"Mẫu số 04 — Ban hành kèm theo Thông tư số 03/2025/TT-VPCP …" (blank for a form the regime lacks)."""
        spec = self.forms[kind]
        if not spec.form_number:
            return ""
        return self.plain(None, "basis_line", form_number=spec.form_number, basis=self.legal_basis)


def _fill(text: str, values: dict[str, Any], regime: str, key: str) -> str:
    try:
        return text.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"Chế độ biểu mẫu {regime}: câu '{key}' dùng biến không có ({exc}).",
                        field="forms_config") from None


# ---------------------------------------------------------------- reading and validating

def resources_forms() -> Path:
    return resources_dir() / "forms"


def override_path() -> Path:
    return data_dir() / CONFIG_NAME


def _bad(path: Path | str, message: str) -> UserError:
    return UserError(f"Tệp cấu hình biểu mẫu {path}: {message}.", field="forms_config")


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


def _text(path: Path | str, where: str, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()) or len(value) > 2000:
        kind = "một chuỗi" if allow_empty else "một chuỗi không rỗng"
        raise _bad(path, f"'{where}' phải là {kind}")
    return nfc(value) or ""


def _texts(path: Path | str, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > 50:
        raise _bad(path, f"'{where}' phải là một danh sách chuỗi")
    return tuple(_text(path, f"{where}[{i}]", item) for i, item in enumerate(value))


def _templates(path: Path | str, where: str, value: Any) -> dict[str, str]:
    """Sentences: only ``{name}`` fields (no attribute, index, conversion or format spec)."""
    if not isinstance(value, dict) or len(value) > 200:
        raise _bad(path, f"'{where}' phải là một đối tượng {{khóa: câu}}")
    out = {}
    for key, template in value.items():
        text = _text(path, f"{where}.{key}", template, allow_empty=True)
        try:
            parts = list(Formatter().parse(text))
        except ValueError as exc:
            raise _bad(path, f"'{where}.{key}' có dấu ngoặc {{}} không hợp lệ ({exc})") from None
        for _literal, name, spec, conversion in parts:
            if name is not None and (not _FIELD.fullmatch(name) or spec or conversion):
                raise _bad(path, f"'{where}.{key}': biến '{{{name}}}' không hợp lệ (chỉ dùng {{ten_bien}})")
        out[str(key)] = text
    return out


_KEYS = {"title", "number_prefix", "issuer", "footnotes", "copies", "signer_prefix", "signer_title", "form_number",
         "label", "recipients", "text"}


def _spec(path: Path | str, kind: str, raw: Any) -> FormSpec:
    if not isinstance(raw, dict):
        raise _bad(path, f"'forms.{kind}' phải là một đối tượng")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _bad(path, f"khóa không hợp lệ trong 'forms.{kind}': {', '.join(unknown)} (dùng: {', '.join(sorted(_KEYS))})")
    prefix = _text(path, f"forms.{kind}.number_prefix", raw.get("number_prefix"), allow_empty=True).strip()
    if any(ch.isspace() or ch == "/" for ch in prefix):
        raise _bad(path, f"'forms.{kind}.number_prefix' không được chứa dấu cách hoặc '/'")
    issuer = raw.get("issuer", "desk")
    if issuer not in ISSUERS:
        raise _bad(path, f"'forms.{kind}.issuer' phải là 'desk' hoặc 'unit'")
    copies = _texts(path, f"forms.{kind}.copies", raw.get("copies", []))
    if kind == "receipt" and not copies:
        raise _bad(path, "'forms.receipt.copies' cần ít nhất một liên")
    title = _text(path, f"forms.{kind}.title", raw.get("title"))
    return FormSpec(
        kind=kind,
        title=title,
        number_prefix=prefix,
        issuer=issuer,
        footnotes=_texts(path, f"forms.{kind}.footnotes", raw.get("footnotes", [])),
        copies=copies,
        signer_prefix=_text(path, f"forms.{kind}.signer_prefix", raw.get("signer_prefix", ""), allow_empty=True),
        signer_title=_text(path, f"forms.{kind}.signer_title", raw.get("signer_title", ""), allow_empty=True),
        form_number=_text(path, f"forms.{kind}.form_number", raw.get("form_number", ""), allow_empty=True),
        label=_text(path, f"forms.{kind}.label", raw.get("label", title), allow_empty=True),
        recipients=_texts(path, f"forms.{kind}.recipients", raw.get("recipients", [])),
        texts=_templates(path, f"forms.{kind}.text", raw.get("text", {})),
    )


def _shipped_form(kind: str) -> dict[str, Any]:
    """An optional kind's text as shipped with the current regime (resources/forms/tt03-2025)."""
    return dict(json.loads((resources_forms() / "tt03-2025" / f"{kind}.json").read_text(encoding="utf-8")))


def parse(data: dict[str, Any], path: Path | str) -> FormsConfig:
    """Validate a whole regime (every kind present, every field typed, every sentence a safe template)."""
    if data.get("version") != 1:
        raise _bad(path, "'version' phải là 1")
    forms = data.get("forms")
    if not isinstance(forms, dict):
        raise _bad(path, "thiếu mục 'forms'")
    forms = {**{k: _shipped_form(k) for k in OPTIONAL_KINDS if k not in forms}, **forms}
    missing = [kind for kind in KINDS if kind not in forms]
    if missing:
        raise _bad(path, f"thiếu biểu mẫu {', '.join(missing)}")
    extra = sorted(set(forms) - set(KINDS))
    if extra:
        raise _bad(path, f"biểu mẫu không hỗ trợ: {', '.join(extra)} (dùng: {', '.join(KINDS)})")
    desk_name = _text(path, "desk_name", data.get("desk_name"))
    return FormsConfig(
        desk_name=desk_name,
        forms={kind: _spec(path, kind, forms[kind]) for kind in KINDS},
        regime=str(data.get("id", "")),
        regime_name=_text(path, "name", data.get("name", ""), allow_empty=True),
        legal_basis=_text(path, "legal_basis", data.get("legal_basis", ""), allow_empty=True),
        desk_label=_text(path, "desk_label", data.get("desk_label") or desk_name.capitalize()),
        desk_short=_text(path, "desk_short", data.get("desk_short") or data.get("desk_label") or desk_name),
        common=_templates(path, "text", data.get("text", {})),
    )


def _folder_regime(folder: Path) -> dict[str, Any]:
    """regime.json plus <kind>.json of one folder, as one raw document (re-read only when a file changes)."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.json")))
    return json.loads(_folder_json(str(folder), stamp))


@lru_cache(maxsize=16)
def _folder_json(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    path = Path(folder)
    data = _read(path / "regime.json")
    data["forms"] = {kind: _read(path / f"{kind}.json") for kind in KINDS if (path / f"{kind}.json").is_file()}
    return json.dumps(data, ensure_ascii=False)  # a fresh copy per caller: merges never touch the cache


def _merge(base: dict[str, Any], override: dict[str, Any], path: Path | str) -> dict[str, Any]:
    merged = dict(base)
    merged["forms"] = {kind: dict(spec) for kind, spec in base.get("forms", {}).items()}
    for key, value in override.items():
        if key == "forms":
            if not isinstance(value, dict):
                raise _bad(path, "'forms' phải là một đối tượng")
            for kind, spec in value.items():
                if not isinstance(spec, dict):
                    raise _bad(path, f"'forms.{kind}' phải là một đối tượng")
                target = merged["forms"].setdefault(kind, {})
                for name, item in spec.items():
                    if name == "text" and isinstance(item, dict) and isinstance(target.get("text"), dict):
                        target["text"] = target["text"] | item  # a province rewords one sentence
                    else:
                        target[name] = item
        elif key == "text" and isinstance(value, dict) and isinstance(merged.get("text"), dict):
            merged["text"] = merged["text"] | value
        elif key not in ("id", "regimes"):
            merged[key] = value
    return merged


def _raw_regimes(session: Session | None) -> dict[str, tuple[dict[str, Any], str]]:
    """Every known regime (raw document, where it came from): the app's, then the province's."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for folder in sorted(p for p in resources_forms().iterdir() if (p / "regime.json").is_file()):
        data = _folder_regime(folder)
        found[str(data.get("id") or folder.name)] = (data, str(folder))
    if session is not None:
        from desktop.services.desk import get_setting

        shipped = get_setting(session, settings.PROVINCE_FORM_REGIMES.key) or {}
        for rid, data in shipped.items() if isinstance(shipped, dict) else ():
            base = found.get(rid, ({}, ""))[0]
            found[rid] = (_merge(base, data, f"gói tỉnh/{rid}") if base else data, f"gói tỉnh/{rid}")
    return found


def _effective(data: dict[str, Any], where: str) -> date:
    try:
        return date.fromisoformat(str(data.get("effective_from")))
    except ValueError:
        raise _bad(where, "'effective_from' phải là ngày YYYY-MM-DD") from None


def regime_for(day: date | datetime | None, session: Session | None = None) -> str:
    """The regime in force on ``day`` (the latest that had taken effect; the oldest before any)."""
    when = clock.to_vn(day).date() if isinstance(day, datetime) else (day or clock.today())
    dated = sorted((_effective(data, where), rid) for rid, (data, where) in _raw_regimes(session).items())
    if not dated:
        raise UserError("Không có chế độ biểu mẫu nào trong resources/forms.", field="forms_config")
    chosen = dated[0][1]
    for effective, rid in dated:
        if effective <= when:
            chosen = rid
    return chosen


def load_config(path: Path | None = None, *, regime: str | None = None, on: date | datetime | None = None,
                session: Session | None = None) -> FormsConfig:
    """The regime asked for (or in force ``on`` a date, default today), with the desk's ``forms.json``."""
    if path is not None:
        return parse(_read(path), path)
    known = _raw_regimes(session)
    rid = regime or regime_for(on, session)
    if rid not in known:
        raise UserError(f"Chế độ biểu mẫu '{rid}' không có; có: {', '.join(sorted(known))}.", field="regime")
    data, where = known[rid]
    data = dict(data, id=rid)
    local = override_path()
    if local.is_file():
        return parse(_merge(data, _read(local), local), local)
    return parse(data, where)


def validate_shipped(regimes: Any) -> dict[str, Any]:
    """A province package's regimes: {id: {regime keys…, "forms": {kind: {…}}}}, each complete once merged."""
    if not isinstance(regimes, dict):
        raise _bad("gói tỉnh", "'forms' phải là {mã chế độ: nội dung}")
    known = _raw_regimes(None)
    for rid, data in regimes.items():
        if not isinstance(rid, str) or not _ID.fullmatch(rid) or not isinstance(data, dict):
            raise _bad("gói tỉnh", f"mã chế độ biểu mẫu '{rid}' không hợp lệ")
        merged = _merge(known[rid][0], data, f"gói tỉnh/{rid}") if rid in known else data
        _effective(merged, f"gói tỉnh/{rid}")
        parse(dict(merged, id=rid), f"gói tỉnh/{rid}")
    return regimes
