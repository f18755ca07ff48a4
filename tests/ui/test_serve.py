"""Serving: local by default, no public bind without login, optional login from the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cd38_guide.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_public_host_without_login_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("CD38_GUIDE_USER", raising=False)
    monkeypatch.delenv("CD38_GUIDE_PASSWORD", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0 without login" in err and "--insecure" in err


def test_serve_defaults_to_loopback() -> None:
    import inspect

    from cd38_guide.cli import build_parser
    from cd38_guide.ui import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"


def test_app_py_is_the_serve_command() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "--host" in proc.stdout and "--insecure" in proc.stdout


@pytest.mark.slow
def test_login_from_environment(real_home: Path) -> None:
    """With CD38_GUIDE_USER/PASSWORD set the app asks for them; the API works with them and not without."""
    from gradio_client import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env.update(
        CD38_GUIDE_HOME=str(real_home),
        CD38_GUIDE_USER="ward",
        CD38_GUIDE_PASSWORD="s3cret",
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cd38_guide", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the server exited"
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(1)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises various errors for 401
            Client(url, verbose=False).predict("washout before rechallenge?", api_name="/ask")
        ans = Client(url, auth=("ward", "s3cret"), verbose=False).predict(
            "washout before rechallenge?", api_name="/ask"
        )
        assert "answer" in ans
    finally:
        proc.terminate()
        proc.wait(timeout=20)
