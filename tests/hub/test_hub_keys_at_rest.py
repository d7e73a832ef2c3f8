"""The province's private keys on the hub's disk are encrypted with a passphrase kept off the disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from desktop.db.session import Database
from province.db import Hub
from province.keys import keys_dir
from tests.sync_support import connect_desk, export, receive

ROOT = Path(__file__).resolve().parents[2]


def _province(hub: Hub, *args: str, passphrase: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_HUB_KEY_PASSPHRASE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONUTF8="1")
    if passphrase is not None:
        env["MOTCUA_HUB_KEY_PASSPHRASE"] = passphrase
    url = hub.engine.url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", "province", "--db-url", url, "--data-dir", str(hub.data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False, stdin=subprocess.DEVNULL)


def test_private_keys_are_encrypted_and_need_the_passphrase(hub: Hub, db: Database, tmp_path: Path) -> None:
    files = sorted(keys_dir(hub).glob("*.pem"))
    assert len(files) == 2
    for path in files:
        assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert (path.stat().st_mode & 0o777) == 0o600
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 1)
    export(db, tmp_path / "in")
    missing = _province(hub, "import", str(tmp_path / "in"), passphrase=None)
    assert missing.returncode == 2 and "MOTCUA_HUB_KEY_PASSPHRASE" in missing.stderr and "Traceback" not in missing.stderr
    wrong = _province(hub, "import", str(tmp_path / "in"), passphrase="khong-dung-mat-khau")
    assert wrong.returncode == 2 and "Sai mật khẩu" in wrong.stderr
    right = _province(hub, "import", str(tmp_path / "in"), "--json",
                      passphrase=os.environ["MOTCUA_HUB_KEY_PASSPHRASE"])
    assert right.returncode == 0 and '"applied"' in right.stdout


def test_plain_keys_from_before_still_load_and_can_be_encrypted(hub: Hub) -> None:
    from province import keys

    for path in keys_dir(hub).glob("*.pem"):  # as an older hub wrote them
        key = keys.load_private(path)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    fresh = Hub(engine=hub.engine, sessions=hub.sessions, data_dir=hub.data_dir)  # no cached keys
    assert keys.signing_key(fresh) is not None
    done = _province(hub, "keys", "encrypt", passphrase=os.environ["MOTCUA_HUB_KEY_PASSPHRASE"])
    assert done.returncode == 0 and "Đã mã hóa 2 tệp" in done.stdout
    for path in keys_dir(hub).glob("*.pem"):
        assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert keys.signing_key(Hub(engine=hub.engine, sessions=hub.sessions, data_dir=hub.data_dir)) is not None
