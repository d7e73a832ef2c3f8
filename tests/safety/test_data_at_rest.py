"""Issue #13, data at rest: what the desk writes is its user's only (POSIX), keys are DPAPI-wrapped on Windows."""

from __future__ import annotations

import ctypes
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.platform import keyprotect
from desktop.errors import UserError
from province.cli import main as province_main

ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses the per-user ACL")


def _desk(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m desktop`` in a child started with the usual umask 022, as a shell would."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MOTCUA_DATA_DIR=str(data), PYTHONUTF8="1",
               MOTCUA_NOW="2026-11-20T10:00:00+07:00")
    done = subprocess.run([sys.executable, "-m", "desktop", "--db", str(data / "motcua.sqlite3"), *args],
                          env=env, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    return done


def _loose(folder: Path) -> list[str]:
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(folder.parent)} {oct(mode)}")
    return found


@posix_only
def test_everything_the_desk_writes_is_owner_only(tmp_path: Path) -> None:
    data, usb = tmp_path / "data", tmp_path / "usb"
    _desk(data, "init", "--unit-code", "10375", "--unit-name", "UBND xã Tân Lập")
    _desk(data, "dossier", "receive", "--procedure", "2.000815", "--applicant", "Lý Thị Sáu",
          "--at", "2026-11-20T09:00:00")
    assert province_main(["--data-dir", str(tmp_path / "hub"), "init", "--name", "Tỉnh", "--keys-out",
                          str(tmp_path / "pub")]) == 0
    _desk(data, "sync", "keys", "--province-key", str(tmp_path / "pub" / "province.pub"))
    _desk(data, "sync", "enrol", "--out", str(usb / "enrol.json"))
    assert province_main(["--data-dir", str(tmp_path / "hub"), "enrol", str(usb / "enrol.json")]) == 0
    exported = json.loads(_desk(data, "sync", "export", "--out", str(usb), "--json").stdout)
    assert province_main(["--data-dir", str(tmp_path / "hub"), "import", exported["file"], "--receipts-out",
                          str(usb / "receipts")]) == 0
    _desk(data, "sync", "receipt", str(usb / "receipts" / f"{exported['batch_id']}.receipt.json"))
    _desk(data, "backup", "--out", str(data / "backups"))

    names = {p.name for p in data.rglob("*")}
    assert {"motcua.sqlite3", "keys", "backups"} <= names
    assert any(n.startswith("device-") for n in names) and any(n.startswith("audit-") for n in names)
    assert any(n.endswith(".anchor") for n in names) and any(n.endswith(".sqlite3") and n.startswith("motcua-")
                                                              for n in names)
    assert _loose(data) == []
    for path in (Path(exported["file"]), usb / "enrol.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@posix_only
def test_an_old_world_readable_database_is_tightened_when_opened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _desk(data, "init", "--unit-code", "10375", "--unit-name", "UBND xã Tân Lập")
    db = data / "motcua.sqlite3"
    os.chmod(db, 0o644)
    os.chmod(data, 0o755)
    _desk(data, "dossier", "receive", "--procedure", "2.000815", "--applicant", "Lý Văn Bảy",
          "--at", "2026-11-20T09:00:00")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


class _FakeDpapi:
    """Stands in for crypt32/kernel32 at the ctypes boundary: reads and writes the real DATA_BLOBs."""

    def __init__(self) -> None:
        self.freed = 0
        self.keep: list[object] = []
        self.crypt32 = self
        self.kernel32 = self

    def _run(self, data_in, entropy, flags, data_out, transform) -> int:  # type: ignore[no-untyped-def]
        blob_in = data_in._obj
        raw = ctypes.string_at(blob_in.pbData, blob_in.cbData)
        extra = ctypes.string_at(entropy._obj.pbData, entropy._obj.cbData)
        assert extra == b"MotCuaOffline desk key v1" and flags == 0x1  # entropy bound, no UI ever
        result = transform(raw)
        if result is None:
            return 0
        buffer = ctypes.create_string_buffer(result, len(result))
        self.keep.append(buffer)
        out = data_out._obj
        out.cbData = len(result)
        out.pbData = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))
        return 1

    def CryptProtectData(self, data_in, description, entropy, reserved, prompt, flags, data_out):  # type: ignore[no-untyped-def]  # noqa: N802
        assert description == "MotCuaOffline"
        return self._run(data_in, entropy, flags, data_out, lambda raw: b"W" + bytes(b ^ 0x5A for b in raw))

    def CryptUnprotectData(self, data_in, description, entropy, reserved, prompt, flags, data_out):  # type: ignore[no-untyped-def]  # noqa: N802
        return self._run(data_in, entropy, flags, data_out,
                         lambda raw: bytes(b ^ 0x5A for b in raw[1:]) if raw[:1] == b"W" else None)

    def LocalFree(self, pointer) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.freed += 1


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> _FakeDpapi:
    fake = _FakeDpapi()
    monkeypatch.setattr(keyprotect.sys, "platform", "win32")
    monkeypatch.setattr(keyprotect, "_dlls", lambda: (fake.crypt32, fake.kernel32))
    return fake


