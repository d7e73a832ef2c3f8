"""The hub's read-only status page, as a province IT officer's browser shows it (headless Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.db.session import Database
from province.auth import add_user
from tests.net.conftest import LiveHub
from tests.sync_support import connect_desk, receive


PASSWORD = "mat-khau-du-dai"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Chromium is not installed (bootstrap.py installs the Debian package)")
        pytest.skip("Chromium not installed (python3 bootstrap.py test installs it)")
    return found


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-first-run", f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_status_page_renders_units_in_chromium(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    from desktop.sync.push import push

    browser = _chromium()
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 2, name="Trần Thị Ánh")
    assert push(db, live_hub.url).status == "applied"

    refused = _headless(browser, tmp_path / "anon", "--dump-dom", f"{live_hub.url}/")
    assert "Đăng nhập" in refused.stdout and "10375" not in refused.stdout  # no log-in, no status

    add_user(live_hub.hub, "sovien", PASSWORD, "viewer")
    login = tmp_path / "login.html"  # the officer types name and password; here a form submits them
    login.write_text(f'<form method="post" action="{live_hub.url}/login"><input name="username" value="sovien">'
                     f'<input name="password" value="{PASSWORD}"></form><script>document.forms[0].submit()</script>',
                     encoding="utf-8")
    dom = _headless(browser, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", login.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    assert "tình trạng đồng bộ" in page and "Xung đột chờ xử lý" in page  # diacritics survive the browser
    row = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "10375" in row and "0.1.0" in row and "không" in row  # the unit, its app version, no gaps
    assert "Trần Thị Ánh" not in page  # a status page, never personal data

    shot = tmp_path / "hub.png"
    drawn = _headless(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,480",
                      "--virtual-time-budget=5000", login.as_uri())
    assert drawn.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
