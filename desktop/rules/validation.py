"""Input checks shared by every front end; each failure names the field in Vietnamese."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from desktop.texts import CHANNEL_LABELS
from desktop.formatting import number
from desktop.platform import clock
from desktop.errors import UserError
from desktop.rules.text import ascii_digits, fold, nfc

CHANNELS = CHANNEL_LABELS  # the accepted channels are the labelled ones
# A PC clock a few minutes fast should not block a real entry.
FUTURE_TOLERANCE = timedelta(minutes=5)
# No one-stop desk recorded anything before this; an older year is a typo (1900, 0202…) that would
# otherwise count thousands of years of working days and overflow reports.
EARLIEST = datetime(2000, 1, 1, tzinfo=clock.VN_TZ)
# The sync carries moments up to the end of 2100 (``desktop/sync/tables.py``): a later one would make the
# province refuse the whole batch, and every batch after it, with ``bad_value``.
LATEST = datetime(2101, 1, 1, tzinfo=clock.VN_TZ)

_PHONE = re.compile(r"^\+?\d{9,12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# C0 controls except TAB/LF/CR, DEL, C1 controls, and lone surrogates (bytes a console could not decode).
# NUL truncates strings in C libraries, BEL and friends are refused by Excel (IllegalCharacterError),
# and none of them is ever typed on purpose into a name, an address or a note.
CONTROL_CHARACTERS = _CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")


def check_text(value: str | None, label: str, field: str, *, multiline: bool = False) -> None:
    """Refuse control characters (and line breaks in a one-line field), naming the field and position.

    The one place every text a desk stores goes through: the services call it via
    :func:`required_text`/:func:`optional_text`, and ``desktop/db/text_guard.py`` calls it for every
    string column at flush, so a service that forgets still cannot store one.
    """
    if not value:
        return
    bad = _CONTROL.search(value) or (None if multiline else _LINE_BREAK.search(value))
    if bad is None:
        return
    char = bad.group()
    what = "xuống dòng" if char in "\n\r\u2028\u2029" else "ký tự điều khiển"
    raise UserError(f"{label} chứa {what} không hợp lệ (mã U+{ord(char):04X}, vị trí {bad.start() + 1}); "
                    "hãy gõ lại, không dán ký tự lạ.", field=field)


def required_text(value: str | None, label: str, field: str, *, max_len: int = 255, multiline: bool = False) -> str:
    check_text(value, label, field, multiline=multiline)
    text = nfc(value) or ""
    if not text:
        raise UserError(f"{label} không được để trống.", field=field)
    if len(text) > max_len:
        raise UserError(f"{label} dài quá {max_len} ký tự.", field=field)
    return text


def optional_text(value: str | None, label: str, field: str, *, max_len: int = 1000,
                  multiline: bool = False) -> str | None:
    check_text(value, label, field, multiline=multiline)
    text = nfc(value) or None
    if text and len(text) > max_len:
        raise UserError(f"{label} dài quá {max_len} ký tự.", field=field)
    return text


MAX_SEARCH = 200


def search_text(value: str | None, field: str = "search") -> str:
    """The folded search needle; longer than MAX_SEARCH characters is refused (SQLite's LIKE gives up
    at 50,000 with a traceback, and no name, code or address is anywhere near 200)."""
    raw = value or ""
    if len(raw) > MAX_SEARCH:
        size = number(len(raw))
        raise UserError(f"Từ khóa tìm kiếm dài {size} ký tự, quá giới hạn {MAX_SEARCH} ký tự; hãy nhập "
                        "ngắn hơn (một phần họ tên, mã hồ sơ hoặc số điện thoại).", field=field)
    check_text(raw, "Từ khóa tìm kiếm", field)
    return fold(raw)


def id_number(value: str | None) -> str | None:
    text = (value or "").strip().replace(" ", "")
    if not text:
        return None
    if not (ascii_digits(text) and len(text) == 12):
        raise UserError(
            f"Số định danh cá nhân '{text}' không hợp lệ: phải gồm đúng 12 chữ số.", field="id_number"
        )
    return text


def phone(value: str | None) -> str | None:
    text = re.sub(r"[\s.\-()]", "", value or "")
    if not text:
        return None
    if not _PHONE.match(text):
        raise UserError(f"Số điện thoại '{value}' không hợp lệ: chỉ gồm 9–12 chữ số.", field="phone")
    return text


def email(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not _EMAIL.match(text):
        raise UserError(f"Địa chỉ thư điện tử '{text}' không hợp lệ.", field="email")
    return text


PAYMENT_METHODS = ("cash", "bank_transfer", "online")


def payment_method(value: str | None) -> str | None:
    """How the fee was paid (None: no fee, or not recorded): the plans' online-payment share reads it."""
    text = (value or "").strip()
    if not text or text == "none":
        return None
    if text not in PAYMENT_METHODS:
        raise UserError(f"Hình thức thanh toán '{text}' không hợp lệ; chọn cash (tiền mặt), bank_transfer "
                        "(chuyển khoản) hoặc online (trực tuyến qua Cổng dịch vụ công).", field="payment_method")
    return text


