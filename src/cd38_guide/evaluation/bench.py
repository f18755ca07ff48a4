"""The benchmark: index build (cold and incremental), warm and cold query latency against the llama-index
retriever, memory, and scaling on synthetic chunks (``scale``). It prints figures; nothing in the
test suite asserts a duration.

Everything runs in a temporary home and a temporary copy of the corpus, so the user's index and embedding
cache are neither used nor touched.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cd38_guide.errors import InputError
from cd38_guide.evaluation.metrics import percentiles
from cd38_guide.evaluation.scale import N_SCALE_QUERIES, SEED, scale_point

if TYPE_CHECKING:
    from cd38_guide.config import Settings

log = logging.getLogger(__name__)

DEFAULT_SCALES: tuple[int, ...] = (10_000, 100_000)
MAX_WARM_QUESTIONS = 60
BENCH_SENTENCE = "This sentence was added by the benchmark to measure an incremental rebuild."

FIXED_QUESTIONS: tuple[str, ...] = (
    "What progression-free survival did daratumumab, lenalidomide and dexamethasone give in POLLUX?",
    "How does daratumumab interfere with blood bank compatibility testing, and how is it handled?",
    "Which premedications reduce infusion reactions with daratumumab?",
    "Is subcutaneous daratumumab as effective as intravenous?",
    "How should neutropenia on an anti-CD38 regimen be managed?",
    "Should patients on daratumumab be screened for hepatitis B?",
    "What is the evidence for isatuximab with carfilzomib and dexamethasone?",
    "Can an anti-CD38 antibody be given again after progression on one?",
    "What does triple-class refractory mean?",
    "How is 1q21 gain defined in the 2025 IMS/IMWG high-risk definition?",
    "达雷妥尤单抗输注反应如何预防？",
    "What is the dose of insulin for type 1 diabetes?",
)
"""Used for warm latency when no gold file is available."""


def parse_scales(text: str) -> tuple[int, ...]:
    """'10000,100000' -> (10000, 100000); '' -> () (no scaling run).

    Raises:
        InputError: a value that is not a positive whole number.
    """
    out = []
    for part in text.replace("_", "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 20:
            raise InputError(f"--scale: {part!r} is not a chunk count of at least 20; use e.g. --scale 10000,100000")
        out.append(int(part))
    return tuple(out)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its waited-for children) in MB."""
    peak = resource.getrusage(who).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def _ms(values: Sequence[float]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 3) for k, v in percentiles(values).items()}


# ---------------------------------------------------------------- corpus copy and incremental edit


def copy_corpus(dirs: Sequence[Path], target: Path) -> list[Path]:
    """Copy each existing corpus folder to ``target/corpus-<i>``; the copies are what the benchmark indexes."""
    copies = []
    for i, d in enumerate(p for p in dirs if p.is_dir()):
        dest = target / f"corpus-{i}"
        shutil.copytree(d, dest)
        copies.append(dest)
    if not copies:
        raise InputError("no corpus folder exists to benchmark; check CD38_GUIDE_CORPUS_DIRS")
    return copies


def edit_one_passage(corpus) -> str:
    """Append a sentence after the first sentence of the first passage whose text occurs once in its file.

    Returns:
        The id of the passage changed.
    Raises:
        InputError: no passage could be edited safely.
    """
    for p in corpus.passages.values():
        sentences = p.sentence_texts()
        if not p.path or not sentences:
            continue
        path = Path(p.path)
        text = path.read_text(encoding="utf-8")
        first = sentences[0]
        if text.count(first) == 1 and first.endswith((".", "?", "!")):
            path.write_text(text.replace(first, f"{first} {BENCH_SENTENCE}", 1), encoding="utf-8")
            return p.id
    raise InputError("no passage could be edited for the incremental build benchmark")


# ---------------------------------------------------------------- the real pipeline


