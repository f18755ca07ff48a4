"""The audit log (CD38_GUIDE_AUDIT): off by default; one fsynced JSON line per answer or patient check; question
hashed unless CD38_GUIDE_AUDIT_TEXT=1; profile absent unless CD38_GUIDE_AUDIT_PATIENT=1; never breaks the caller;
and a process SIGKILLed mid-stream leaves every completed record intact."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cd38_guide import audit
from cd38_guide.cli import main

ASK_KEYS = {"time", "event", "question_hmac", "passages", "abstained", "latency_ms"}
PROFILE = {"age": 83, "prior_lines": 3, "ecog": 2, "exposure": {"lenalidomide": "refractory"}, "hbv": "hbsag_positive"}


def records(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


@pytest.fixture
def audit_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit" / "audit.jsonl"
    path.parent.mkdir()
    monkeypatch.setenv(audit.ENV_PATH, str(path))
    monkeypatch.delenv(audit.ENV_TEXT, raising=False)
    monkeypatch.delenv(audit.ENV_PATIENT, raising=False)
    return path


def test_off_unless_configured(fake_assistant, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(audit.ENV_PATH, raising=False)
    before = sorted(p for p in tmp_path.rglob("*") if "home" not in p.parts)
    fake_assistant.ask("How long is the washout before drug A is given again?")
    assert sorted(p for p in tmp_path.rglob("*") if "home" not in p.parts) == before


def test_ask_record_hashes_the_question_by_default(fake_assistant, audit_file: Path) -> None:
    t0 = datetime.now(UTC)
    ans = fake_assistant.ask("  How long is the washout before drug A is given again?  ")
    [rec] = records(audit_file)
    assert set(rec) == ASK_KEYS and rec["event"] == "ask"
    assert rec["question_hmac"] == audit.question_digest(ans.question, audit.secret_key())
    assert rec["question_hmac"] != hashlib.sha256(ans.question.encode()).hexdigest()  # keyed, not a plain hash
    assert rec["passages"] == [c.passage_id for c in ans.citations] and "alpha-washout" in rec["passages"]
    assert rec["abstained"] is False and rec["latency_ms"] == pytest.approx(ans.latency_ms, abs=0.01)
    when = datetime.fromisoformat(rec["time"].replace("Z", "+00:00"))
    assert rec["time"].endswith("Z") and when.utcoffset().total_seconds() == 0
    assert abs((when - t0).total_seconds()) < 60
    assert b"given again" not in audit_file.read_bytes()
    assert stat.S_IMODE(audit_file.stat().st_mode) == 0o600


def test_abstention_is_recorded(fake_assistant, audit_file: Path) -> None:
    ans = fake_assistant.ask("What is the first-line treatment for migraine?")
    [rec] = records(audit_file)
    assert ans.abstained and rec["abstained"] is True and rec["passages"] == []


def test_question_text_when_enabled(fake_assistant, audit_file: Path, monkeypatch) -> None:
    monkeypatch.setenv(audit.ENV_TEXT, "1")
    fake_assistant.ask("药物A再次治疗前的洗脱期是多久？")
    [rec] = records(audit_file)
    assert rec["question"] == "药物A再次治疗前的洗脱期是多久?" and "question_hmac" not in rec  # NFKC: ？ -> ?
    assert "洗脱期" in audit_file.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes


def test_refused_question_writes_nothing(fake_assistant, audit_file: Path) -> None:
    from cd38_guide.errors import InputError

    with pytest.raises(InputError):
        fake_assistant.ask("   ")
    assert not audit_file.exists()


def test_appends_and_never_rewrites(fake_assistant, audit_file: Path) -> None:
    audit_file.write_text('{"event": "earlier"}\n')
    fake_assistant.ask("Were drug A doses delayed for neutropenia?")
    fake_assistant.ask("What was the design of the ALPHA trial?")
    recs = records(audit_file)
    assert recs[0] == {"event": "earlier"} and [r["event"] for r in recs[1:]] == ["ask", "ask"]


@pytest.mark.parametrize("where", ["directory", "missing-dir"])
def test_io_error_is_logged_not_raised(fake_assistant, tmp_path, monkeypatch, caplog, where: str) -> None:
    target = tmp_path / "is-a-dir" if where == "directory" else tmp_path / "no" / "such" / "audit.jsonl"
    if where == "directory":
        target.mkdir()
    monkeypatch.setenv(audit.ENV_PATH, str(target))
    with caplog.at_level(logging.WARNING, logger="cd38_guide.audit"):
        ans = fake_assistant.ask("How long is the washout before drug A is given again?")
    assert ans.answer and not ans.abstained
    [warning] = [r for r in caplog.records if r.name == "cd38_guide.audit"]
    assert warning.levelno == logging.ERROR and str(target) in warning.getMessage()  # shown by the CLI by default
    assert "washout" not in warning.getMessage()


def test_concurrent_writers_never_interleave(fake_assistant, audit_file: Path, monkeypatch) -> None:
    monkeypatch.setenv(audit.ENV_TEXT, "1")
    fake_assistant.warm()
    questions = [f"Washout before drug A retreatment, case {i}: " + "detail " * 250 for i in range(120)]
    threads = [
        threading.Thread(target=lambda qs=questions[i::6]: [fake_assistant.ask(q) for q in qs]) for i in range(6)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    recs = records(audit_file)
    assert len(recs) == 120
    assert sorted(r["question"] for r in recs) == sorted(" ".join(q.split()) for q in questions)


# ------------------------------------------------------------------ patient checks


def test_cli_check_logs_no_profile_by_default(tmp_path: Path, audit_file: Path, capsys) -> None:
    (tmp_path / "p.json").write_text(json.dumps(PROFILE))
    assert main(["check", str(tmp_path / "p.json")]) == 0
    [rec] = records(audit_file)
    assert set(rec) == {"time", "event", "passages", "abstained", "latency_ms", "ruleset_version"}
    assert rec["event"] == "check" and rec["passages"] and rec["latency_ms"] >= 0
    raw = audit_file.read_text()
    for value in (":83", "hbsag_positive", '"prior_lines"', '"age"', "profile"):
        assert value not in raw.replace(rec["time"], "").replace(str(rec["latency_ms"]), ""), value


def test_cli_check_logs_the_profile_when_enabled(tmp_path: Path, audit_file: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(audit.ENV_PATIENT, "1")
    (tmp_path / "p.json").write_text(json.dumps(PROFILE))
    assert main(["check", str(tmp_path / "p.json")]) == 0
    [rec] = records(audit_file)
    assert rec["profile"]["age"] == 83 and rec["profile"]["hbv"] == "hbsag_positive"
    assert rec["profile"]["exposure"]["lenalidomide"] == "refractory"


def test_rejected_profile_writes_nothing(tmp_path: Path, audit_file: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(audit.ENV_PATIENT, "1")
    (tmp_path / "p.json").write_text('{"age": 150, "prior_lines": 2}')
    assert main(["check", str(tmp_path / "p.json")]) == 2
    assert not audit_file.exists()


def test_ui_check_endpoint_and_patient_tab_are_audited(fake_assistant, tmp_path: Path, audit_file: Path) -> None:
    from cd38_guide.ui.app import build_app, check_endpoint
    from cd38_guide.ui.patient_form import EXAMPLE_PROFILE, profile_to_values

    check_endpoint(json.dumps(PROFILE))
    demo = build_app(fake_assistant, reports_dir=tmp_path, downloads_dir=tmp_path)
    [on_check] = [f.fn for f in demo.fns.values() if f.api_name == "on_check"]
    on_check("en", *profile_to_values(EXAMPLE_PROFILE))
    recs = records(audit_file)
    assert [r["event"] for r in recs] == ["check", "check"] and all("profile" not in r for r in recs)


# ------------------------------------------------------------------ a writer killed mid-stream

WRITER = """
import shutil, sys, tempfile, threading
from pathlib import Path
from cd38_guide.assistant import Assistant
from cd38_guide.config import AnswerSettings, Settings
from cd38_guide.index.embedder import HashingEmbedder

