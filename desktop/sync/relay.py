"""Relay (district PC or any PC with a network): forward commune batch files UNCHANGED.

The relay holds no key that opens a batch: it checks only what needs no key (container structure,
size caps, the plaintext header, the payload's SHA-256), then forwards the exact bytes — by HTTP to
the hub or onto its own stick — so the hub verifies the commune's original signature. Receipts
coming back (from the hub over HTTP, or from a folder on the returning stick) are copied to the
commune's folder, named ``<batch_id>.receipt.json``, for the commune to import with ``sync receipt``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from desktop.platform.atomic import write_atomic
from desktop.errors import UserError
from desktop.sync import batch, canonical
from desktop.sync.errors import SyncError
from desktop.sync.backoff import Backoff
from desktop.sync.push import _upload  # the relay has no province keys: the commune verifies receipts
from desktop.sync.receipt import receipt_file_name

Progress = Callable[[str, int, int], None]


@dataclass
class RelayItem:
    file: str
    batch_id: str | None
    status: str  # forwarded | copied | already_there | refused | failed
    code: str | None = None
    message: str | None = None
    receipt_file: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _check(path: Path) -> tuple[bytes, dict[str, Any]]:
    data = path.read_bytes()
    return data, batch.read_header(data).header


def relay(in_dir: Path, *, url: str | None = None, out_dir: Path | None = None, receipts_dir: Path | None = None,
          receipts_from: Path | None = None, backoff: Backoff | None = None, cancel: threading.Event | None = None,
          progress: Progress | None = None) -> list[RelayItem]:
    if (url is None) == (out_dir is None):
        raise UserError("Chọn đúng một nơi chuyển tiếp: --url hoặc --out.", field="url")
    if not in_dir.is_dir():
        raise UserError(f"Không tìm thấy thư mục '{in_dir}'.", field="in")
    receipts_dir = receipts_dir or in_dir / "receipts"
    files = sorted(in_dir.glob(f"*.{batch.EXTENSION}"))
    items: list[RelayItem] = []
    client = httpx.Client(timeout=(backoff or Backoff()).timeout) if url else None
    try:
        for index, path in enumerate(files):
            if progress:
                progress("relay", index, len(files))
            try:
                data, header = _check(path)
            except (SyncError, OSError) as exc:
                code = getattr(exc, "code", None) or "unreadable"
                items.append(RelayItem(path.name, None, "refused", code, getattr(exc, "message", str(exc))))
                continue
            batch_id = str(header["batch_id"])
            if out_dir is not None:
                items.append(_copy(path, data, batch_id, out_dir))
                continue
            assert client is not None and url is not None
            try:
                body, _headers, _n = _upload(client, url, batch_id, data, None, backoff or Backoff(),
                                             cancel or threading.Event(), None)
            except UserError as exc:
                retry_later = exc.code in ("hub_unreachable", "hub_busy")  # a busy hub is not a refusal
                items.append(RelayItem(path.name, batch_id, "failed" if retry_later else "refused",
                                       exc.code, exc.message))
                continue
            target = receipts_dir / receipt_file_name(batch_id)
            receipts_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(target, body)
            items.append(RelayItem(path.name, batch_id, "forwarded", receipt_file=str(target)))
    finally:
        if client is not None:
            client.close()
    if receipts_from is not None:
        bring_receipts(receipts_from, receipts_dir)
    return items


def _copy(path: Path, data: bytes, batch_id: str, out_dir: Path) -> RelayItem:
    target = out_dir / path.name
    if target.is_file() and canonical.sha256(target.read_bytes()) == canonical.sha256(data):
        return RelayItem(path.name, batch_id, "already_there")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    if target.read_bytes() != data:
        target.unlink(missing_ok=True)
        raise SyncError("bad_hash", f"kiểm tra lại tệp vừa ghi {target.name}")
    return RelayItem(path.name, batch_id, "copied")


def bring_receipts(source: Path, target: Path) -> list[str]:
    """Receipts from the returning stick to the commune's folder (they are signed: copying is safe)."""
    copied = []
    if not source.is_dir():
        return copied
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.receipt.json")):
        write_atomic(target / path.name, path.read_bytes())
        copied.append(path.name)
    return copied

