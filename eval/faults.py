"""Fault injection (not a test): reruns the reproducers of issue 15's items 1-10 and prints held/failed per item.

    .venv/bin/python eval/faults.py            # the fast reproducers (about a minute)
    .venv/bin/python eval/faults.py --slow     # also the ones that start `cd38-guide serve` with the real model

Each item's reproducers are the regression tests named after it (tests/reliability/test_hardening.py and
tests/ui/test_hardening_http.py); they are run through pytest in a subprocess, and an item holds when every one of
its reproducers passes. Exit status 0 when all held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("tests/reliability/test_hardening.py", "tests/ui/test_hardening_http.py")

ITEMS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "forged provenance: converted text cannot supply metadata", ("test_forged_provenance",)),
    (
        2,
        "one request can take gigabytes: size checked first, in bytes",
        ("test_request_body_limit", "test_text_hygiene_size"),
    ),
    (3, "server memory: bounded per-session state", ("test_state_session_capacity",)),
    (4, "embedding cache verified; --force rebuilds from scratch", ("test_embedding_cache",)),
    (5, "cleanup deletes only its own builds", ("test_deletes_only_its_own_builds",)),
    (6, "a failed --replace keeps the reviewed document", ("test_failed_replace",)),
    (7, "audit log: fresh line, HMAC, O_NOFOLLOW/0600, required mode", ("test_audit_log",)),
    (8, "patient exports private (0600, removed at exit)", ("test_exports",)),
    (9, "one line and exit 2 instead of tracebacks", ("test_cli_errors",)),
    (10, "HTML conversion linear", ("test_html_conversion",)),
)


def run_pytest(expression: str, slow: bool) -> dict[str, str]:
    """Run the selected tests; test name -> 'passed' | 'failed' | 'skipped'."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", *FILES, "-q", "-p", "no:cacheprovider", "-k", expression]
        cmd += ["--junitxml", str(junit)] + ([] if slow else ["-m", "not slow"])
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if not junit.exists():
            return {}
        outcomes: dict[str, str] = {}
        for case in ET.parse(junit).getroot().iter("testcase"):
            tags = {child.tag for child in case}
            state = "failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"
            outcomes[case.get("name", "?")] = state
        return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", action="store_true", help="include reproducers that start the real server")
    args = parser.parse_args(argv)
    expression = " or ".join(prefix for _, _, prefixes in ITEMS for prefix in prefixes)
    outcomes = run_pytest(expression, args.slow)
    all_held = True
    for number, title, prefixes in ITEMS:
        mine = {name: state for name, state in outcomes.items() if name.startswith(prefixes)}
        ran = [s for s in mine.values() if s != "skipped"]
        held = bool(ran) and all(s == "passed" for s in ran)
        all_held &= held
        failed = sorted(name for name, state in mine.items() if state == "failed")
        detail = f"{sum(s == 'passed' for s in ran)}/{len(ran)} reproducers" + (
            f"; failed: {', '.join(failed)}" if failed else ""
        )
        print(f"item {number:>2}  {'held  ' if held else 'FAILED'}  {title} ({detail})")
    print("all items held" if all_held else "some items FAILED")
    return 0 if all_held else 1


if __name__ == "__main__":
    raise SystemExit(main())
