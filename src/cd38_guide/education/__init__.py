"""Patient-education drafts: plain-language statements tied to corpus passages, in English and Chinese.

``make_draft(topic, corpus=..., today=..., regimen=..., profile=..., lang=...)`` composes a draft for clinician
review; ``draft_to_markdown`` and ``draft_to_html`` render it. Pure: no I/O, no clock, deterministic.
Imports are lazy so that registering the ``educate`` command does not load the rules core or pydantic models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "EDUCATION_TOPICS",
    "LANGUAGES",
    "MAX_GRADE",
    "REGIMEN_CODES",
    "Draft",
    "DraftSection",
    "DraftStatement",
    "GlossaryItem",
    "Reference",
    "corpus_version",
    "draft_to_html",
    "draft_to_markdown",
    "make_draft",
    "patient_text",
    "readability_grade",
]

_LAZY = {
    "EDUCATION_TOPICS": "cd38_guide.education.draft",
    "LANGUAGES": "cd38_guide.education.draft",
    "MAX_GRADE": "cd38_guide.education.draft",
    "Draft": "cd38_guide.education.draft",
    "DraftSection": "cd38_guide.education.draft",
    "DraftStatement": "cd38_guide.education.draft",
    "GlossaryItem": "cd38_guide.education.draft",
    "Reference": "cd38_guide.education.draft",
    "corpus_version": "cd38_guide.education.draft",
    "make_draft": "cd38_guide.education.draft",
    "patient_text": "cd38_guide.education.draft",
    "readability_grade": "cd38_guide.education.draft",
    "draft_to_html": "cd38_guide.education.render",
    "draft_to_markdown": "cd38_guide.education.render",
    "REGIMEN_CODES": "cd38_guide.education.statements",
}

if TYPE_CHECKING:
    from cd38_guide.education.draft import (
        EDUCATION_TOPICS,
        LANGUAGES,
        MAX_GRADE,
        Draft,
        DraftSection,
        DraftStatement,
        GlossaryItem,
        Reference,
        corpus_version,
        make_draft,
        patient_text,
        readability_grade,
    )
    from cd38_guide.education.render import draft_to_html, draft_to_markdown
    from cd38_guide.education.statements import REGIMEN_CODES


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cd38_guide.education' has no attribute {name!r}")
