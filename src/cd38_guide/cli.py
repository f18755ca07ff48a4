"""The ``cd38-guide`` command: a thin shell over the library. ``main(argv) -> exit code``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cd38_guide import __version__
from cd38_guide.errors import Cd38GuideError, InputError

log = logging.getLogger("cd38_guide")


def _print_answer(ans, out: TextIO) -> None:
    out.write(ans.answer + "\n")
    if ans.citations:
        out.write("\nSources:\n")
        for c in ans.citations:
            ids = " ".join(x for x in (f"PMID {c.pmid}" if c.pmid else "", f"doi:{c.doi}" if c.doi else "") if x)
            badge = f"[{c.badge}] " if c.badge else ""
            out.write(f"[{c.n}] {badge}{c.title} - {c.heading} ({c.source_kind}, {c.year}). {c.citation}. {ids}\n")
            if c.secondary:
                out.write(f"    via {c.secondary}\n")
    for note in ans.notes:
        if note not in ans.answer:
            out.write(f"\n({note})\n")
    if ans.patient_report:
        from cd38_guide.rules import Report, report_to_text

        out.write("\nRules check of the patient described in the question:\n")
        report = {
            k: v for k, v in ans.patient_report.items() if k != "profile"
        }  # profile: the facts read, not the report
        out.write(report_to_text(Report.model_validate(report)) + "\n")
    out.write("\nDecision support from the cited sources only; check them before acting.\n")


def _settings():
    from cd38_guide.config import Settings

    return Settings()


def cmd_index(args: argparse.Namespace) -> int:
    from cd38_guide.corpus import load_corpus
    from cd38_guide.index.add import add_documents
    from cd38_guide.index.export_onnx import export
    from cd38_guide.index.onnx_embedder import OnnxEmbedder
    from cd38_guide.index.store import build_index

    settings = _settings()
    written: list[Path] = []
    meta: dict[str, object] = {}
    if args.add:
        if not args.citation:
            raise InputError("--citation is required with --add: say where the text comes from")
        meta = {
            k: v
            for k, v in (
                ("doi", args.doi),
                ("pmid", args.pmid),
                ("title", args.title),
                ("year", args.year),
                ("url", args.url),
            )
            if v
        }
    from cd38_guide.progress import index_progress

    export(settings.model)  # a no-op when the ONNX encoder is there and valid; index time may import torch
    with index_progress() as progress:
        if args.add:
            result = add_documents(
                [Path(name) for name in args.add],
                citation=args.citation,
                settings=settings,
                embedder=OnnxEmbedder(settings.model),
                doc_id=args.id,
                replace=args.replace,
                force=args.force,
                meta=meta,
                progress=progress,
            )
            manifest, written = result.manifest, list(result.written)
        else:
            corpus = load_corpus(settings.all_corpus_dirs)
            manifest = build_index(corpus, OnnxEmbedder(settings.model), settings, force=args.force, progress=progress)
    if args.json:
        print(json.dumps({"manifest": manifest.model_dump(), "added": [str(p) for p in written]}, indent=2))
    else:
        for p in written:
            print(f"added {p}")
        print(
            f"index {manifest.build_id}: {manifest.n_passages} passages, {manifest.n_chunks} chunks "
            f"({manifest.index_kind}), built in {manifest.build_seconds:.1f}s, {manifest.embedded_new} newly embedded; "
            f"{settings.home / 'current'}"
        )
    return 0


def _read_batch(path: Path) -> list[tuple[str | None, object, str | None]]:
    """(id, question, error) per non-blank line of a JSONL batch file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    items: list[tuple[str | None, object, str | None]] = []
    for no, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            items.append((None, None, f"line {no}: not JSON ({err.msg})"))
            continue
        except RecursionError:
            items.append((None, None, f"line {no}: JSON nested too deeply"))
            continue
        if not isinstance(obj, dict) or "question" not in obj:
            items.append((None, None, f"line {no}: expected an object with 'id' and 'question'"))
            continue
        qid = obj.get("id")
        items.append((None if qid is None else str(qid), obj["question"], None))
    return items


def _open_out(name: str) -> TextIO:
    """Open ``--out`` for writing, or say in one line why it cannot be (before any model is loaded)."""
    path = Path(name)
    if path.is_dir():
        raise InputError(f"--out {path}: is a directory; give a file name")
    try:
        return path.open("w", encoding="utf-8")
    except OSError as err:
        raise InputError(f"--out {path}: cannot be written ({err.strerror or err})") from None


