"""The status page served while the app warms up: 503 with Retry-After, the build's progress, gone on exit."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from cd38_guide.ui.starting import StartingPage


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int) -> urllib.error.HTTPError:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/any/path", timeout=5)
    return info.value


def test_status_page_shows_progress_and_frees_the_port() -> None:
    port = _free_port()
    with StartingPage("127.0.0.1", port) as page:
        err = _get(port)
        assert err.code == 503 and err.headers["Retry-After"] == "3"
        body = err.read().decode()
        assert "Loading the model and the index" in body and 'http-equiv="refresh"' in body
        page.progress(120, 315)
        body = _get(port).read().decode()
        assert "120 of 315 texts" in body and "120/315" in body
    with socket.socket() as s:  # closed: the app can bind the same port
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_a_taken_port_is_left_to_the_app_to_report() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with StartingPage("127.0.0.1", port) as page:
            assert page._server is None


@pytest.mark.slow
@pytest.mark.browser
def test_early_visitor_sees_the_status_then_the_app(server: dict, real_home, browser) -> None:
    """Open the address while `serve` warms up: the status page first, then (it reloads itself) the app."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    if server["log"] is None:
        pytest.skip("needs the session's own index (CD38_GUIDE_TEST_URL is set)")
    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env.update(CD38_GUIDE_HOME=str(real_home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cd38_guide", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=root,
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        deadline = time.monotonic() + 60
        while True:  # the status page comes up within a second or two of the start
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                break
            except Exception:  # connection refused until the status page listens
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        if page.locator("#status").count():  # still warming (a fast machine may already serve the app)
            assert "Loading the model" in page.locator("#status").inner_text()
            shots = root / "tests" / "artifacts" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "phone-starting.png"))
        page.wait_for_selector("#question textarea", timeout=180_000)  # reloaded itself into the app
    finally:
        context.close()
        proc.terminate()
        proc.wait(timeout=30)
