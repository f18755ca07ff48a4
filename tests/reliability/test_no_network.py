"""No network at run time: index build, ask, check, educate and the app start pass with outbound sockets blocked.

A ``sitecustomize`` bootstrap, put first on PYTHONPATH of a subprocess, wraps ``socket.socket.connect`` /
``connect_ex`` / ``sendto`` and ``socket.getaddrinfo`` before anything else is imported: loopback is allowed,
anything else raises (as a ward network that forbids outbound traffic would) and is written to a log. The test
then asserts the log is empty. The HF_* / TRANSFORMERS_* / GRADIO_* offline switches are removed from the
environment, so the code has to stay offline on its own.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BOOTSTRAP = '''
"""Test bootstrap: block and record every non-loopback connection or name lookup."""
import errno, ipaddress, os, socket

_LOG = os.environ["NETBLOCK_LOG"]
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _record(kind, target):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {kind} {target!r}\\n")


def _local_host(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _local(sock, address):
    if sock.family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return True
    return _local_host(address[0])


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    if not _local(self, address):
        _record("connect", address)
        raise OSError(errno.ENETUNREACH, "outbound network blocked by the test")
    return _connect(self, address)


def connect_ex(self, address):
    if not _local(self, address):
        _record("connect_ex", address)
        return errno.ENETUNREACH
    return _connect_ex(self, address)


def sendto(self, data, *args):
    address = args[-1]
    if not _local(self, address):
        _record("sendto", address)
        raise OSError(errno.ENETUNREACH, "outbound network blocked by the test")
    return _sendto(self, data, *args)


def _numeric(host):
    try:
        ipaddress.ip_address((host.decode() if isinstance(host, bytes) else host).split("%")[0])
        return True
    except (ValueError, AttributeError):
        return False


def getaddrinfo(host, *args, **kwargs):
    if not (_local_host(host) or _numeric(host)):  # an address literal needs no lookup; connect() judges it
        _record("getaddrinfo", host)
        raise socket.gaierror(socket.EAI_NONAME, "name lookup blocked by the test")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo = getaddrinfo
'''

DRIVER = """
import contextlib, json, sys, traceback
from pathlib import Path
from cd38_guide.cli import main

out = Path({out!r})
results = {{}}
for name, argv in {commands!r}:
    with (out / f"{{name}}.out").open("w", encoding="utf-8") as so, (out / f"{{name}}.err").open("w") as se:
        with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
            try:
                results[name] = main(argv)
            except BaseException:
                traceback.print_exc()
                results[name] = "exception"
