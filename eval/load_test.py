"""Load benchmark (not a test): N concurrent gradio_client clients ask /ask for a while against a running server.

    .venv/bin/cd38-guide serve --port 7860 &
    .venv/bin/python eval/load_test.py --url http://127.0.0.1:7860/ --pid $! --out eval/reports/load_test.json

    # what `make load` runs: its own server, three consecutive 60 s runs at 30 clients, RSS per run
    .venv/bin/python eval/load_test.py --serve --runs 3 --clients 30 --duration 60 --out eval/reports/latest/load.json

With ``--rest`` the clients POST to the REST API's /v1/ask instead (``cd38-guide api``, or ``serve``'s /v1 routes);
with ``--pid`` of ``cd38-guide api --workers N`` the summary also gives each worker's RSS.

Prints the error count, p50/p95/max latency, throughput and (with --pid) the server's RSS over time, and writes the
same as a JSON summary. Each client cycles through the questions (English and Chinese, follow-up-free) from its own
offset, so the server sees a mix at every moment.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

QUESTIONS: tuple[str, ...] = (
    "How long a washout is needed before rechallenging with an anti-CD38 antibody?",
    "Which anti-CD38 regimen for a patient whose disease is refractory to lenalidomide?",
    "Does daratumumab interfere with blood bank antibody screening?",
    "What premedication is given before isatuximab infusions?",
    "Is a dose adjustment of daratumumab needed in renal impairment?",
    "How is SPEP and immunofixation interference by daratumumab resolved?",
    "What did the IKEMA trial show for isatuximab with carfilzomib?",
    "Should patients on anti-CD38 therapy receive zoster prophylaxis?",
    "达雷妥尤单抗会干扰输血前的血型检测吗？",
    "抗CD38单抗再次治疗前需要多长的洗脱期？",
    "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?",
    "What is the best pizza topping?",
)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def rss_mb(pid: int) -> float | None:
    """Resident memory of the process and its children, in MB (None when it is gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return round(total / 1e6, 1)
    except psutil.Error:
        return None


def rss_by_process(pid: int) -> dict[str, float]:
    """Resident memory of the process and of each child (e.g. each uvicorn worker), in MB, by PID."""
    import psutil

    out: dict[str, float] = {}
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return out
    for proc in procs:
        try:
            out[str(proc.pid)] = round(proc.memory_info().rss / 1e6, 1)
        except psutil.Error:
            pass
    return out


class _RestClient:
    """The /v1/ask endpoint with the call shape of gradio_client's ``predict``."""

    def __init__(self, url: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=url.rstrip("/"), timeout=120)

    def predict(self, question: str, api_name: str = "/ask") -> Any:
        resp = self.http.post("/v1" + api_name, json={"question": question})
        resp.raise_for_status()
        return resp.json()


def run(
    url: str,
    clients: int,
    duration: float,
    questions: Sequence[str],
    pid: int | None,
    sample_s: float,
    rest: bool = False,
) -> dict[str, Any]:
    """Drive the load and return the summary (latencies in ms); ``rest`` calls /v1/ask instead of Gradio's /ask."""
    from gradio_client import Client

    make_client: Any = _RestClient if rest else (lambda u: Client(u, verbose=False))

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]
    rss: list[tuple[float, float | None]] = []
    stop_sampling = threading.Event()

    def client_loop(i: int) -> None:
        try:
            client = make_client(url)
        except Exception as err:  # noqa: BLE001 - a client that cannot connect is an error to count, not a crash
            with lock:
                errors.append(f"connect: {type(err).__name__}: {err}")
            return
        start.wait()
        n = i
        while time.monotonic() < deadline[0]:
            q = questions[n % len(questions)]
            n += 1
            t0 = time.perf_counter()
            try:
                ans = client.predict(q, api_name="/ask")
                ok = isinstance(ans, dict) and "answer" in ans
                err_text = None if ok else f"bad payload: {str(ans)[:100]}"
            except Exception as err:  # noqa: BLE001 - every failure is counted and reported
                err_text = f"{type(err).__name__}: {str(err)[:200]}"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if err_text:
                    errors.append(err_text)
                else:
                    latencies.append(ms)

    def sampler(t0: float) -> None:
        while not stop_sampling.is_set():
            rss.append((round(time.monotonic() - t0, 1), rss_mb(pid) if pid else None))
            stop_sampling.wait(sample_s)

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    time.sleep(2.0)  # let every client fetch the app config before the clock starts
    t0 = time.monotonic()
    deadline[0] = t0 + duration
    samp = threading.Thread(target=sampler, args=(t0,), daemon=True)
    if pid:
        samp.start()
    start.set()
    for th in threads:
        th.join(timeout=duration + 300)
    wall = time.monotonic() - t0
    stop_sampling.set()
    if pid:
        samp.join(timeout=5)
        rss.append((round(time.monotonic() - t0, 1), rss_mb(pid)))
    mem = [m for _, m in rss if m is not None]
    return {
        "url": url,
        "clients": clients,
        "duration_s": duration,
        "wall_s": round(wall, 1),
        "requests": len(latencies) + len(errors),
        "ok": len(latencies),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:10],
        "throughput_rps": round(len(latencies) / wall, 2) if wall else None,
        "latency_ms": {
            "p50": _r(percentile(latencies, 50)),
            "p95": _r(percentile(latencies, 95)),
            "max": _r(max(latencies) if latencies else None),
            "mean": _r(statistics.fmean(latencies) if latencies else None),
        },
        "endpoint": "/v1/ask" if rest else "/ask (gradio)",
        "rss_mb": {
            "by_process_end": rss_by_process(pid) if pid else {},
            "start": mem[0] if mem else None,
            "end": mem[-1] if mem else None,
            "max": max(mem) if mem else None,
            "samples": rss,
        },
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def start_server(startup_s: float = 600) -> tuple[object, str]:
    """`cd38-guide serve` on a free loopback port (this checkout's code); (process, url) once it answers."""
    import os
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cd38_guide", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + startup_s
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"the server did not answer within {startup_s:.0f} s") from None
            time.sleep(1)