def channel(value: str | None) -> str:
    text = (value or "direct").strip()
    if text not in CHANNELS:
        raise UserError(
            f"Kênh tiếp nhận '{text}' không hợp lệ; chọn direct (trực tiếp), postal (bưu chính) hoặc online (trực tuyến).",
            field="channel",
        )
    return text


def sets_count(value: int | None) -> int:
    count = 1 if value is None else int(value)
    if not 1 <= count <= 100:
        raise UserError("Số bộ hồ sơ phải từ 1 đến 100.", field="sets_count")
    return count


def moment(value: datetime | None, *, not_before: datetime | None = None, field: str = "at") -> datetime:
    """``None`` means now. Refuses the future and moments before the dossier's previous step."""
    current = clock.now()
    result = current if value is None else clock.to_vn(value)
    if result > current + FUTURE_TOLERANCE:
        raise UserError(
            f"Thời điểm {result:%H:%M ngày %d/%m/%Y} ở tương lai; kiểm tra lại ngày giờ (và đồng hồ máy tính).",
            field=field,
        )
    if result < EARLIEST:
        raise UserError(
            f"Thời điểm {result:%H:%M ngày %d/%m/%Y} quá xa trong quá khứ: phần mềm chỉ nhận các mốc từ ngày "
            f"{EARLIEST:%d/%m/%Y} trở đi; kiểm tra lại năm đã nhập.", field=field)
    if not_before is not None and result < not_before:
        raise UserError(
            f"Thời điểm {result:%H:%M ngày %d/%m/%Y} sớm hơn bước trước của hồ sơ "
            f"({clock.to_vn(not_before):%H:%M ngày %d/%m/%Y}).",
            field=field,
        )
    return result


def appointment(value: datetime, *, field: str = "due") -> datetime:
    """An appointment may lie in the future (unlike :func:`moment`), but within the years the sync carries."""
    result = clock.to_vn(value)
    if not EARLIEST <= result < LATEST:
        raise UserError(f"Ngày hẹn {result:%d/%m/%Y} nằm ngoài khoảng phần mềm nhận (từ {EARLIEST:%d/%m/%Y} đến "
                        f"hết năm {LATEST.year - 1}); kiểm tra lại năm đã nhập.", field=field)
    return result


def parse_moment(text: str | None, field: str = "at") -> datetime | None:
    """ISO 8601 from the CLI; a bare date means 08:00 that day is not guessed — it is refused."""
    if text is None or not text.strip():
        return None
    try:
        return clock.to_vn(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise UserError(
            f"Thời điểm '{text}' không đúng định dạng ISO 8601 (ví dụ 2026-11-16T09:30 hoặc 2026-11-16T09:30:00+07:00).",
            field=field,
        ) from None


def parse_date(text: str | None, field: str = "date") -> date:
    raw = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise UserError(f"Ngày '{raw}' không hợp lệ; nhập dạng YYYY-MM-DD hoặc DD/MM/YYYY.", field=field)
