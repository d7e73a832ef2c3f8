#!/usr/bin/env python3
"""The two Quick-start commands, each doing its own set-up.

    python3 bootstrap.py app    # virtual environment, installs, demo database on first run, the window
    python3 bootstrap.py test   # virtual environment, installs, system packages, PostgreSQL, whole suite

Runs on Debian/Ubuntu and Windows with Python 3.11+. Only the standard library is used here.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
IS_WINDOWS = platform.system() == "Windows"
PY = VENV / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")
STAMP = VENV / ".installed"

# Debian packages: Qt offscreen/Xvfb, PDF and QR checks, PostgreSQL for the hub suite.
APT_RUNTIME = [
    "libglib2.0-0", "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
    "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
]
# chromium: the hub's read-only status page is checked in a headless browser; LibreOffice renders every
# xlsx in tests/reports/test_xlsx_render.py (overlapping rows, values in order).
APT_TEST = APT_RUNTIME + [
    "xvfb", "xauth", "poppler-utils", "zbar-tools", "postgresql", "chromium", "libreoffice-calc-nogui",
]

PG_DIR = Path(os.environ.get("MOTCUA_PG_DIR", "/tmp/motcua-pg"))
PG_PORT = int(os.environ.get("MOTCUA_PG_PORT", "55432"))


def say(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (editable) with the given extras, once per pyproject change."""
    if sys.version_info < (3, 11):
        sys.exit("Cần Python 3.11 trở lên / Python 3.11+ is required.")
    if not PY.exists():
        say("creating virtual environment .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
    mtime = str((ROOT / "pyproject.toml").stat().st_mtime_ns)
    if STAMP.exists():
        have, _, stamped = STAMP.read_text().partition(":")
        if stamped == mtime and (extras == have or not extras):  # the test extras include the app's needs
            return
    say(f"installing the project{f' with extras [{extras}]' if extras else ''} (first run takes a few minutes)")
    run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "-q", "-e", f".[{extras}]" if extras else "."], cwd=ROOT)
    STAMP.write_text(f"{extras}:{mtime}")


def _missing_debs(packages: list[str]) -> list[str]:
    missing = []
    for name in packages:
        probe = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
        if "install ok installed" not in probe.stdout:
            missing.append(name)
    return missing


def ensure_debs(packages: list[str]) -> None:
    """Install missing Debian packages when we can (root or passwordless sudo); otherwise say which."""
    if IS_WINDOWS or not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        return
    missing = _missing_debs(packages)
    if not missing:
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
            prefix = ["sudo", "-n"]
        else:
            say("missing system packages (install them with apt-get): " + " ".join(missing))
            return
    say("installing system packages: " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(prefix + ["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
    run(prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env,
        stdout=subprocess.DEVNULL)


def _pg_bin() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return None
    versions = sorted((p for p in base.iterdir() if (p / "bin" / "initdb").exists()), key=lambda p: p.name)
    return versions[-1] / "bin" if versions else None


STARTED: list[list[str]] = []  # the pg_ctl command line of a server this run started (stopped after the tests)


def start_postgres() -> str | None:
    """Start a throw-away PostgreSQL on 127.0.0.1 for the hub suite; returns its URL (or None)."""
    if os.environ.get("MOTCUA_PG_URL"):
        return os.environ["MOTCUA_PG_URL"]
    pg_bin = _pg_bin()
    if IS_WINDOWS or pg_bin is None:
        return None
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        PG_DIR.mkdir(parents=True, exist_ok=True)
        shutil.chown(PG_DIR, "postgres", "postgres")
    data = PG_DIR / "data"
    if not (data / "PG_VERSION").exists():
        say("initialising a PostgreSQL cluster for the hub tests")
        run(as_user + [str(pg_bin / "initdb"), "-D", str(data), "-U", "motcua", "--auth=trust", "-E", "UTF8"],
            stdout=subprocess.DEVNULL)
    ready = subprocess.run(as_user + [str(pg_bin / "pg_ctl"), "-D", str(data), "status"], capture_output=True)
    if ready.returncode != 0:
        say(f"starting PostgreSQL on 127.0.0.1:{PG_PORT}")
        run(as_user + [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(PG_DIR / "server.log"), "-w",
                       "-o", f"-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1", "start"],
            stdout=subprocess.DEVNULL)
        STARTED.append(as_user + [str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    for _ in range(30):
        probe = subprocess.run(as_user + [str(pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U",
                                          "motcua", "-d", "postgres", "-tAc",
                                          "SELECT 1 FROM pg_database WHERE datname='motcua_test'"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            if probe.stdout.strip() != "1":
                run(as_user + [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "motcua",
                               "motcua_test"])
            return f"postgresql+psycopg://motcua@127.0.0.1:{PG_PORT}/motcua_test"
        time.sleep(1)
    say("PostgreSQL did not start; see " + str(PG_DIR / "server.log"))
    return None


def _no_display() -> bool:
    """Linux without an X or Wayland display (and no QT_QPA_PLATFORM chosen): the window cannot open."""
    if IS_WINDOWS or platform.system() == "Darwin" or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_app(args: list[str]) -> int:
    if _no_display() and not any(a.startswith("-") or a.isalpha() for a in args):
        print("Không có màn hình (biến DISPLAY/WAYLAND_DISPLAY trống): phần mềm cần một màn hình để mở cửa sổ.\n"
              "Chạy trong phiên đồ họa, hoặc thử: xvfb-run -a python3 bootstrap.py app\n"
              "Dòng lệnh không cần màn hình: .venv/bin/python -m desktop --help", file=sys.stderr)
        return 2
    ensure_venv("")
    ensure_debs(APT_RUNTIME)
    env = dict(os.environ)
    return subprocess.call([str(PY), "-m", "desktop", "--demo-on-first-run", *args], cwd=ROOT, env=env)


def cmd_test(args: list[str]) -> int:
    ensure_debs(APT_TEST)
    ensure_venv("test")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
    pg_url = start_postgres()
    if pg_url:
        env["MOTCUA_PG_URL"] = pg_url
    elif os.environ.get("CI"):
        say("CI needs PostgreSQL for the hub suite, and it could not be started")
        return 1
    try:
        return subprocess.call([str(PY), "-m", "pytest", "-q", *args], cwd=ROOT, env=env)
    finally:
        for stop in STARTED:  # leave the machine as it was: a server this run started is stopped again
            say("stopping the PostgreSQL this run started")
            subprocess.run(stop, stdout=subprocess.DEVNULL, check=False)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("app", "test"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return cmd_app(rest) if command == "app" else cmd_test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
