"""The ``educate`` subcommand: ``register(subparsers, common)`` adds it to the ``cd38-guide`` parser.

Thin: it loads the corpus, today's date and the optional patient file, then prints what ``make_draft``
composed. User errors surface as ``InputError`` for ``cd38_guide.cli.main`` to print and exit 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cd38_guide.education.topics import TOPICS

if TYPE_CHECKING:
    from cd38_guide.education.draft import Draft

FORMATS = ("md", "html")
REGIMEN_HELP = "DRd, DVd, DKd, DPd, IsaPd, IsaKd"
"""``rules.models.REGIMEN_CODES`` spelled out so that building the parser loads no models (a test compares)."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``educate`` to ``subparsers`` (from ``add_subparsers``), inheriting the ``common`` options."""
    p = subparsers.add_parser(
        "educate",
        parents=[common],
        help="draft a patient-education leaflet on one topic, for clinician review",
        description="Compose a plain-language patient-education draft from fixed statements tied to corpus "
        "passages, with a clinician appendix of references. The draft must be reviewed before use.",
    )
    p.add_argument("--topic", required=True, metavar="TOPIC", help="one of: " + ", ".join(TOPICS))
    p.add_argument("--regimen", metavar="CODE", help="name and explain the drugs of: " + REGIMEN_HELP)
    p.add_argument("--patient", metavar="PATIENT.json", help="adapt the draft to this patient's rules report")
    p.add_argument("--lang", default="en", metavar="LANG", help="draft language: en or zh")
    p.add_argument("--format", default="md", choices=FORMATS, help="markdown (default) or a standalone HTML page")
    p.add_argument("--json", action="store_true", help="print the draft as JSON (text, grade, statements, references)")
    p.set_defaults(func=cmd_educate)
    return p


def draft_json(draft: Draft, fmt: str = "md") -> dict[str, Any]:
    """The ``--json`` contract: topic, language, text, grade, statements, references, plus the draft's metadata."""
    from cd38_guide.education.render import draft_to_html

    out: dict[str, Any] = {
        "topic": draft.topic,
        "language": draft.language,
        "title": draft.title,
        "date": draft.date,
        "corpus_version": draft.corpus_version,
        "regimen": draft.regimen,
        "text": draft.text,
        "grade": draft.grade,
        "statements": [
            {"key": s.key, "section": s.section, "text": s.text, "evidence": list(s.evidence), "refs": list(s.refs)}
            for s in draft.statements
        ],
        "references": [r.model_dump() for r in draft.references],
        "profile_notes": list(draft.profile_notes),
        "omitted": list(draft.omitted),
    }
    if fmt == "html":
        out["html"] = draft_to_html(draft, standalone=True)
    return out


def cmd_educate(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``educate``: compose the draft and print it as markdown, HTML or JSON."""
    from cd38_guide.config import Settings
    from cd38_guide.corpus import load_corpus
    from cd38_guide.education.draft import make_draft
    from cd38_guide.education.render import draft_to_html, draft_to_markdown

    stream = out if out is not None else sys.stdout
    profile = None
    if args.patient:
        from cd38_guide.rules import load_profile

        profile = load_profile(Path(args.patient))
    corpus = load_corpus(Settings().corpus_dirs)
    draft = make_draft(
        args.topic,
        corpus=corpus,
        today=datetime.date.today(),
        regimen=args.regimen,
        profile=profile,
        lang=args.lang,
    )
    if args.json:
        stream.write(json.dumps(draft_json(draft, args.format), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "html":
        stream.write(draft_to_html(draft, standalone=True))
    else:
        stream.write(draft_to_markdown(draft))
    return 0
