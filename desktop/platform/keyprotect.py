"""Private keys at rest on the desk: DPAPI on Windows, owner-only file permissions elsewhere.

On Windows the device signing key and the audit key are wrapped with ``CryptProtectData`` in the
current-user scope: the bytes on disk open only for the same Windows account on the same PC, so a
copied data folder, a stolen disk read from another system, or another local account gets nothing
usable. Elsewhere (the POSIX builds used for tests and the hub's tools) the files are 0600 in a 0700
folder and stored as they are. A wrapped file starts with ``MAGIC`` so it is never mistaken for a
plain PEM; a plain file found on Windows (written by an older version) is still read, and rewrapped
by the caller.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from desktop.errors import UserError

MAGIC = b"MOTCUA-DPAPI1\n"
_ENTROPY = b"MotCuaOffline desk key v1"  # binds the blob to this app, not a secret
_UI_FORBIDDEN = 0x1  # CRYPTPROTECT_UI_FORBIDDEN: never pop up a dialog


class _Blob(ctypes.Structure):
    _fields_ = [("cbData", ctypes.c_uint32), ("pbData", ctypes.POINTER(ctypes.c_char))]


def _blob(data: bytes) -> tuple[_Blob, Any]:
    buffer = ctypes.create_string_buffer(data, len(data))
    return _Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))), buffer


def _dlls() -> tuple[Any, Any]:
    """(crypt32, kernel32) — the ctypes boundary, replaced in tests on other systems."""
    return ctypes.windll.crypt32, ctypes.windll.kernel32  # type: ignore[attr-defined]


def _call(function_name: str, data: bytes) -> bytes:
    crypt32, kernel32 = _dlls()
    data_in, _keep = _blob(data)
    entropy, _keep_entropy = _blob(_ENTROPY)
    data_out = _Blob()
    function = getattr(crypt32, function_name)
    if function_name == "CryptProtectData":
        ok = function(ctypes.byref(data_in), "MotCuaOffline", ctypes.byref(entropy), None, None, _UI_FORBIDDEN,
                      ctypes.byref(data_out))
    else:
        ok = function(ctypes.byref(data_in), None, ctypes.byref(entropy), None, None, _UI_FORBIDDEN,
                      ctypes.byref(data_out))
    if not ok:
        raise UserError("Windows không mở được khóa bảo vệ của máy này (DPAPI). Khóa chỉ dùng được trong đúng "
                        "tài khoản Windows đã tạo ra nó.", code="dpapi_failed")
    try:
        return ctypes.string_at(data_out.pbData, data_out.cbData)
    finally:
        kernel32.LocalFree(data_out.pbData)


def active() -> bool:
    """Is DPAPI wrapping in use on this system?"""
    return sys.platform == "win32"


def protect(data: bytes) -> bytes:
    """What to write to disk for a secret: DPAPI-wrapped on Windows, unchanged elsewhere."""
    if not active():
        return data
    return MAGIC + _call("CryptProtectData", data)


def unprotect(stored: bytes) -> bytes:
    """The secret back from what :func:`protect` wrote (or from a plain file of an older version)."""
    if not stored.startswith(MAGIC):
        return stored
    if not active():
        raise UserError("Tệp khóa này được bảo vệ bằng DPAPI của Windows; chỉ mở được trên đúng máy và tài khoản "
                        "Windows đã tạo ra nó.", code="dpapi_failed")
    return _call("CryptUnprotectData", stored[len(MAGIC):])


def is_protected(stored: bytes) -> bool:
    return stored.startswith(MAGIC)