def _questions(gold_path: Path | None) -> list[str]:
    if gold_path is not None and Path(gold_path).is_file():
        from cd38_guide.evaluation.datasets import load_gold

        qs = [q.question for q in load_gold(gold_path)]
        step = max(1, -(-len(qs) // MAX_WARM_QUESTIONS))  # spread over the file rather than its first topics
        return qs[::step]
    return list(FIXED_QUESTIONS)


def questions_all(gold_path: Path | None) -> list[str]:
    """Every gold question (the real query vectors of the scale points), or none without a gold file."""
    if gold_path is None or not Path(gold_path).is_file():
        return []
    from cd38_guide.evaluation.datasets import load_gold

    return [q.question for q in load_gold(gold_path)]


def _cli_command() -> list[str]:
    script = Path(sys.executable).with_name("cd38-guide")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cd38_guide"]


def settings_env(settings: Settings) -> dict[str, str]:
    """``CD38_GUIDE_*`` variables that make a child process read exactly ``settings``."""
    env = {
        "CD38_GUIDE_HOME": str(settings.home),
        "CD38_GUIDE_CORPUS_DIRS": json.dumps([str(d) for d in settings.corpus_dirs]),
    }
    for section, values in settings.model_dump(mode="json", exclude={"home", "corpus_dirs"}).items():
        for name, value in values.items():
            if value is None:  # unset optional (e.g. model.onnx_path): the child's default is the same
                continue
            key = f"CD38_GUIDE_{section.upper()}__{name.upper()}"
            env[key] = value if isinstance(value, str) else json.dumps(value)
    return env


def _child_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD38_GUIDE_")}
    env.update(settings_env(settings), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    return env


def _timed_child(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``command``; returns (process, wall seconds, CPU seconds of the child).

    CPU time (user + sys) is what the command would take on an idle machine; wall time on a shared one
    includes waiting for a core, so both are reported.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, wall, cpu


def cold_ask(settings: Settings, question: str) -> dict[str, Any]:
    """Wall and CPU time of ``cd38-guide ask QUESTION`` in a new process, from its start to its exit.

    The index for ``settings`` is already built; a child that rebuilt it anyway would be timing a build, so
    that is reported (``cold_ask_rebuilt``) rather than hidden.
    """
    current = settings.home / "current"
    before = os.readlink(current) if current.is_symlink() else None
    proc, wall, cpu = _timed_child([*_cli_command(), "ask", question], _child_env(settings))
    if proc.returncode != 0:
        log.warning("cold ask failed (exit %d): %s", proc.returncode, proc.stderr.strip()[-300:])
        return {"cold_ask_s": None, "cold_ask_error": proc.stderr.strip()[-300:]}
    after = os.readlink(current) if current.is_symlink() else None
    return {
        "cold_ask_s": round(wall, 3),
        "cold_ask_cpu_s": round(cpu, 3),
        "cold_ask_rebuilt": before != after,
        "cold_ask_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
    }


BENCH_PATIENT = {"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}}


def cold_check(settings: Settings, tmp: Path) -> dict[str, Any]:
    """Wall and CPU time of ``cd38-guide check patient.json`` in a new process (the rules need no index)."""
    patient = tmp / "bench-patient.json"
    patient.write_text(json.dumps(BENCH_PATIENT), encoding="utf-8")
    proc, wall, cpu = _timed_child([*_cli_command(), "check", str(patient)], _child_env(settings))
    if proc.returncode != 0:
        return {"cold_check_s": None, "cold_check_error": proc.stderr.strip()[-300:]}
    return {"cold_check_s": round(wall, 3), "cold_check_cpu_s": round(cpu, 3)}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api_ask(url: str, question: str, timeout: float) -> dict:
    """One call of the app's /ask endpoint over plain HTTP (Gradio's call API: POST, then read the event)."""
    import urllib.request

    request = urllib.request.Request(
        f"{url}gradio_api/call/ask",
        data=json.dumps({"data": [question]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        event_id = json.loads(resp.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=timeout) as resp:
        body = resp.read().decode()
    for block in body.split("\n\n"):
        if block.startswith("event: complete"):
            return json.loads(block.split("data:", 1)[1])[0]
    raise RuntimeError(f"/ask gave no answer: {body[-300:]}")


def app_start(settings: Settings, question: str, timeout_s: float = 300.0) -> dict[str, Any]:
    """``cd38-guide serve`` from a new process: seconds until it returns its first /ask answer, and its RSS then.

    The index is already built, so this is start-up alone: imports, corpus and index loading, the app.
    """
    import psutil

    url = f"http://127.0.0.1:{_free_port()}/"
    port = url.rsplit(":", 1)[1].strip("/")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*_cli_command(), "serve", "--port", port],
        env=_child_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    out: dict[str, Any] = {"app_first_answer_s": None}
    try:
        while time.perf_counter() - t0 < timeout_s:
            if proc.poll() is not None:
                out["app_error"] = (proc.stderr.read() if proc.stderr else b"").decode()[-300:]
                return out
            try:
                answer = _api_ask(url, question, timeout=timeout_s)
            except OSError:
                time.sleep(0.05)
                continue
            out["app_first_answer_s"] = round(time.perf_counter() - t0, 3)
            out["app_first_answer_ok"] = bool(answer.get("answer"))
            break
        info = psutil.Process(proc.pid)
        cpu = info.cpu_times()
        out["app_first_answer_cpu_s"] = round(cpu.user + cpu.system, 3)  # the server's own CPU time until then
        out["serve_rss_mb"] = round(info.memory_info().rss / (1024 * 1024), 1)
        for _ in range(5):  # a few more questions: what a first clinician's session adds
            _api_ask(url, question, timeout=timeout_s)
        out["serve_rss_after_questions_mb"] = round(info.memory_info().rss / (1024 * 1024), 1)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pipeline_bench(
    settings: Settings,
    *,
    gold_path: Path | None = None,
    reps: int = 3,
    with_baseline: bool = True,
    with_cold_ask: bool = True,
    with_app: bool = True,
    progress: Callable[[str], None] | None = None,
    vectors_out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build (cold, incremental), warm latency vs llama-index, cold ask/check, app start and RSS on a corpus copy.

    ``vectors_out``, when given, receives the real chunk and sentence vectors (``base``) and the questions'
    vectors (``queries``) for the scale points.
    """
    from cd38_guide.assistant import Assistant
    from cd38_guide.corpus import load_corpus
    from cd38_guide.index.export_onnx import export
    from cd38_guide.index.onnx_embedder import OnnxEmbedder
    from cd38_guide.index.store import build_index

    say = progress or (lambda _msg: None)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cd38-bench-") as tmp_name:
        tmp = Path(tmp_name)
        copies = copy_corpus(settings.corpus_dirs, tmp)
        bs = settings.model_copy(update={"home": tmp / "home", "corpus_dirs": copies})

        export(bs.model)  # normally done by `make install`; not part of the build's time
        say("cold index build (fresh home, empty embedding cache)")
        t0, c0 = time.perf_counter(), time.process_time()
        corpus = load_corpus(bs.all_corpus_dirs)
        manifest = build_index(corpus, OnnxEmbedder(bs.model), bs)
        out["index_build_s"] = round(time.perf_counter() - t0, 3)
        out["index_build_cpu_s"] = round(time.process_time() - c0, 3)  # all threads: up to 2x wall on 2 cores
        out["index_chunks"] = manifest.n_chunks
        out["index_embedded"] = manifest.embedded_new

        say("incremental index build (one passage changed)")
        out["incremental_passage"] = edit_one_passage(corpus)
        t0 = time.perf_counter()
        corpus = load_corpus(bs.all_corpus_dirs)
        embedder = OnnxEmbedder(bs.model)
        manifest = build_index(corpus, embedder, bs)
        out["incremental_build_s"] = round(time.perf_counter() - t0, 3)
        out["incremental_embedded"] = manifest.embedded_new

        questions = _questions(gold_path)
        say(f"warm latency: {len(questions)} questions x {reps} repetitions")
        assistant = Assistant(bs, embedder=embedder).warm()
        baseline = None
        if with_baseline:
            from cd38_guide.evaluation.baseline import LlamaIndexBaseline

            baseline = LlamaIndexBaseline(corpus.passages.values(), embedder.model_dir).build()
            baseline.retrieve(questions[0])
            out["llamaindex_build_s"] = round(baseline.build_seconds or 0.0, 3)
        assistant.ask(questions[0])
        ours: list[float] = []
        ours_cpu: list[float] = []  # one-threaded path: CPU time is the latency an idle machine would see
        theirs: list[float] = []
        retrieval: list[float] = []  # our hybrid retrieval alone: the same job as the llama-index retriever's
        encoder: list[float] = []
        # Each rep times every question in one block per path (ours, our retrieval alone, llama-index), blocks
        # alternating rep by rep so both see the same machine. Not question by question: torch's OpenMP workers and
        # onnxruntime's query workers both spin briefly after a call, and interleaving single calls made each path
        # pay for the other's spinning (two runs minutes apart on this machine: interleaved, ours 15.6 ms and
        # llama-index 24.1 ms; in blocks, 11.0 and 14.4 ms).
        for _ in range(reps):
            for q in questions:
                t, c = time.perf_counter(), time.process_time()
                answer = assistant.ask(q)
                ours.append((time.perf_counter() - t) * 1000)
                ours_cpu.append((time.process_time() - c) * 1000)
                encoder.append(answer.timings_ms.get("embedding", 0.0))
            for q in questions:
                t = time.perf_counter()
                assistant.retrieve(q)
                retrieval.append((time.perf_counter() - t) * 1000)
            if baseline is not None:
                for q in questions:
                    t = time.perf_counter()
                    baseline.retrieve(q)
                    theirs.append((time.perf_counter() - t) * 1000)
        mine, base = _ms(ours), _ms(theirs)
        out["query_p50_ms"], out["query_p95_ms"] = mine["p50"], mine["p95"]
        out["llamaindex_query_p50_ms"], out["llamaindex_query_p95_ms"] = base["p50"], base["p95"]
        out["query_vs_llamaindex"] = (
            round(mine["p50"] / base["p50"], 3) if mine["p50"] is not None and base["p50"] else None
        )
        out["query_cpu_p50_ms"] = _ms(ours_cpu)["p50"]
        out["encoder_p50_ms"] = _ms(encoder)["p50"]
        out["retrieve_p50_ms"] = _ms(retrieval)["p50"]
        out["retrieve_vs_llamaindex"] = (
            round(out["retrieve_p50_ms"] / base["p50"], 3) if out["retrieve_p50_ms"] and base["p50"] else None
        )
        out["n_queries"] = len(ours)
        out["peak_rss_mb"] = peak_rss_mb()  # this process: it also holds the llama-index baseline and torch
        if vectors_out is not None:
            import faiss

            inner = faiss.downcast_index(getattr(assistant.index.vectors, "index"))  # noqa: B009 - typed object
            vectors_out["base"] = np.vstack(
                [inner.reconstruct_n(0, inner.ntotal), assistant.index.sentence_vectors]
            ).astype(np.float32)
            vectors_out["queries"] = embedder.embed(questions_all(gold_path) or questions)

        if with_cold_ask:
            say("cold ask and check in new processes")
            out.update(cold_ask(bs, questions[0]))
            out.update(cold_check(bs, tmp))
        if with_app:
            say("app start-up: first /ask answer and RSS")
            out.update(app_start(bs, questions[0]))
        del assistant, baseline
        gc.collect()
    return out


# ---------------------------------------------------------------- entry point


def run_bench(
    settings: Settings | None = None,
    *,
    scales: Sequence[int] = DEFAULT_SCALES,
    out_dir: Path | None = Path("eval/reports/latest"),
    gold_path: Path | None = Path("eval/gold.jsonl"),
    reps: int = 3,
    n_queries: int = N_SCALE_QUERIES,
    progress: Callable[[str], None] | None = None,
    with_parity: bool = True,
) -> dict[str, Any]:
    """Run the whole benchmark and write ``bench.json`` into ``out_dir`` (if given); returns the figures."""
    from datetime import datetime

    from cd38_guide.config import Settings

    settings = settings or Settings()
    say = progress or (lambda _msg: None)
    vectors: dict[str, Any] = {}
    result: dict[str, Any] = pipeline_bench(settings, gold_path=gold_path, reps=reps, progress=say, vectors_out=vectors)
    if with_parity and gold_path is not None and Path(gold_path).is_file():
        say("answer parity: the ONNX path vs sentence-transformers on the whole gold set")
        result["answer_parity"] = parity_vs_sentence_transformers(settings, Path(gold_path))
    result["scale"] = []
    for n in scales:
        say(f"synthetic scale: {n:,} chunks")
        result["scale"].append(
            scale_point(
                n,
                settings.index,
                settings.retrieval,
                n_queries=n_queries,
                base_vectors=vectors.get("base"),
                query_vectors=vectors.get("queries"),
            )
        )
        gc.collect()  # so the next scale's RSS does not carry this one's index
    result["config"] = {
        "index": settings.index.model_dump(),
        "retrieval": settings.retrieval.model_dump(),
        "reps": reps,
        "scale_queries": n_queries,
        "seed": SEED,
        "cpu_count": os.cpu_count(),
        "embedder": "onnxruntime (ONNX export of the bundled all-MiniLM-L6-v2)",
        "query_threads": settings.model.query_threads,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "torch_threads": _torch_threads(),
    }
    result["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        report_json = out_dir / "report.json"
        if report_json.is_file():  # keep report.md's speed targets in step with the new figures
            from cd38_guide.evaluation.render import render_markdown

            report = json.loads(report_json.read_text(encoding="utf-8"))
            (out_dir / "report.md").write_text(render_markdown(report, result), encoding="utf-8")
    return result


def parity_vs_sentence_transformers(settings: Settings, gold_path: Path) -> dict[str, Any]:
    """Answers of the ONNX path vs the previous sentence-transformers path on every gold question."""
    from cd38_guide.evaluation.parity import answer_parity
    from cd38_guide.index.embedder import MiniLMEmbedder
    from cd38_guide.index.onnx_embedder import OnnxEmbedder

    with tempfile.TemporaryDirectory(prefix="cd38-parity-") as tmp:
        copies = copy_corpus(settings.corpus_dirs, Path(tmp))
        ps = settings.model_copy(update={"corpus_dirs": copies})
        return answer_parity(ps, gold_path, MiniLMEmbedder(ps.model), OnnxEmbedder(ps.model), Path(tmp) / "homes")


def _torch_threads() -> int | None:
    if "torch" not in sys.modules:
        return None
    return int(sys.modules["torch"].get_num_threads())