def test_non_windows_keys_are_stored_as_they_are() -> None:
    assert not keyprotect.active() or sys.platform == "win32"
    if sys.platform != "win32":
        assert keyprotect.protect(b"-----BEGIN PRIVATE KEY-----") == b"-----BEGIN PRIVATE KEY-----"
        with pytest.raises(UserError) as err:  # a Windows-wrapped file copied elsewhere opens nowhere else
            keyprotect.unprotect(keyprotect.MAGIC + b"blob")
        assert "DPAPI" in err.value.message


def test_dpapi_wraps_and_unwraps_through_the_ctypes_boundary(windows: _FakeDpapi) -> None:
    wrapped = keyprotect.protect(b"secret key bytes")
    assert wrapped.startswith(keyprotect.MAGIC) and b"secret" not in wrapped
    assert keyprotect.unprotect(wrapped) == b"secret key bytes"
    assert keyprotect.unprotect(b"plain PEM from an older version") == b"plain PEM from an older version"
    assert windows.freed == 2  # every buffer Windows allocated is given back
    with pytest.raises(UserError) as err:
        keyprotect.unprotect(keyprotect.MAGIC + b"X-not-ours")
    assert err.value.code == "dpapi_failed" and "tài khoản Windows" in err.value.message


def test_device_key_on_windows_is_wrapped_and_an_old_plain_key_rewrapped(windows: _FakeDpapi, db) -> None:  # type: ignore[no-untyped-def]
    from desktop.sync import identity

    with db.transaction() as session:
        device = identity.device_id(session)
    key = identity.signing_key(device)
    path = identity.key_path(device)
    stored = path.read_bytes()
    assert stored.startswith(keyprotect.MAGIC) and b"PRIVATE KEY" not in stored
    assert identity.public_key_b64(identity.signing_key(device)) == identity.public_key_b64(key)
    path.write_bytes(keyprotect.unprotect(stored))  # as an older version left it: plain PEM
    assert identity.public_key_b64(identity.signing_key(device)) == identity.public_key_b64(key)
    assert path.read_bytes().startswith(keyprotect.MAGIC)


def test_the_installer_never_widens_the_data_folder_acl() -> None:
    """The data folder is created by the app under %LOCALAPPDATA% (the user's own ACL); the installer
    neither creates it nor grants anyone access to it."""
    script = (ROOT / "installer" / "motcua.iss").read_text(encoding="utf-8")
    lowered = script.lower()
    assert "permissions:" not in lowered and "icacls" not in lowered and "cacls" not in lowered
    assert "[dirs]" not in lowered or "localappdata" not in lowered.split("[dirs]", 1)[1].split("\n[", 1)[0]
    entry = (ROOT / "installer" / "motcua_entry.py").read_text(encoding="utf-8")
    assert "from desktop.cli import main" in entry  # the frozen exe starts where the umask/private folders are set
