"""Province packages on the desk: verify the province's signature, check versions, apply all-or-nothing.

A package is the sync container (``header.json`` + ``payload.bin``) with a plaintext payload signed
by the province (see ``province/packages.py``). The desk refuses a version older than or equal to the
one it has (rollback) and a package that needs a newer app; otherwise everything is applied in the
caller's ONE transaction, so a bad item leaves the desk exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy.orm import Session

from desktop import settings
from desktop import __version__
from desktop.errors import UserError
from desktop.forms.config import validate_shipped
from desktop.reports.targets import split_targets_file, store_targets
from desktop.services.desk import get_setting, put_setting, weekly_hours_from
from desktop.sync import canonical, container
from desktop.sync.container import Limits
from desktop.sync.errors import MESSAGES, SyncError

MESSAGES.setdefault("not_a_package", "Tệp này không phải gói dữ liệu tham chiếu của tỉnh.")
MESSAGES.setdefault("bad_package_signature",
                    "Chữ ký của tỉnh trên gói dữ liệu không hợp lệ: gói không do tỉnh phát hành hoặc đã bị sửa.")

FORMAT = "motcua-package"
FORMAT_VERSION = 1
EXTENSION = "mcp"
HEADER_NAME = container.HEADER_NAME
PAYLOAD_NAME = container.PAYLOAD_NAME
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
PACKAGE_LIMITS = Limits(max_file_bytes=MAX_PACKAGE_BYTES, max_entries=2000, max_entry_bytes=32 * 1024 * 1024,
                        max_total_bytes=128 * 1024 * 1024)
UPDATE_APP = "Gói dữ liệu của tỉnh cần phần mềm phiên bản {need} trở lên (máy này: {have}); vui lòng cập nhật phần mềm."


def parse_app_version(text: Any) -> tuple[int, ...]:
    try:
        parts = tuple(int(p) for p in str(text).strip().split("."))
    except ValueError:
        raise UserError(f"Phiên bản phần mềm '{text}' không hợp lệ (dạng 1.2.3).", field="min_app_version") from None
    if not parts or len(parts) > 4:
        raise UserError(f"Phiên bản phần mềm '{text}' không hợp lệ (dạng 1.2.3).", field="min_app_version")
    return parts + (0,) * (3 - len(parts))


def _bad(what: str) -> UserError:
    return UserError(f"Gói dữ liệu của tỉnh không hợp lệ: {what}.", field="package", code="bad_package")


def forms_from_files(files: dict[str, bytes]) -> dict[str, Any]:
    """``forms/<regime>/regime.json`` and ``forms/<regime>/<kind>.json`` → {regime: {…, "forms": {kind: …}}}."""
    regimes: dict[str, Any] = {}
    for name, data in files.items():
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != "forms" or not parts[2].endswith(".json"):
            continue
        regime, stem = parts[1], parts[2].removesuffix(".json")
        entry = regimes.setdefault(regime, {"forms": {}})
        if stem == "regime":
            value = canonical.loads(data)
            if not isinstance(value, dict):
                raise _bad(f"biểu mẫu {name}")
            entry.update({k: v for k, v in value.items() if k != "forms"})
        else:
            entry["forms"][stem] = canonical.loads(data)
    return regimes


def validate_content(content: dict[str, Any]) -> None:
    """Shapes checked on both sides: the hub before building, the desk before applying."""
    if not isinstance(content.get("catalog"), list):
        raise _bad("danh mục thủ tục")
    holidays = content.get("holidays")
    if not isinstance(holidays, list):
        raise _bad("ngày nghỉ/ngày làm bù phải là danh sách")
    for item in holidays:
        if not isinstance(item, dict) or not isinstance(item.get("date"), str):
            raise _bad("mỗi ngày nghỉ cần trường 'date'")
        try:
            date.fromisoformat(item["date"])
        except ValueError:
            raise _bad(f"ngày '{item['date']}'") from None
    try:
        split_targets_file(content.get("targets"))
    except UserError as exc:
        raise _bad(f"chỉ tiêu: {exc.message}") from None
    units = content.get("units")
    if not isinstance(units, list) or any(not isinstance(u, dict) or not u.get("code") or not u.get("name")
                                          for u in units):
        raise _bad("mỗi đơn vị cần 'code' và 'name'")
    if not isinstance(content.get("surveys"), dict):
        raise _bad("phiếu khảo sát")
    for unit in units:  # optional per-weekday hours of a unit, e.g. Saturday-morning reception
        if unit.get("office_hours") is not None:
            weekly_hours_from(unit["office_hours"], f"giờ làm việc của đơn vị {unit['code']}")
    if content.get("forms"):  # optional: regimes of forms the province ships (new wording, a new circular)
        validate_shipped(content["forms"])
    if content.get("indicators"):  # optional: the province's own indicator catalogue (issue #19)
        from desktop.reports.indicator_catalogue import validate as validate_catalogue

        try:
            validate_catalogue(content["indicators"])
        except UserError as exc:
            raise _bad(exc.message) from None
    revoked = content.get("revoked")
    if not isinstance(revoked, list) or any(not isinstance(_device_of(r), str) for r in revoked):
        raise _bad("danh sách máy bị thu hồi")


def _device_of(entry: Any) -> Any:
    return entry.get("device_id") if isinstance(entry, dict) else entry


@dataclass(frozen=True)
class Package:
    header: dict[str, Any]
    content: dict[str, Any]
    bundle: dict[str, Any]

    @property
    def version(self) -> int:
        return int(self.header["version"])


def read_package(data: bytes, bundle: dict[str, Any], *, limits: Limits = PACKAGE_LIMITS) -> Package:
    """Structure, payload hash, the province's signature, then the content (strict JSON)."""
    if len(data) > limits.max_file_bytes:
        raise SyncError("too_large")
    sealed = container.read_sealed(data, limits=limits)
    header = sealed.header
    if header.get("format") != FORMAT:
        raise SyncError("not_a_package")
    if header.get("format_version") != FORMAT_VERSION or header.get("cipher") != "none":
        raise SyncError("unsupported_version", f"định dạng gói {header.get('format_version')!r}")
    signature = header.get("signature")
    if not isinstance(signature, dict):
        raise SyncError("bad_package_signature", "thiếu chữ ký")
    from desktop.sync.keys import signing_keys

    key = signing_keys(bundle).get(signature.get("kid")) if isinstance(signature.get("kid"), str) else None
    if key is None:
        raise SyncError("bad_package_signature", "khóa ký không thuộc tỉnh đã cài")
    body = {k: v for k, v in header.items() if k != "signature"}
    try:
        key.verify(container.unb64(signature.get("value")), canonical.dumps(body))
    except InvalidSignature:
        raise SyncError("bad_package_signature") from None
    if not isinstance(header.get("version"), int) or isinstance(header.get("version"), bool):
        raise _bad("số phiên bản gói")
    files = container.unpack_files(sealed.payload, limits=limits)

    def load(name: str) -> Any:
        if name not in files:
            raise _bad(f"thiếu {name}")
        value = canonical.loads(files[name])
        return value["items"] if set(value) == {"items"} else value

    content = {name: load(f"{name}.json") for name in ("catalog", "holidays", "targets", "units", "revoked")}
    content["surveys"] = {n.removeprefix("surveys/").removesuffix(".json"): canonical.loads(v)
                          for n, v in files.items() if n.startswith("surveys/")}
    content["forms"] = forms_from_files(files)
    content["indicators"] = canonical.loads(files["indicators.json"]) if "indicators.json" in files else {}
    validate_content(content)
    if "keys.json" not in files:
        raise _bad("thiếu keys.json")
    from desktop.sync.keys import parse_bundle

    return Package(header=header, content=content, bundle=parse_bundle(files["keys.json"]))


