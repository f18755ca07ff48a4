"""Benchmark (not a test): `cd38-guide api --workers N` for N = 1 and 2 under the load script's /v1/ask load.

    .venv/bin/python eval/api_workers.py --out eval/reports/latest/api_workers.json

For each N it starts the API on 127.0.0.1, waits until every worker has loaded the index, drives the same
concurrent /v1/ask load (eval/load_test.py --rest), and records requests/s, p50/p95 latency, errors and the RSS
of each process (the uvicorn supervisor and each worker).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import QUESTIONS, rss_by_process, run

ROOT = Path(__file__).resolve().parents[1]


def _wait_ready(url: str, proc: subprocess.Popen, workers: int, timeout: float) -> set[int]:
    """Wait until /v1/health answers from ``workers`` distinct processes; their PIDs."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API exited with {proc.returncode}")
        try:
            seen.add(httpx.get(url + "/v1/health", timeout=30).json()["pid"])
        except (httpx.HTTPError, KeyError, ValueError):
            time.sleep(1)
            continue
        if len(seen) >= workers:
            return seen
    raise RuntimeError(f"only {len(seen)} of {workers} workers answered within {timeout:.0f} s")


def bench(workers: int, port: int, clients: int, duration: float) -> dict[str, Any]:
    """One run of the API with ``workers`` processes under load."""
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "cd38_guide", "api", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        t0 = time.monotonic()
        pids = _wait_ready(url, proc, workers, timeout=600)
        ready_s = round(time.monotonic() - t0, 1)
        idle = rss_by_process(proc.pid)
        load_before = [round(x, 2) for x in os.getloadavg()]
        summary = run(url, clients, duration, QUESTIONS, proc.pid, 2.0, rest=True)
        summary.pop("error_samples", None)
        summary["rss_mb"].pop("samples", None)
        workers_rss = {pid: mb for pid, mb in summary["rss_mb"]["by_process_end"].items() if int(pid) in pids}
        return {
            "workers": workers,
            "ready_s": ready_s,
            "loadavg_1_5_15_before": load_before,  # other work on the machine skews the comparison
            "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
            "worker_pids": sorted(pids),
            "rss_idle_mb_by_process": idle,
            "rss_loaded_mb_by_worker": workers_rss,
            **summary,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=7895)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports" / "latest" / "api_workers.json")
    args = parser.parse_args(argv)
    runs = [bench(n, args.port, args.clients, args.duration) for n in (1, 2)]
    report = {
        "what": f"eval/api_workers.py: {args.clients} concurrent clients POST /v1/ask for {args.duration:.0f} s "
        "against `cd38-guide api --workers N` (real model, project corpus), N = 1 then 2, on 127.0.0.1",
        "run_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": runs,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for r in runs:
        lat = r["latency_ms"]
        print(
            f"workers={r['workers']}: {r['throughput_rps']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
            f"errors {r['errors']}, worker RSS {r['rss_loaded_mb_by_worker']} MB"
        )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