(out / "results.json").write_text(json.dumps(results))
print("COMMANDS DONE", flush=True)
sys.exit(main(["serve", "--port", "{port}"]))
"""

PROFILE = {"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}, "hbv": "negative"}
QUESTION = "How long a washout is needed before rechallenging with an anti-CD38 antibody?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _blocked_env(tmp_path: Path, home: Path) -> tuple[dict[str, str], Path]:
    boot = tmp_path / "netblock"
    boot.mkdir()
    (boot / "sitecustomize.py").write_text(BOOTSTRAP)
    log = tmp_path / "netblock.log"
    log.touch()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CD38_GUIDE_", "HF_", "TRANSFORMERS_", "GRADIO_", "PYTEST_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(boot), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        NETBLOCK_LOG=str(log),
        CD38_GUIDE_HOME=str(home),
    )
    return env, log


def test_the_bootstrap_blocks_outbound_and_allows_loopback(tmp_path: Path) -> None:
    """Control: the block really blocks (and records), and loopback really works."""
    env, log = _blocked_env(tmp_path, tmp_path / "home")
    probe = textwrap.dedent(
        """
        import socket, urllib.request
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
        socket.create_connection(server.getsockname(), timeout=5).close()  # loopback: allowed
        socket.create_connection(("localhost", server.getsockname()[1]), timeout=5).close()
        for target in (("203.0.113.7", 443), ("example.org", 80)):
            try:
                socket.create_connection(target, timeout=5)
            except OSError as err:
                print("blocked", target[0], type(err).__name__)
        try:
            urllib.request.urlopen("https://huggingface.co/api/models", timeout=5)
        except OSError as err:
            print("blocked url", type(err).__name__)
        """
    )
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    expected = ["blocked 203.0.113.7 OSError", "blocked example.org gaierror", "blocked url URLError"]
    assert proc.stdout.split("\n")[:3] == expected
    entries = log.read_text().splitlines()
    assert [e.split(" ", 2)[1] for e in entries] == ["connect", "getaddrinfo", "getaddrinfo"]
    assert "203.0.113.7" in entries[0] and "huggingface.co" in entries[2]


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_index_ask_check_educate_and_serve_with_outbound_network_blocked(tmp_path: Path) -> None:
    home = tmp_path / "home"  # fresh: the index is built from scratch with the real model
    env, log = _blocked_env(tmp_path, home)
    out = tmp_path / "out"
    out.mkdir()
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps(PROFILE))
    commands = [
        ("index", ["index"]),
        ("ask", ["ask", QUESTION, "--json"]),
        ("ask_zh", ["ask", "达雷妥尤单抗会干扰输血前的血型检测吗？", "--json"]),
        ("check", ["check", str(patient), "--json"]),
        ("educate", ["educate", "--topic", "infections", "--patient", str(patient)]),
    ]
    port = _free_port()
    script = textwrap.dedent(DRIVER.format(out=str(out), commands=commands, port=port))
    server_log = tmp_path / "server.log"
    with server_log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", script], env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT
        )
    url = f"http://127.0.0.1:{port}/"
    page = b""
    try:
        deadline = time.monotonic() + 1200
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the subprocess exited with {proc.returncode}:\n{server_log.read_text()[-4000:]}")
            if (out / "results.json").exists():
                try:
                    with urllib.request.urlopen(url, timeout=5) as resp:
                        assert resp.status == 200
                        page = resp.read()
                        break
                except OSError:
                    pass
            time.sleep(1)
        else:
            pytest.fail(f"no page at {url}:\n{server_log.read_text()[-4000:]}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    results = json.loads((out / "results.json").read_text())
    errors = {name: (out / f"{name}.err").read_text()[-2000:] for name, code in results.items() if code != 0}
    assert results == dict.fromkeys(results, 0), errors
    assert (home / "current" / "manifest.json").is_file()
    ans = json.loads((out / "ask.out").read_text())
    assert not ans["abstained"] and "consensus-rechallenge-washout" in {c["passage_id"] for c in ans["citations"]}
    assert json.loads((out / "ask_zh.out").read_text())["citations"]
    assert json.loads((out / "check.out").read_text())["anti_cd38"]["status"] == "candidate"
    assert "infection" in (out / "educate.out").read_text().lower()
    assert b"cd38-guide" in page
    attempts = log.read_text()
    assert attempts == "", f"outbound connections were attempted:\n{attempts}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_cli_in_a_loopback_only_network_namespace(real_assistant, real_home: Path, tmp_path: Path) -> None:
    """Belt and braces where the OS allows it: in a network namespace with no interface but loopback, even native
    code (Rust tokenizers, FAISS, libcurl) has no way out. Uses the session's already-built real index."""
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode != 0:
        pytest.skip("unshare -n is not permitted here (needs root or user namespaces)")
    env, log = _blocked_env(tmp_path, real_home)
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps(PROFILE))
    for argv in (
        ["ask", QUESTION, "--json"],
        ["check", str(patient)],
        ["educate", "--topic", "retreatment", "--lang", "zh"],
    ):
        proc = subprocess.run(
            [unshare, "-n", sys.executable, "-m", "cd38_guide", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=ROOT,
        )
        assert proc.returncode == 0, (argv, proc.stderr[-2000:])
        assert proc.stdout.strip()
    assert log.read_text() == ""
