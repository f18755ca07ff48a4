"""The clinician-facing commands must not import torch, transformers, sentence-transformers or llama-index.

Importing those costs seconds per process (measured: sentence_transformers 3.3 s, torch 0.9-1.9 s), which is
what made a cold ``cd38-guide ask`` take 8-13 s. Each command runs in a fresh interpreter through the real
entry point (``cd38_guide.cli.main``); the test reads ``sys.modules`` when it returns. ``serve`` runs its
whole start-up (assistant, index, app, warm-up) with Gradio's ``launch`` and ``block_thread`` stubbed, so no
port is opened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("torch", "transformers", "sentence_transformers", "llama_index")

_RUNNER = """
import importlib, json, os, sys, threading
from cd38_guide.cli import main

out_path, argv = sys.argv[1], json.loads(sys.argv[2])
if os.environ.get("IMPORT_BUDGET_PRELOAD"):  # only for the test of this harness
    importlib.import_module(os.environ["IMPORT_BUDGET_PRELOAD"])
if argv[0] == "serve":
    import gradio

    def _record(self, *args, **kwargs):  # the app is built; stop here instead of serving
        return None

    gradio.Blocks.launch = _record
    gradio.Blocks.block_thread = _record
rc = main(argv)
for thread in threading.enumerate():  # the app's background warm-up counts too
    if thread.name.startswith("cd38-guide"):
        thread.join(timeout=300)
with open(out_path, "w") as f:
    json.dump({"rc": rc, "modules": sorted(sys.modules)}, f)
"""


def run_command(argv: list[str], home: Path, tmp_path: Path, preload: str = "") -> dict:
    """Run ``cd38-guide ARGV`` in a new interpreter; returns its exit code and loaded top-level modules."""
    out = tmp_path / f"modules-{argv[0]}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env["IMPORT_BUDGET_PRELOAD"] = preload
    env.update(CD38_GUIDE_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="0")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(out), json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    result["top"] = sorted({m.split(".")[0] for m in result["modules"]})
    return result


def heavy(result: dict) -> list[str]:
    return [m for m in FORBIDDEN if m in result["top"]]


def test_check_imports_nothing_heavy(tmp_path: Path) -> None:
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}}))
    result = run_command(["check", str(patient)], tmp_path / "home", tmp_path)
    assert result["rc"] == 0
    assert heavy(result) == []
    assert "faiss" not in result["top"] and "onnxruntime" not in result["top"]  # the rules need no index at all


def test_educate_imports_nothing_heavy(tmp_path: Path) -> None:
    result = run_command(["educate", "--topic", "retreatment", "--lang", "zh"], tmp_path / "home", tmp_path)
    assert result["rc"] == 0
    assert heavy(result) == []


@pytest.fixture(scope="module")
def built_home(real_assistant, real_home: Path) -> Path:
    """The session's real index (built through the ONNX encoder), so ``ask`` and ``serve`` only open it."""
    return real_home


@pytest.mark.slow
def test_ask_uses_onnx_and_imports_nothing_heavy(built_home: Path, tmp_path: Path) -> None:
    result = run_command(
        ["ask", "Which premedications reduce infusion reactions with daratumumab?"], built_home, tmp_path
    )
    assert result["rc"] == 0
    assert heavy(result) == []
    assert "onnxruntime" in result["top"]  # the question really was embedded, through the ONNX path
    assert "nltk" not in result["top"]  # its __init__ pulls scipy.stats, sklearn and pandas; the stemmer is vendored
    current = json.loads((built_home / "current" / "manifest.json").read_text())
    assert current["onnx_sha256"]  # ...over an index the ONNX encoder built, which the child did not rebuild


@pytest.mark.slow
def test_ask_batch_imports_nothing_heavy(built_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "1", "question": "达雷妥尤单抗输注反应如何预防？"}\n', encoding="utf-8")
    result = run_command(["ask", "--batch", str(batch), "--out", str(tmp_path / "a.jsonl")], built_home, tmp_path)
    assert result["rc"] == 0
    assert heavy(result) == []


@pytest.mark.slow
def test_serve_start_up_imports_nothing_heavy(built_home: Path, tmp_path: Path) -> None:
    result = run_command(["serve", "--port", "0"], built_home, tmp_path)
    assert result["rc"] == 0
    assert "gradio" in result["top"]  # the app was really built
    assert heavy(result) == []


def test_the_harness_sees_a_forbidden_import(tmp_path: Path) -> None:
    """A command run with llama-index loaded is caught by the same check (so the tests above can fail)."""
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"age": 72, "prior_lines": 2}))
    result = run_command(["check", str(patient)], tmp_path / "home", tmp_path, preload="llama_index.core")
    assert result["rc"] == 0
    assert heavy(result) == ["llama_index"]
