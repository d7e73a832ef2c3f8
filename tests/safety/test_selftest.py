"""``--self-test`` and ``self-test`` run end to end in a child process (as the frozen exe is smoke-run)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [["--self-test"], ["self-test"]])
def test_self_test_passes_and_leaves_the_data_folder_alone(args: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "real-data"
    env = dict(os.environ, PYTHONPATH=str(ROOT), MOTCUA_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    env.pop("MOTCUA_NOW", None)
    done = subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("ĐẠT")
    assert not any(line.startswith("[LỖI]") for line in lines)
    for name in ("cơ sở dữ liệu + nâng cấp", "tiếp nhận hồ sơ", "sao lưu", "chuỗi nhật ký", "Qt + phông chữ"):
        assert any(line.startswith(f"[đạt]  {name}") for line in lines), name
    receipt = next(line for line in lines if "giấy tiếp nhận PDF" in line)
    if importlib.util.find_spec("desktop.forms") is None:
        assert receipt == "[đạt]  giấy tiếp nhận PDF: bỏ qua: bản cài này không có desktop.forms"
    else:
        assert receipt.startswith("[đạt]  giấy tiếp nhận PDF: ") and receipt.endswith(" byte")
    assert not data.exists() or not any(data.iterdir())  # nothing written to the officer's data folder
