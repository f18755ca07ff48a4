"""The API over the real assistant (bundled MiniLM, project corpus): CLI parity, schemathesis, workers, serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings

from cd38_guide.cli import main

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TIMING_FIELDS = ("latency_ms", "timings_ms")


@pytest.fixture(scope="module")
def real_api(real_assistant) -> Iterator[str]:
    """The standalone app over the real assistant, served by uvicorn in a thread of this process."""
    import datetime
    import threading

    import uvicorn

    from cd38_guide.api import ApiService, create_app

    service = ApiService(real_assistant, today=lambda: datetime.date(2026, 11, 29))
    port = _port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _port() -> int:
    import socket

    for port in range(7890, 7900):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 7890-7899")


@pytest.mark.parametrize(
    "question",
    [
        "How long a washout is needed before rechallenging with an anti-CD38 antibody?",
        "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?",
        "抗CD38单抗再次治疗前需要多长的洗脱期？",
        "What is the best pizza topping?",
    ],
)
def test_v1_ask_equals_cli_ask_json(
    real_api: str, real_home: Path, question: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("CD38_GUIDE_HOME", str(real_home))
    api = httpx.post(f"{real_api}/v1/ask", json={"question": question}, timeout=120).json()
    assert main(["ask", question, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    for field in TIMING_FIELDS:
        api.pop(field), cli.pop(field)
    assert api == cli


def test_card_links_open_their_passages(real_api: str) -> None:
    req = json.loads((ROOT / "tests" / "cds" / "data" / "dara-last-dose.request.json").read_text(encoding="utf-8"))
    card = httpx.post(f"{real_api}/cds-services/{req['service']}", json=req["request"], timeout=60).json()["cards"][0]
    assert card["links"]
    for link in card["links"]:
        assert link["url"].startswith(f"{real_api}/v1/passages/")
        passage = httpx.get(link["url"], timeout=30)
        assert passage.status_code == 200 and passage.json()["id"] == link["label"].removeprefix("Evidence ")


def _schema():
    import schemathesis

    return schemathesis.openapi.from_path(str(ROOT / "docs" / "openapi.json"))


schema = _schema()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_no_500s_and_responses_match_the_committed_schema(real_api: str, case) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    case.call_and_validate(
        base_url=real_api,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


def test_workers_2_serve_from_two_processes(real_home: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env.update(CD38_GUIDE_HOME=str(real_home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    port = _port()
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cd38_guide", "api", "--port", str(port), "--workers", "2"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    pids: set[int] = set()
    try:
        deadline = time.monotonic() + 600
        while len(pids) < 2:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"only {pids} answered:\n{log.read_text()[-3000:]}"
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=30).json()
                pids.add(health["pid"])
                assert health["rss_mb"] > 50
            except httpx.HTTPError:
                time.sleep(1)
        assert proc.pid not in pids  # the supervisor only supervises
        ask = httpx.post(f"http://127.0.0.1:{port}/v1/ask", json={"question": "zoster prophylaxis?"}, timeout=120)
        assert ask.status_code == 200 and ask.json()["citations"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_mounts_the_api_in_the_gradio_app(real_assistant) -> None:
    """The same routes, handlers and guard inside Gradio's own app, as `serve` launches it."""
    import gradio as gr

    from cd38_guide.api import ApiService, mount_kwargs

    with gr.Blocks() as demo:
        gr.Markdown("x")
    port = _port()
    demo.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        app_kwargs=mount_kwargs(ApiService(real_assistant)),
        ssr_mode=False,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/v1/health", timeout=30).json()["ruleset_version"]
        assert httpx.get(f"{base}/cds-services", timeout=30).json()["services"]
        bad = httpx.post(f"{base}/v1/check", json={"age": 5, "prior_lines": 1}, timeout=30)
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        assert httpx.get(f"{base}/", timeout=30).status_code == 200  # Gradio still serves its page
    finally:
        demo.close()
