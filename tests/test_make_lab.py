"""`make lab` serves the course: start it, fetch the lab page and lesson 00, stop it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_lesson_00(tmp_path):
    port, token = _free_port(), "allies-test-token"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}",
         f"LAB_ARGS=--no-browser --IdentityProvider.token={token}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, last = time.monotonic() + 120, None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=5) as r:
                    page = r.read().decode()
                    break
            except (urllib.error.URLError, ConnectionError) as exc:
                last = exc
                if proc.poll() is not None:
                    pytest.fail(f"make lab exited early:\n{proc.stdout.read()}")
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not answer on {base} within 120 s ({last})")
        assert "JupyterLab" in page or "jupyter-config-data" in page
        url = f"{base}/api/contents/lessons/00_start_here.ipynb?token={token}&content=0"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = proc.stdout.read()
    assert f"127.0.0.1:{port}/lab/tree/lessons/00_start_here.ipynb" in output, output[-2000:]
