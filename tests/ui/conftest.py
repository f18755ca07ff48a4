"""A real server for the UI tests (`cd38-guide serve` in a subprocess over the project corpus) and a real chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_S = 600  # a fresh home builds the index first (about a minute here; slower machines need more)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(real_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`cd38-guide serve --port <free>` over the project corpus with CD38_GUIDE_HOME in a temp dir (no login
    variables); yields {url, pid, log}; stopped at the end of the session. CD38_GUIDE_TEST_URL=http://... uses an
    already running server instead (for a quick loop while working on the layout)."""
    if os.environ.get("CD38_GUIDE_TEST_URL"):
        yield {"url": os.environ["CD38_GUIDE_TEST_URL"], "pid": None, "log": None}
        return
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env.update(
        CD38_GUIDE_HOME=str(real_home),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cd38_guide", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {STARTUP_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(1)
        yield {"url": url, "pid": proc.pid, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def client(server: dict):
    from gradio_client import Client

    return Client(server["url"], verbose=False)


def _ensure_chromium() -> str:
    """Debian's chromium; installed with apt when missing and running as root (Playwright's download is not used)."""
    if not Path(CHROMIUM).exists() and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: run `make browser` (as root) or `sudo apt-get install chromium`")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = _ensure_chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Outside:
    """Every request the page makes; ``outside()`` lists those not sent to the test server's host."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.urls: list[str] = []

    def record(self, request) -> None:
        self.urls.append(request.url)

    def outside(self) -> list[str]:
        return [
            u for u in self.urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != self.host
        ]


@pytest.fixture
def page(browser, server: dict) -> Iterator:
    """A fresh page on the app; after the test, asserts that the page asked nothing of any other host."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["url"].rstrip("/"))
    pg = context.new_page()
    requests = Outside("127.0.0.1")
    pg.on("request", requests.record)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(server["url"])
    pg.wait_for_selector("#question textarea")
    pg.requests = requests  # type: ignore[attr-defined]
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert requests.outside() == [], f"the page made outside requests: {requests.outside()}"
    assert dialogs == [], f"a script opened a dialog: {dialogs}"


@pytest.fixture
def shot(page):
    """``shot(name)`` saves a full-page screenshot under tests/artifacts/screenshots/ (git-ignored)."""

    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
