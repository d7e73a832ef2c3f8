"""The hub's read API behind province accounts, served by ``python -m province serve`` over HTTPS.

Before accounts existed, anyone who could reach the hub read every unit's late list with applicants'
full names (``/api/v1/reports/periodic?unit=all``) and the device/batch lists (``/api/v1/units``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from desktop.platform import clock
from desktop.db.session import Database
from province import auth
from province.db import Hub
from province.models import HubAccessAudit, HubUser
from tests.net.conftest import free_port, wait_for_hub
from tests.sync_support import connect_desk, deliver, export, receive

ROOT = Path(__file__).resolve().parents[2]
NAME = "Phạm Thị Riêng Tư"
PASSWORD = "mat-khau-cua-tinh"
GETS = ["/", "/units", "/docs", "/openapi.json", "/api/v1/units", "/api/v1/units/10375/status",
        "/api/v1/packages/latest", "/api/v1/reports/periodic?unit=all&period=2026",
        "/api/v1/reports/periodic?unit=by-unit&period=2026",
        "/api/v1/reports/periodic?unit=10375&period=2026&format=xlsx",
        "/api/v1/reports/periodic?unit=all&period=2026&format=pdf", "/api/v1/reports/indicators?unit=all&period=2026"]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def _province(hub: Hub, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    url = str(hub.engine.url.render_as_string(hide_password=False))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUTF8="1", MOTCUA_NOW=clock.iso(clock.now()) or "")
    return subprocess.run([sys.executable, "-m", "province", "--db-url", url, "--data-dir", str(hub.data_dir), *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def served(hub: Hub, db: Database, tmp_path: Path) -> Iterator[str]:
    """A hub holding one unit's dossiers (with an applicant's name), served over HTTPS by the CLI."""
    connect_desk(db, hub, tmp_path / "desk")
    receive(db, 2, name=NAME)
    deliver(hub, db, export(db, tmp_path / "usb"), tmp_path / "usb")
    cert, key = _self_signed(tmp_path / "tls")
    port = free_port()
    url = str(hub.engine.url.render_as_string(hide_password=False))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUTF8="1", MOTCUA_NOW=clock.iso(clock.now()) or "")
    process = subprocess.Popen([sys.executable, "-m", "province", "--db-url", url, "--data-dir", str(hub.data_dir),
                                "serve", "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    base = f"https://127.0.0.1:{port}"
    try:
        wait_for_hub(base, process, verify=False)
        yield base
    finally:
        process.terminate()  # uvicorn waits for open keep-alive connections; do not wait for it long
        try:
            output, _ = process.communicate(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        assert "https://127.0.0.1" in output  # bound to loopback, over HTTPS


def _login(base: str, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(base + "/api/v1/login", json={"username": username, "password": password}, verify=False)


def _client(base: str, username: str) -> httpx.Client:
    token = _login(base, username)
    assert token.status_code == 200, token.text
    return httpx.Client(base_url=base, verify=False, timeout=60,
                        headers={"Authorization": f"Bearer {token.json()['token']}"})


def _text(response: httpx.Response, path: str) -> str:
    if path.endswith("xlsx"):
        sheets = load_workbook(io.BytesIO(response.content)).worksheets
        return " ".join(str(c.value) for ws in sheets for row in ws.iter_rows() for c in row if c.value is not None)
    if path.endswith("pdf"):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return response.text


def test_every_get_without_credentials_is_401_without_names(served: str) -> None:
    assert httpx.get(served + "/api/v1/health", verify=False).status_code == 200
    for path in GETS:
        answer = httpx.get(served + path, verify=False)
        assert answer.status_code == 401, path
        assert NAME not in answer.text and "10375" not in answer.text, path
    forged = httpx.get(served + "/api/v1/units", verify=False, headers={"Authorization": "Bearer v1.e30.AAAA"})
    assert forged.status_code == 401


def test_viewer_sees_aggregates_officer_sees_names_and_is_audited(served: str, hub: Hub) -> None:
    made = _province(hub, "user", "add", "xem", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert _province(hub, "user", "add", "canbo.tinh", "--role", "officer", "--password-stdin",
                     stdin=PASSWORD + "\n").returncode == 0
    viewer, officer = _client(served, "xem"), _client(served, "canbo.tinh")
    for path in GETS[4:]:
        if "packages" in path:
            continue
        seen = viewer.get(path)
        assert seen.status_code == 200, (path, seen.text)
        assert NAME not in _text(seen, path), path
    report = viewer.get("/api/v1/reports/periodic?unit=10375&period=2026").json()
    assert report["total"]["received"]["total"] == 2  # the aggregates are all there
    named = officer.get("/api/v1/reports/periodic?unit=10375&period=2026&format=xlsx")
    assert named.status_code == 200
    with hub.reading() as session:
        rows = session.scalars(select(HubAccessAudit).where(HubAccessAudit.personal.is_(True))).all()
    assert [(r.username, r.route) for r in rows] == [("canbo.tinh", "/api/v1/reports/periodic")]
    assert rows[0].params["format"] == "xlsx"
    log = _province(hub, "access-log", "--json")
    assert log.returncode == 0 and '"canbo.tinh"' in log.stdout


def test_disable_passwd_expiry_and_lockout(served: str, hub: Hub) -> None:
    auth.add_user(hub, "tam", PASSWORD, "viewer")
    client = _client(served, "tam")
    assert client.get("/api/v1/units").status_code == 200
    assert _province(hub, "user", "disable", "tam").returncode == 0
    assert client.get("/api/v1/units").status_code == 401  # the open token ends with the account
    assert _login(served, "tam").status_code == 401
    assert _province(hub, "user", "enable", "tam").returncode == 0
    client = _client(served, "tam")
    assert _province(hub, "user", "passwd", "tam", "--password-stdin", stdin="mat-khau-moi-12\n").returncode == 0
    assert client.get("/api/v1/units").status_code == 401  # a new password ends old sessions
    with hub.reading() as session:
        generation = session.get(HubUser, "tam").token_generation
    old = auth.issue_token(hub, auth.Principal("tam", "viewer", generation), now=clock.now() - auth.TOKEN_TTL * 2)
    assert httpx.get(served + "/api/v1/units", verify=False,
                     headers={"Authorization": f"Bearer {old}"}).status_code == 401
    for _ in range(auth.MAX_FAILURES):
        assert _login(served, "tam", "sai-mat-khau").status_code == 401
    locked = _login(served, "tam", "mat-khau-moi-12")
    assert locked.status_code == 429 and "tạm khóa" in locked.json()["message"]


def test_user_command_refuses_weak_password_and_unknown_role(hub: Hub) -> None:
    weak = _province(hub, "user", "add", "a", "--role", "viewer", "--password-stdin", stdin="ngan\n")
    assert weak.returncode == 2 and "ít nhất" in weak.stderr
    role = _province(hub, "user", "add", "b", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert role.returncode == 2 and "Traceback" not in role.stderr
    assert auth.list_users(hub) == []


def test_desk_package_download_is_signed_by_the_device(served: str, hub: Hub, db: Database,
                                                        cli: Callable[..., object]) -> None:
    """The desk still downloads the province package (device signature, no account); a stranger cannot."""
    from desktop.sync.push import device_signer, fetch_package

    assert fetch_package(served, current=0, signer=device_signer(db), client=httpx.Client(verify=False)) is None
    assert httpx.get(served + "/api/v1/packages/latest?after=0", verify=False).status_code == 401


def test_control_characters_in_a_name_or_code_are_refused_not_500(served: str, hub: Hub) -> None:
    """Review 13: on PostgreSQL a NUL in the log-in name (no account needed), in a report's unit or in the
    status route's code was a 500 (PostgreSQL refuses NUL in text); a lone surrogate in a JSON password
    was a 500 on both databases. Each is now the ordinary refusal, and the read is still audited."""
    auth.add_user(hub, "tam", PASSWORD, "officer")
    for name, password in (("a\x00b", PASSWORD), ("\ud800", PASSWORD), ("tam", "\ud800" + PASSWORD)):
        body = json.dumps({"username": name, "password": password}).encode("ascii")  # \u0000, \ud800 escaped
        refused = httpx.post(served + "/api/v1/login", content=body, verify=False,
                             headers={"content-type": "application/json"})
        assert refused.status_code == 401 and refused.json()["code"] == "bad_login", (name, refused.text)
    form = httpx.post(served + "/login", content=b"username=a%00b&password=x", verify=False,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 401 and "Sai tên đăng nhập" in form.text
    client = _client(served, "tam")
    for path in ("/api/v1/reports/periodic?unit=%00&period=2026", "/api/v1/reports/periodic?unit=1%000375&period=2026"
                 "&format=xlsx", "/api/v1/reports/indicators?unit=%00&period=2026"):
        answer = client.get(path)
        assert answer.status_code == 400 and "chưa có dữ liệu của đơn vị" in answer.json()["message"], path
    status = client.get("/api/v1/units/10375%00/status")
    assert status.status_code == 404, status.text
    assert client.get("/api/v1/units/10375/status").status_code == 200
    with hub.reading() as session:
        routes = session.scalars(select(HubAccessAudit.route).where(HubAccessAudit.username == "tam")).all()
    assert "/api/v1/units/10375\ufffd/status" in routes