def cmd_ask(args: argparse.Namespace) -> int:
    from cd38_guide.assistant import Assistant

    if bool(args.batch) == bool(args.question):
        raise InputError("give either a QUESTION or --batch FILE.jsonl")
    # refuse an unusable batch or --out before paying for the model
    items = _read_batch(Path(args.batch)) if args.batch else []
    out = _open_out(args.out) if args.batch and args.out else sys.stdout
    assistant = Assistant(_settings())
    if args.question:
        ans = assistant.ask(args.question, k=args.k)
        if args.json:
            print(ans.model_dump_json(indent=2))
        else:
            _print_answer(ans, sys.stdout)
        return 0
    failures = 0
    try:
        for qid, question, error in items:
            if error is None:
                try:
                    line = assistant.ask(question, k=args.k, id=qid).model_dump_json()  # type: ignore[arg-type]
                except InputError as err:
                    error = str(err)
            if error is not None:
                failures += 1
                line = json.dumps({"id": qid, "error": error}, ensure_ascii=False)
            out.write(line + "\n")
            out.flush()
        if out is not sys.stdout:
            out.close()
    except OSError as err:
        if isinstance(err, BrokenPipeError) and out is sys.stdout:
            raise
        raise InputError(f"cannot write the answers to {args.out or 'stdout'}: {err.strerror or err}") from None
    finally:
        if out is not sys.stdout and not out.closed:
            try:
                out.close()
            except OSError:
                pass  # already reported above
    if failures:
        print(
            f"error: {failures} of {len(items)} lines could not be answered (see their 'error' field)", file=sys.stderr
        )
        return 2
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import time

    from cd38_guide import audit
    from cd38_guide.rules import check_patient, load_profile, report_to_text

    profile = load_profile(Path(args.patient))
    t0 = time.perf_counter()
    report = check_patient(profile)
    audit.record_check(profile, report, (time.perf_counter() - t0) * 1000)  # only when CD38_GUIDE_AUDIT is set
    print(report.model_dump_json(indent=2) if args.json else report_to_text(report))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from cd38_guide.ui import serve

    serve(host=args.host, port=args.port, insecure=args.insecure)
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    from cd38_guide.api.server import run

    run(host=args.host, port=args.port, workers=args.workers, insecure=args.insecure)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cd38-guide",
        description="Offline, cited answers on anti-CD38 antibodies (daratumumab, isatuximab) in relapsed/refractory "
        "multiple myeloma, from the 2025 Pan-Pacific consensus abstract and a sourced evidence base.",
    )
    parser.add_argument("--version", action="version", version=f"cd38-guide {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more log output")

    p = sub.add_parser(
        "index", parents=[common], help="build the index (when missing or stale), or add a guideline document"
    )
    p.add_argument("--add", nargs="+", metavar="FILE", help="a .md, .txt, .pdf, .html or JATS .xml file to add")
    p.add_argument("--citation", help="reference for the added text (required with --add)")
    p.add_argument("--doi")
    p.add_argument("--pmid")
    p.add_argument("--url")
    p.add_argument("--title")
    p.add_argument("--year", type=int)
    p.add_argument("--id", help="document id for a single added file (default: added-<file name>)")
    p.add_argument("--replace", action="store_true", help="replace an added document with the same id")
    p.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    p.add_argument("--json", action="store_true", help="print the manifest as JSON")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer a question with citations, or a batch of questions")
    p.add_argument("question", nargs="?", help="the question, in English or Chinese")
    p.add_argument("--json", action="store_true", help="print the answer JSON contract")
    p.add_argument("--k", type=int, default=None, help="passages to retrieve (default 5)")
    p.add_argument("--batch", metavar="FILE.jsonl", help='lines of {"id", "question"}; one answer per line')
    p.add_argument("--out", metavar="FILE", help="write batch answers here instead of stdout")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("check", parents=[common], help="check a patient profile (JSON) against the rules core")
    p.add_argument("patient", metavar="PATIENT.json", help="the patient profile; see README for the fields")
    p.add_argument("--json", action="store_true", help="print the report JSON")
    p.set_defaults(func=cmd_check)

    from cd38_guide.education.cli import register as register_educate

    register_educate(sub, common)

    p = sub.add_parser("serve", parents=[common], help="serve the web app (default http://127.0.0.1:7860)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--insecure", action="store_true", help="allow a non-local host without login credentials")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "api", parents=[common], help="serve the REST API (/v1) and CDS Hooks (default http://127.0.0.1:7861)"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7861)
    p.add_argument("--workers", type=int, default=1, help="worker processes, each with its own loaded index")
    p.add_argument("--insecure", action="store_true", help="allow a non-local host without login credentials")
    p.set_defaults(func=cmd_api)

    from cd38_guide.evaluation.cli import register as register_eval

    register_eval(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user errors print one line per problem to stderr and return 2 (no traceback)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage and 0 on --help
        return int(exc.code or 0)
    level = (logging.DEBUG if args.verbose > 1 else logging.INFO) if args.verbose else logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)  # some libraries set DEBUG on their own loggers; the handler still filters
    if getattr(args, "k", None) is not None and not 1 <= args.k <= 50:
        print("error: --k must be between 1 and 50", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except InputError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        return err.exit_code
    except Cd38GuideError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:  # the machine said no (disk full, read-only folder, ...): one line, not a traceback
        where = f" ({err.filename})" if err.filename else ""
        print(f"error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
