"""Province packages (hub → desk): reference data signed by the province, with a monotonic version.

Same ZIP container as batches (``header.json`` + ``payload.bin``) but the payload is NOT encrypted:
packages go down to every desk, carry no personal data, and a desk has no private key to decrypt
with. ``cipher`` is ``"none"``; the header carries the payload's SHA-256 and an Ed25519 signature of
the province over the canonical header (without the signature block), so the payload is bound too.

Payload files: ``catalog.json`` (the catalogue table: header row + rows, as ``catalog import`` reads
it), ``holidays.json``, ``targets.json``, ``units.json``, ``surveys/<id>.json``, ``revoked.json``,
``keys.json`` (the province public bundle, new keys with ``activates_at``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop import __version__

from desktop.platform import clock
from desktop.errors import UserError
from desktop.services.catalog import parse_rows, read_table
from desktop.sync import canonical, container
from desktop.platform.atomic import write_atomic
from desktop.sync.package import (
    EXTENSION,
    FORMAT,
    FORMAT_VERSION,
    HEADER_NAME,
    PAYLOAD_NAME,
    parse_app_version,
    validate_content,
)
from province import keys as hub_keys
from province.db import Hub, put_meta

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SURVEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}")


def _read_json(path: Path, what: str) -> Any:
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp {what} '{path}'.", field=what)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"Tệp {what} '{path.name}' không phải JSON hợp lệ: {exc}", field=what) from None


def read_catalog(path: Path) -> list[list[str]]:
    """The catalogue table (.xlsx/.csv), checked here so a bad row never travels to 500 desks."""
    table = read_table(path)
    rows, errors = parse_rows(table)
    if errors:
        row, message = errors[0]
        raise UserError(f"Danh mục thủ tục có lỗi ở dòng {row}: {message}", field="catalog")
    if not rows:
        raise UserError("Danh mục thủ tục trống.", field="catalog")
    return [list(r) for r in table]


def read_surveys(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise UserError(f"Không tìm thấy thư mục phiếu khảo sát '{folder}'.", field="surveys")
    surveys: dict[str, Any] = {}
    for path in sorted(folder.glob("*.json")):
        form = _read_json(path, "surveys")
        if not isinstance(form, dict):
            raise UserError(f"Phiếu khảo sát '{path.name}' phải là một đối tượng JSON.", field="surveys")
        sid = str(form.get("id") or path.stem)
        if not _SURVEY_ID.fullmatch(sid):
            raise UserError(f"Mã phiếu khảo sát '{sid}' không hợp lệ.", field="surveys")
        surveys[sid] = form
    return surveys


def read_forms(folder: Path) -> dict[str, Any]:
    """``<folder>/<regime>/regime.json`` and ``<kind>.json``: form regimes (or rewordings) for the desks."""
    if not folder.is_dir():
        raise UserError(f"Không tìm thấy thư mục biểu mẫu '{folder}'.", field="forms")
    regimes: dict[str, Any] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        entry: dict[str, Any] = {"forms": {}}
        for path in sorted(sub.glob("*.json")):
            value = _read_json(path, "forms")
            if not isinstance(value, dict):
                raise UserError(f"Tệp biểu mẫu '{path.name}' phải là một đối tượng JSON.", field="forms")
            if path.stem == "regime":
                entry.update({k: v for k, v in value.items() if k != "forms"})
            else:
                entry["forms"][path.stem] = value
        regimes[sub.name] = entry
    return regimes


def build_content(*, catalog: Path, holidays: Path, targets: Path, units: Path | None = None,
                  surveys: Path | None = None, revoked: Path | None = None, forms: Path | None = None,
                  indicators: Path | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {
        "catalog": read_catalog(catalog),
        "holidays": _read_json(holidays, "holidays"),
        "targets": _read_json(targets, "targets"),
        "units": _read_json(units, "units") if units else [],
        "surveys": read_surveys(surveys) if surveys else {},
        "revoked": _read_json(revoked, "revoked") if revoked else [],
        "forms": read_forms(forms) if forms else {},
        "indicators": _read_json(indicators, "indicators") if indicators else {},
    }
    validate_content(content)
    return content


def _files(content: dict[str, Any], bundle: dict[str, Any]) -> dict[str, bytes]:
    files = {f"{name}.json": canonical.dumps(content[name]) if not isinstance(content[name], list)
             else canonical.dumps({"items": content[name]})
             for name in ("catalog", "holidays", "targets", "units", "revoked")}
    for sid, form in content["surveys"].items():
        files[f"surveys/{sid}.json"] = canonical.dumps(form)
    for regime, entry in (content.get("forms") or {}).items():
        files[f"forms/{regime}/regime.json"] = canonical.dumps({k: v for k, v in entry.items() if k != "forms"})
        for kind, spec in entry.get("forms", {}).items():
            files[f"forms/{regime}/{kind}.json"] = canonical.dumps(spec)
    if content.get("indicators"):
        files["indicators.json"] = canonical.dumps(content["indicators"])
    files["keys.json"] = canonical.dumps(bundle)
    return files


def seal_package(files: dict[str, bytes], header: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """Signed plaintext container: header (with payload hash) signed, payload = the inner archive."""
    payload = container.pack_files(files)
    full = dict(header) | {"cipher": "none", "payload": {"sha256": canonical.sha256(payload), "size": len(payload)}}
    kid = container.key_id(container.raw_public(key.public_key()))
    full["signature"] = {"kid": kid, "value": container.b64(key.sign(canonical.dumps(full)))}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(HEADER_NAME, _ZIP_TIME), canonical.dumps(full))
        zf.writestr(zipfile.ZipInfo(PAYLOAD_NAME, _ZIP_TIME), payload)
    return buf.getvalue()


def packages_dir(hub: Hub) -> Path:
    path = hub.data_dir / "packages"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_package(hub: Hub, content: dict[str, Any], *, min_app_version: str | None = None,
                  out: Path | None = None) -> dict[str, Any]:
    """Next version, signed with the current province key; kept in the hub and written to ``out``."""
    activate_due_keys(hub)
    min_app = min_app_version or __version__
    parse_app_version(min_app)  # a typo here would lock every desk out
    version = int(hub.meta("package_version") or 0) + 1
    bundle = hub.meta("public_bundle")
    if not bundle:
        raise UserError("Máy chủ tỉnh chưa có khóa. Chạy 'python -m province init' trước.", code="no_hub_keys")
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "version": version,
              "province": hub.meta("name"), "created_at": clock.iso(clock.now()), "app_version": __version__,
              "min_app_version": min_app, "schema_version": "+".join(sorted(_schema())),
              "contents": sorted(k for k, v in content.items() if v)}
    data = seal_package(_files(content, bundle), header, hub_keys.signing_key(hub))
    stored = packages_dir(hub) / f"package-{version:06d}.{EXTENSION}"
    write_atomic(stored, data)
    with hub.transaction() as session:
        put_meta(session, "package_version", version)
        put_meta(session, "package_file", stored.name)
        put_meta(session, "revoked_devices", content["revoked"])
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
    return {"version": version, "file": str(out or stored), "sha256": canonical.sha256(data), "size": len(data),
            "min_app_version": min_app, "contents": header["contents"]}


def _schema() -> set[str]:
    from desktop.db.session import known_heads

    return known_heads()


def latest_package(hub: Hub) -> tuple[int, bytes] | None:
    name = hub.meta("package_file")
    if not name:
        return None
    path = packages_dir(hub) / name
    return int(hub.meta("package_version")), path.read_bytes()


# ----- key rotation -------------------------------------------------------------------------------

def rotate_keys(hub: Hub, *, activates_at: datetime) -> dict[str, Any]:
    """New signing + encryption key pairs announced now (in the next package), used from ``activates_at``.

    Desks seal batches to every encryption key they know (old and new: the hub holds both private
    keys), and accept receipts and packages signed by any listed signing key, so nothing breaks on the
    day of the switch. The hub signs with the new key once ``activate_due_keys`` sees the date passed.
    """
    bundle = dict(hub.meta("public_bundle") or {})
    if not bundle:
        raise UserError("Máy chủ tỉnh chưa có khóa. Chạy 'python -m province init' trước.", code="no_hub_keys")
    signing, encryption = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    folder = hub_keys.keys_dir(hub)
    entries = {}
    for kind, key in (("signing", signing), ("encryption", encryption)):
        raw = container.raw_public(key.public_key())
        kid = container.key_id(raw)
        write_atomic(folder / f"{kind}-{kid}.pem", hub_keys._pem(key), mode=0o600)
        entries[kind] = {"kid": kid, "public_key": container.b64(raw), "activates_at": clock.iso(activates_at)}
    bundle["signing_keys"] = [*bundle.get("signing_keys", []), entries["signing"]]
    bundle["encryption_keys"] = [*bundle.get("encryption_keys", []), entries["encryption"]]
    with hub.transaction() as session:
        put_meta(session, "public_bundle", bundle)
    return bundle


def activate_due_keys(hub: Hub) -> str | None:
    """Switch the hub's signing key to the newest one whose activation moment has come."""
    bundle = hub.meta("public_bundle") or {}
    now = clock.now()
    due = [k for k in bundle.get("signing_keys", [])
           if not k.get("activates_at") or datetime.fromisoformat(k["activates_at"]) <= now]
    if not due:
        return None
    newest = max(due, key=lambda k: k.get("activates_at") or "")
    if newest["kid"] != hub.meta("signing_kid"):
        with hub.transaction() as session:
            put_meta(session, "signing_kid", newest["kid"])
    return str(newest["kid"])


def parse_activation(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise UserError(f"Ngày kích hoạt khóa '{text}' không hợp lệ (YYYY-MM-DD).", field="rotate_keys") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.VN_TZ)


def write_beside(hub: Hub, folder: Path) -> Path | None:
    """Put the newest package next to the receipts on the stick going back to the commune."""
    found = latest_package(hub)
    if found is None:
        return None
    version, data = found
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"goi-du-lieu-tinh-{version:06d}.{EXTENSION}"
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data)
    return target