def check_versions(session: Session, header: dict[str, Any]) -> None:
    """Refuse rollback (older or equal version) and a package that needs a newer app."""
    have = int(get_setting(session, settings.PACKAGE_VERSION.key, 0) or 0)
    if int(header["version"]) <= have:
        raise UserError(f"Gói dữ liệu phiên bản {header['version']} không mới hơn gói máy đang dùng "
                        f"(phiên bản {have}); không áp dụng.", field="package", code="package_not_newer")
    need = str(header.get("min_app_version") or "0")
    if parse_app_version(need) > parse_app_version(__version__):
        raise UserError(UPDATE_APP.format(need=need, have=__version__), field="package", code="app_too_old")


@dataclass(frozen=True)
class ApplyResult:
    version: int
    procedures_created: int
    procedures_updated: int
    calendar_days: int
    units: int
    surveys: int
    revoked: int
    this_device_revoked: bool

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def apply_package(session: Session, data: bytes) -> ApplyResult:
    """Everything inside the caller's transaction: a failure anywhere rolls all of it back."""
    from sqlalchemy import select

    from desktop.db.models import Unit
    from desktop.services.calendar import set_province_days
    from desktop.services.catalog import apply_rows, parse_rows
    from desktop.sync.keys import installed_bundle

    package = read_package(data, installed_bundle(session))
    check_versions(session, package.header)
    content = package.content
    rows, errors = parse_rows([[str(c) for c in row] for row in content["catalog"]])
    if errors:
        raise _bad(f"danh mục dòng {errors[0][0]}: {errors[0][1]}")
    catalog = apply_rows(session, rows, catalog_version=f"tinh-{package.version}") if rows else None
    set_province_days(session, content["holidays"])  # the province layer: replaces the previous package's days
    local = get_setting(session, settings.UNIT_CODE.key)
    for unit in content["units"]:  # only the desk's own unit row is kept in the table; the list is a setting
        if unit["code"] == local:
            row = session.scalar(select(Unit).where(Unit.code == local))
            if row is not None and row.name != unit["name"]:
                row.name = str(unit["name"])
            put_setting(session, settings.PROVINCE_OFFICE_HOURS.key, unit.get("office_hours") or None)
    revoked = sorted({_device_of(r) for r in content["revoked"]})
    for setting in settings.from_package():  # units, targets, questionnaires, form regimes: replaced wholesale
        value = content.get(setting.package_field or "")
        put_setting(session, setting.key, {} if value is None else value)
    store_targets(session, *split_targets_file(content["targets"]))  # the province's targets take effect
    put_setting(session, settings.REVOKED_DEVICES.key, revoked)
    put_setting(session, settings.PROVINCE_KEYS.key, package.bundle)
    put_setting(session, settings.MIN_APP_VERSION.key, package.header.get("min_app_version"))
    put_setting(session, settings.PACKAGE_VERSION.key, package.version)
    put_setting(session, settings.PROVINCE_PACKAGE_VERSION.key, package.version)  # travels up in every batch
    session.flush()
    return ApplyResult(version=package.version, procedures_created=catalog.created if catalog else 0,
                       procedures_updated=catalog.updated if catalog else 0, calendar_days=len(content["holidays"]),
                       units=len(content["units"]), surveys=len(content["surveys"]), revoked=len(revoked),
                       this_device_revoked=get_setting(session, settings.DEVICE_ID.key) in revoked)


def apply_package_file(session: Session, path: Path) -> ApplyResult:
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp gói dữ liệu '{path}'.", field="package")
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise SyncError("too_large")
    return apply_package(session, path.read_bytes())

