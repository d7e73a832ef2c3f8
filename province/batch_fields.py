"""What a signed batch's header and manifest may hold beyond their shape (``batch.read_header`` checks
the types): values the hub's columns can store. A signature proves who sent a batch, not that its numbers
fit: out of range, PostgreSQL refused them mid-write as a database error (retried, reported to the
administrator, a 503 to the desk) while SQLite kept them. Checked at the acknowledgement, before any write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.sync.errors import SyncError
from province.models import HubIntake, HubWatermark

SEQ_MAX = 2 ** 31 - 1  # the hub's sequence columns are 32-bit; a desk numbers its changes from 1
EPOCH_CHARS = HubWatermark.__table__.c.epoch.type.length  # 36: a desk's epoch is a UUID
MOMENT_CHARS = HubIntake.__table__.c.created_at.type.length  # 40


def check(header: dict[str, Any], manifest: dict[str, Any]) -> None:
    """The whole check: the batch's moment of creation, its epochs and its sequence ranges."""
    created = header["created_at"]
    try:
        readable = len(created) <= MOMENT_CHARS and datetime.fromisoformat(created) is not None
    except ValueError:
        readable = False
    if not readable:
        raise SyncError("bad_format", "thời điểm tạo gói không phải ngày giờ ISO")
    ranges(manifest, header)


def sequence(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= SEQ_MAX:
        raise SyncError("bad_format", f"{what}: phải là số thứ tự từ 1 đến {SEQ_MAX}")
    return value


def ranges(manifest: dict[str, Any], header: dict[str, Any]) -> dict[str, list[int]]:
    """The manifest's sequence range per epoch, which must span the header's ``seq_from`` … ``seq_to``."""
    spans = manifest.get("ranges")
    if not isinstance(spans, dict) or not spans:
        raise SyncError("bad_format", "bản kê thiếu dải thứ tự")
    if max(len(header["epoch"]), *map(len, spans)) > EPOCH_CHARS:
        raise SyncError("bad_format", f"mã kỷ nguyên dữ liệu dài quá {EPOCH_CHARS} ký tự")
    if manifest.get("epoch_start") is not None:
        sequence(manifest["epoch_start"], "thứ tự đầu kỷ nguyên")
    for span in spans.values():
        if not isinstance(span, list) or len(span) != 2:
            raise SyncError("bad_format", "dải thứ tự")
        if sequence(span[0], "dải thứ tự") > sequence(span[1], "dải thứ tự"):
            raise SyncError("bad_format", "dải thứ tự")
    if min(s[0] for s in spans.values()) != header["seq_from"] or max(s[1] for s in spans.values()) != header["seq_to"]:
        raise SyncError("header_mismatch", "dải thứ tự")
    return {str(k): list(v) for k, v in spans.items()}
