"""The inbox file of one unit (issue #15): its forwarded dossiers' rows, signed by the province, then sealed
to the encryption keys of the unit's enrolled devices (``python -m province outbox``, and the network
``GET /api/v1/inbox``). Sign, then encrypt: ``inbox.json`` and its signature travel inside the payload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.errors import UserError
from desktop.platform import clock
from desktop.platform.atomic import write_atomic
from desktop.rules.text import ascii_digits
from desktop.sync import canonical, container
from desktop.sync.container import Recipient
from province import keys as hub_keys
from province.db import Hub
from province.forwarded import INBOX_EXTENSION, INBOX_FORMAT, inbox_rows
from province.models import HubDevice


def recipients(hub: Hub, unit_code: str) -> list[Recipient]:
    """The unit's enrolled, unrevoked devices that have an encryption key."""
    with hub.reading() as session:
        devices = session.scalars(select(HubDevice).where(HubDevice.unit_code == unit_code,
                                                          HubDevice.revoked_at.is_(None))).all()
    if not devices:
        raise UserError(f"Đơn vị {unit_code} chưa có máy nào được đăng ký với tỉnh.", field="unit",
                        code="unknown_unit")
    found = [Recipient.from_b64(d.encryption_key) for d in devices if d.encryption_key]
    if not found:
        raise UserError(f"Máy của đơn vị {unit_code} chưa có khóa mã hóa: cần gửi một gói dữ liệu mới (phần mềm "
                        "từ phiên bản có hồ sơ chuyển đến) hoặc đăng ký lại máy.", field="unit", code="no_device_key")
    return found


def build_inbox(hub: Hub, unit_code: str) -> tuple[bytes, dict[str, Any]]:
    """The sealed inbox of ``unit_code`` and a summary (counts per table)."""
    code = (unit_code or "").strip()
    if not ascii_digits(code) or len(code) not in (2, 3, 5):
        raise UserError(f"Mã đơn vị '{unit_code}' không hợp lệ (5 chữ số cấp xã).", field="unit")
    sealed_to = recipients(hub, code)
    with hub.reading() as session:
        rows = inbox_rows(session, code)
    now = clock.now()
    body = {"format": INBOX_FORMAT, "format_version": 1, "unit_code": code, "created_at": clock.iso(now),
            "rows": rows}
    content = canonical.dumps(body)
    key = hub_keys.signing_key(hub)
    signature = {"kid": container.key_id(container.raw_public(key.public_key())),
                 "value": container.b64(key.sign(content))}
    header = {"format": INBOX_FORMAT, "format_version": 1, "unit_code": code, "created_at": clock.iso(now)}
    data, _ = container.seal(header, {"inbox.json": content, "inbox.sig": canonical.dumps(signature)}, sealed_to)
    counts = {name: len(items) for name, items in rows.items()}
    return data, {"unit_code": code, "created_at": clock.iso(now), "counts": counts,
                  "dossiers": counts["dossier"]}


def write_outbox(hub: Hub, unit_code: str, out_dir: Path) -> dict[str, Any]:
    """Write the unit's inbox file into ``out_dir`` (next to the receipts on the stick), atomically."""
    data, summary = build_inbox(hub, unit_code)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    target = Path(out_dir) / f"inbox-{summary['unit_code']}-{stamp}.{INBOX_EXTENSION}"
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        write_atomic(target, data, field="out")
    except OSError as exc:
        raise UserError(f"Không ghi được tệp hộp thư vào {out_dir}: {exc.strerror or exc}.", field="out") from None
    return summary | {"file": str(target), "size": len(data)}