def _print_run(n: int, summary: dict[str, Any], with_rss: bool) -> None:
    lat, mem = summary["latency_ms"], summary["rss_mb"]
    line = (
        f"run {n}: requests {summary['requests']}  errors {summary['errors']}  p50 {lat['p50']} ms  "
        f"p95 {lat['p95']} ms  max {lat['max']} ms  {summary['throughput_rps']} answers/s"
    )
    if with_rss:
        line += f"  RSS start {mem['start']} MB  end {mem['end']} MB  max {mem['max']} MB"
    print(line)


def _environment() -> dict[str, Any]:
    import os
    import platform
    import subprocess
    from datetime import UTC, datetime

    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_head": head or None,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="the running server")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--pid", type=int, default=None, help="server PID, to sample its RSS")
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between RSS samples")
    parser.add_argument("--rest", action="store_true", help="POST to /v1/ask (the REST API) instead of Gradio")
    parser.add_argument("--questions", type=Path, default=None, help="a text file, one question a line")
    parser.add_argument("--out", type=Path, default=Path("eval/reports/load_test.json"), help="JSON summary path")
    parser.add_argument("--runs", type=int, default=1, help="consecutive runs against the same server")
    parser.add_argument("--serve", action="store_true", help="start `cd38-guide serve` on a free port for the runs")
    args = parser.parse_args(argv)
    questions = QUESTIONS
    if args.questions:
        questions = tuple(q for q in args.questions.read_text(encoding="utf-8").splitlines() if q.strip())
    if args.runs > 1 or args.serve:
        return _multi(args, questions)
    summary = run(args.url, args.clients, args.duration, questions, args.pid, args.sample, rest=args.rest)
    lat = summary["latency_ms"]
    print(f"{summary['clients']} clients x {summary['duration_s']:.0f} s against {summary['url']}")
    print(f"requests {summary['requests']}  ok {summary['ok']}  errors {summary['errors']}")
    print(f"latency p50 {lat['p50']} ms  p95 {lat['p95']} ms  max {lat['max']} ms")
    print(f"throughput {summary['throughput_rps']} answers/s")
    if args.pid:
        mem = summary["rss_mb"]
        print(f"server RSS start {mem['start']} MB  end {mem['end']} MB  max {mem['max']} MB")
        print("RSS over time (s, MB): " + ", ".join(f"{t:g}:{m}" for t, m in mem["samples"]))
    for e in summary["error_samples"]:
        print(f"  error: {e}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"summary written to {args.out}")
    return 1 if summary["errors"] else 0


def _multi(args: argparse.Namespace, questions: Sequence[str]) -> int:
    """``--runs`` consecutive runs (optionally against a server started here); RSS growth after the first run."""
    proc, url, pid = None, args.url, args.pid
    if args.serve:
        proc, url = start_server()
        pid = proc.pid  # type: ignore[attr-defined]
    runs: list[dict[str, Any]] = []
    try:
        for n in range(1, args.runs + 1):
            summary = run(url, args.clients, args.duration, questions, pid, args.sample, rest=args.rest)
            runs.append(summary)
            _print_run(n, summary, pid is not None)
    finally:
        if proc is not None:
            proc.terminate()  # type: ignore[attr-defined]
            proc.wait(timeout=60)  # type: ignore[attr-defined]
    ends = [r["rss_mb"]["end"] for r in runs]
    growth = round(ends[-1] - ends[0], 1) if pid and None not in ends else None
    report = {
        "what": f"eval/load_test.py: {args.runs} consecutive runs of {args.clients} concurrent gradio_client clients "
        f"calling /ask for {args.duration:.0f} s each against one `cd38-guide serve` (real model, project corpus); "
        f"server RSS sampled every {args.sample:g} s",
        **_environment(),
        "clients": args.clients,
        "duration_s": args.duration,
        "errors_total": sum(r["errors"] for r in runs),
        "p95_ms_per_run": [r["latency_ms"]["p95"] for r in runs],
        "rss_end_mb_per_run": ends,
        "rss_growth_after_first_run_mb": growth,
        "runs": runs,
    }
    print(f"errors {report['errors_total']}  p95 per run {report['p95_ms_per_run']} ms  RSS end per run {ends} MB")
    if growth is not None:
        print(f"RSS growth after the first run: {growth} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"summary written to {args.out}")
    return 1 if report["errors_total"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
