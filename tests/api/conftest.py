"""A real uvicorn server over the API app, in a thread, for HTTP tests (ports 7890-7899, loopback only)."""

from __future__ import annotations

import datetime
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = datetime.date(2026, 11, 29)
PORTS = range(7890, 7900)


def free_port() -> int:
    """A free port in 7890-7899 (this worktree's range), else any free port."""
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 in a daemon thread until ``stop``."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(app: Any) -> Iterator[LiveServer]:
    live = LiveServer(app).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def api_fake_service(tmp_path_factory: pytest.TempPathFactory):
    """An ApiService over the small test corpus with the hashing embedder, its clock fixed at TODAY."""
    from cd38_guide.api import ApiService
    from cd38_guide.assistant import Assistant
    from cd38_guide.config import AnswerSettings, Settings
    from cd38_guide.index.embedder import HashingEmbedder

    root = tmp_path_factory.mktemp("api-fake")
    shutil.copytree(DATA / "corpus", root / "corpus")
    settings = Settings(home=root / "home", corpus_dirs=[root / "corpus"], answer=AnswerSettings(abstain_threshold=0.2))
    return ApiService(Assistant(settings, embedder=HashingEmbedder()), today=lambda: TODAY).warm()


@pytest.fixture(scope="session")
def api_server(api_fake_service) -> Iterator[LiveServer]:
    """The standalone API app (no login) over the fake service, served for the whole session."""
    from cd38_guide.api import create_app

    yield from serve(create_app(api_fake_service))


@pytest.fixture
def client(api_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        yield c


@pytest.fixture
def make_server():
    """``with make_server(app) as live:`` a LiveServer for one test."""
    from contextlib import contextmanager

    return contextmanager(serve)
