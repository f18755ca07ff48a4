"""The ``eval`` and ``bench`` subcommands; ``register`` adds them to the main parser."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from cd38_guide.errors import InputError

DEFAULT_GOLD = "eval/gold.jsonl"
DEFAULT_OUT = "eval/reports/latest/"


def _progress(enabled: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if enabled:
            print(f"... {message}", file=sys.stderr, flush=True)

    return say


def cmd_eval(args: argparse.Namespace) -> int:
    from cd38_guide.config import Settings
    from cd38_guide.evaluation.render import eval_summary
    from cd38_guide.evaluation.runner import run

    gold = Path(args.gold)
    if not gold.is_file():
        raise InputError(f"{gold}: no such gold file; run from the project root or pass --gold PATH")
    out = Path(args.out)
    tty = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        if tty and (done == total or done % 10 == 0):
            print(f"... {done}/{total} questions", file=sys.stderr, flush=True)

    report = run(gold, out, settings=Settings(), progress=progress)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(eval_summary(report))
        print(f"\nreport written to {out / 'report.md'} (and report.json, recall_at_k.png, latency_by_stage.png)")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from cd38_guide.config import Settings
    from cd38_guide.evaluation.bench import parse_scales, run_bench
    from cd38_guide.evaluation.render import bench_summary

    scales = parse_scales(args.scale)
    out = Path(args.out)
    result = run_bench(
        Settings(),
        scales=scales,
        out_dir=out,
        gold_path=Path(DEFAULT_GOLD),
        progress=_progress(not args.json and sys.stderr.isatty()),
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(bench_summary(result))
        print(f"\nwritten to {out / 'bench.json'}")
    return 0


def register(subparsers, common: argparse.ArgumentParser) -> None:
    """Add ``eval`` and ``bench`` to the CLI's subparsers (``common`` carries the shared -v flag)."""
    p = subparsers.add_parser(
        "eval", parents=[common], help="evaluate retrieval and answers on the gold set; write report.json/.md and plots"
    )
    p.add_argument("--gold", default=DEFAULT_GOLD, help=f"gold questions, JSONL (default {DEFAULT_GOLD})")
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument("--json", action="store_true", help="print the report JSON instead of the summary")
    p.set_defaults(func=cmd_eval)

    p = subparsers.add_parser(
        "bench", parents=[common], help="benchmark index build, query latency vs llama-index, memory and scaling"
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of the summary")
    p.add_argument(
        "--scale",
        default="10000,100000",
        metavar="N[,N...]",
        help="synthetic chunk counts for the scaling run (default 10000,100000; '' to skip)",
    )
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"folder for bench.json (default {DEFAULT_OUT})")
    p.set_defaults(func=cmd_bench)
