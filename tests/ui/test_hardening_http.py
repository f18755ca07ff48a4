"""Hardening of the HTTP layer (issue 15, items 2, 3, 8 and 11), through a real server and a real HTTP client.

The guards are checked on the app launched in-process with ``launch_options()`` over the test corpus and the
hashing embedder (a real uvicorn server, fast to start); the ``serve`` path itself (login from the environment,
the private folder removed on SIGTERM) is checked on a ``cd38-guide serve`` subprocess.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cd38_guide.cli import main

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "ward", "s3cret"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app over the test corpus, launched with ``launch_options()`` and a login; yields {url, port, demo}."""
    import shutil

    from cd38_guide.assistant import Assistant
    from cd38_guide.config import AnswerSettings, Settings
    from cd38_guide.index.embedder import HashingEmbedder
    from cd38_guide.ui.app import build_app, launch_options

    base = tmp_path_factory.mktemp("guarded")
    shutil.copytree(ROOT / "tests" / "data" / "corpus", base / "corpus")
    settings = Settings(home=base / "home", corpus_dirs=[base / "corpus"], answer=AnswerSettings(abstain_threshold=0.2))
    assistant = Assistant(settings, embedder=HashingEmbedder()).warm()
    demo = build_app(assistant, reports_dir=base)
    port = _free_port()
    demo.queue(default_concurrency_limit=4).launch(
        server_name="127.0.0.1",
        server_port=port,
        auth=(USER, PASSWORD),
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        **launch_options(),
    )
    try:
        yield {"url": f"http://127.0.0.1:{port}", "port": port, "demo": demo}
    finally:
        demo.close()