base = Path(tempfile.mkdtemp())
shutil.copytree({corpus!r}, base / "corpus")
settings = Settings(home=base / "home", corpus_dirs=[base / "corpus"], answer=AnswerSettings(abstain_threshold=0.2))
assistant = Assistant(settings, embedder=HashingEmbedder()).warm()
out = threading.Lock()

def loop(t):
    n = 0
    try:
        while True:
            assistant.ask(f"thread {{t}} question {{n}}: washout before drug A? " + "context " * 200)
            with out:  # reported only after ask() returned, i.e. after the record was written and fsynced
                sys.stdout.write(f"DONE {{t}} {{n}}\\n")
                sys.stdout.flush()
            n += 1
    except BaseException:
        import os, traceback
        traceback.print_exc()
        os._exit(3)  # the parent sees EOF at once instead of waiting on a silent pipe

for t in range({threads}):
    threading.Thread(target=loop, args=(t,), daemon=True).start()
threading.Event().wait()
"""


@pytest.mark.timeout(300)
@pytest.mark.parametrize("threads", [1, 4])
def test_sigkill_mid_stream_leaves_every_completed_record_intact(tmp_path: Path, threads: int) -> None:
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    log_path = tmp_path / "audit.jsonl"
    env = {**os.environ, audit.ENV_PATH: str(log_path), audit.ENV_TEXT: "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER.format(corpus=str(corpus), threads=threads))],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    reported: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while len(reported) < 60 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "the writer exited early"
            reported.append(line)
        proc.send_signal(signal.SIGKILL)  # no chance to flush or clean up: the log is what the disk holds
        proc.wait(timeout=30)
        reported += proc.stdout.readlines()  # lines already in the pipe when it died
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done = {tuple(line.split()[1:]) for line in reported if line.startswith("DONE ")}
    assert len(done) >= 60

    raw = log_path.read_bytes()
    lines = raw.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    recs = [json.loads(line) for line in complete]  # every complete line parses: none of them is broken
    assert tail == b"" or not raw.endswith(b"\n")  # at most the very last line may be cut short
    logged = {tuple(r["question"].split(":")[0].split()[1::2]) for r in recs}
    assert all(r["event"] == "ask" and set(r) == ASK_KEYS - {"question_hmac"} | {"question"} for r in recs)
    assert done <= logged, "every ask the writer reported as done is in the log"
    # At most one record per thread was written but not yet reported when the kill landed.
    assert len(done) <= len(recs) <= len(done) + threads
    assert len(logged) == len(recs), "no record is duplicated"
