"""``serve --workers N``: several hub processes on one PostgreSQL, nothing shared in memory (issue 14)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from desktop.db.session import Database
from province.cli import main as province_main
from province.db import Hub
from tests.net.conftest import free_port, wait_for_hub
from tests.sync_support import connect_desk, data_state, export, neighbour_desk, receive

ROOT = Path(__file__).resolve().parents[2]


def _start(hub: Hub, port: int, workers: int) -> subprocess.Popen[bytes]:
    url = hub.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen([sys.executable, "-m", "province", "--db-url", url, "--data-dir", str(hub.data_dir),
                             "serve", "--port", str(port), "--workers", str(workers)],
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def test_two_worker_processes_import_in_parallel(db: Database, hub: Hub, hub_url: str | None, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    if hub_url is None:  # SQLite has one writer: refused with a clear message, nothing started
        url = hub.engine.url.render_as_string(hide_password=False)
        code = province_main(["--db-url", url, "--data-dir", str(hub.data_dir), "serve", "--workers", "2"])
        assert code != 0 and "PostgreSQL" in capsys.readouterr().err
        return
    other = neighbour_desk(tmp_path / "b.sqlite3")
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        receive(db, 3, name="Nguyễn Thị Một")
        receive(other, 4, name="Trần Văn Hai")
        batches = [export(db, tmp_path / "ua"), export(other, tmp_path / "ub")]
    finally:
        other.dispose()
    port = free_port()
    server = _start(hub, port, workers=2)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_hub(base, server)
        answers = []
        for result in batches + batches:  # each twice: the repeat gets the same receipt from any worker
            assert result.file is not None
            answers.append(httpx.put(f"{base}/api/v1/batches/{result.batch_id}", content=result.file.read_bytes(),
                                     timeout=60))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert answers[0].content == answers[2].content and answers[1].content == answers[3].content
    assert [json.loads(a.content)["receipt"]["counts"]["applied"] for a in answers[:2]] == [
        batches[0].changes, batches[1].changes]
    dossiers = data_state(hub)["dossier"]
    assert len(dossiers) == 7