def _request(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _login(url: str, password: str) -> int:
    body = urllib.parse.urlencode({"username": USER, "password": password}).encode()
    return _request(f"{url}/login", body, {"Content-Type": "application/x-www-form-urlencoded"})[0]


def _login_cookie(url: str) -> str:
    body = urllib.parse.urlencode({"username": USER, "password": PASSWORD}).encode()
    req = urllib.request.Request(f"{url}/login", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return "; ".join(c.split(";", 1)[0] for c in resp.headers.get_all("set-cookie"))


# ---------------------------------------------------------------- 2. one request can take gigabytes


def test_request_body_limit_15_mb_is_refused_at_the_http_layer(guarded: dict) -> None:
    """Refused from the headers alone, before a byte of the 15 MB body is read (the attack took 1.8 GB, 9.3 s)."""
    body = json.dumps({"data": ["washout? " * 1_700_000]}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", guarded["port"], timeout=60)
    try:
        t0 = time.perf_counter()
        conn.putrequest("POST", "/gradio_api/call/ask")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        try:
            conn.send(body[:65536])
        except OSError:
            pass  # the server may already have answered and closed
        resp = conn.getresponse()
        elapsed = time.perf_counter() - t0
        assert resp.status == 413 and b"larger than the limit" in resp.read()
        assert elapsed < 3, f"{elapsed:.1f} s to refuse"
    finally:
        conn.close()


def test_request_body_limit_applies_to_chunked_bodies(guarded: dict) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", guarded["port"], timeout=60)
    try:
        chunk = b"x" * 1_000_000
        conn.request(
            "POST",
            "/gradio_api/call/ask",
            body=iter([chunk] * 5),
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        resp = conn.getresponse()
        assert resp.status == 413
    finally:
        conn.close()


def test_request_body_limit_small_requests_still_work(guarded: dict) -> None:
    cookie = _login_cookie(guarded["url"])
    status, reply = _request(
        f"{guarded['url']}/gradio_api/call/ask",
        json.dumps({"data": ["How long is the washout before drug A is given again?"]}).encode(),
        {"Content-Type": "application/json", "Cookie": cookie},
    )
    assert status == 200 and "event_id" in json.loads(reply)


# ---------------------------------------------------------------- 3. per-session state is bounded


def test_state_session_capacity_bounds_sessions(guarded: dict) -> None:
    from cd38_guide.ui.app import STATE_SESSION_CAPACITY

    demo = guarded["demo"]
    assert demo.state_session_capacity == STATE_SESSION_CAPACITY <= 100
    holder = demo.state_holder
    for i in range(STATE_SESSION_CAPACITY + 50):  # every new client is a new session of about 320 KB
        holder[f"load-session-{i}"]
    assert len(holder.session_data) <= STATE_SESSION_CAPACITY


def test_state_session_capacity_conversation_state_is_bounded() -> None:
    from cd38_guide.ui.ask_tab import MAX_TURNS

    assert MAX_TURNS <= 20


# ---------------------------------------------------------------- 11. login


def test_login_rate_limit(guarded: dict) -> None:
    url = guarded["url"]
    codes = [_login(url, f"wrong-{i}") for i in range(50)]
    assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}, codes
    assert _login(url, PASSWORD) == 429, "locked out: even the right password waits"


def test_login_openapi_json_needs_login(guarded: dict) -> None:
    for path in ("/openapi.json", "/gradio_api/openapi.json", "/docs"):
        status, body = _request(guarded["url"] + path)
        assert status in (401, 404), (path, status)
        assert b'"paths"' not in body


@pytest.mark.parametrize("user,password", [("   ", "   "), ("ward", " \t "), ("", "x"), ("ward", None)])
def test_login_whitespace_credentials_refused(monkeypatch, capsys, user, password) -> None:
    monkeypatch.setenv("CD38_GUIDE_USER", user)
    if password is None:
        monkeypatch.delenv("CD38_GUIDE_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("CD38_GUIDE_PASSWORD", password)
    assert main(["serve", "--host", "0.0.0.0", "--port", str(_free_port())]) == 2
    err = capsys.readouterr().err
    assert "CD38_GUIDE_USER" in err and "Traceback" not in err


def test_login_guards_are_reusable_middleware() -> None:
    """The REST API mounts the same guards: plain ASGI classes plus a Middleware list for FastAPI(...)."""
    from cd38_guide.web_guard import BodySizeLimit, LoginRateLimit, guard_middleware

    assert [m.cls for m in guard_middleware()] == [BodySizeLimit, LoginRateLimit]
    limiter = LoginRateLimit(lambda *a: None, max_failures=3, window_s=10, lockout_s=30, clock=lambda: 100.0)
    for _ in range(3):
        limiter.record("10.0.0.1", ok=False)
    assert limiter.retry_after("10.0.0.1") == 30 and limiter.retry_after("10.0.0.2") == 0


# ---------------------------------------------------------------- 8. patient data left world-readable


def test_exports_are_private_files(fake_assistant, tmp_path: Path, monkeypatch) -> None:
    from gradio import processing_utils

    from cd38_guide.private_files import private_dir
    from cd38_guide.ui.app import build_app
    from cd38_guide.ui.patient_form import EXAMPLE_PROFILE, profile_to_values

    demo = build_app(fake_assistant, reports_dir=tmp_path)
    [on_check] = [f.fn for f in demo.fns.values() if f.api_name == "on_check"]
    outputs = on_check("en", *profile_to_values(EXAMPLE_PROFILE))
    files = [Path(x["value"] if isinstance(x, dict) else x) for x in _file_values(outputs)]
    assert files, "the patient check should export a JSON and a Markdown report"
    root = private_dir()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for f in files:
        assert root in f.parents and stat.S_IMODE(f.stat().st_mode) == 0o600, f
        assert stat.S_IMODE(f.parent.stat().st_mode) == 0o700
        copy = Path(processing_utils.save_file_to_cache(str(f), str(root / "gradio")))  # what Gradio serves
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and root in copy.parents


def _file_values(outputs) -> list:
    """The file paths among an event's outputs (plain paths or gr.update dicts)."""
    found = []
    for out in outputs if isinstance(outputs, list | tuple) else [outputs]:
        value = out.get("value") if isinstance(out, dict) else out
        if isinstance(value, str) and value.endswith((".json", ".md")) and Path(value).is_file():
            found.append(value)
    return found


def _serve(real_home: Path, port: int, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """``cd38-guide serve`` in a child process on ``port``, over ``real_home``, with no login."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CD38_GUIDE_", "GRADIO_TEMP_DIR"))}
    env.update(CD38_GUIDE_HOME=str(real_home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    return subprocess.Popen(
        [sys.executable, "-m", "cd38_guide", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        cwd=ROOT,
    )


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_exports_private_folder_is_removed_when_the_server_stops(real_home: Path) -> None:
    port = _free_port()
    proc = _serve(real_home, port)
    try:
        deadline = time.monotonic() + 600
        while True:
            assert proc.poll() is None, "the server exited"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(1)
        import tempfile

        [private] = Path(tempfile.gettempdir()).glob(f"cd38-guide-{proc.pid}-*")
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not private.exists(), "the private folder outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("delay", [0.0, 0.3, 0.6])
def test_a_stop_during_the_warm_up_exits_cleanly(real_assistant: object, real_home: Path, delay: float) -> None:
    """SIGTERM just after "ready", while the warm-up thread builds the encoder session: exit 0, not SIGABRT."""
    proc = _serve(real_home, _free_port(), stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        seen = b""
        while b"ready at" not in seen:
            line = proc.stderr.readline()
            assert line, f"the server exited before it was ready: {seen.decode()[-500:]}"
            seen += line
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=120) == 0, rest.decode()[-500:]
        assert b"terminate called" not in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
