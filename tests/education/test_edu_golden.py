"""Golden drafts: the exact markdown of each topic in both languages, plus regimen and patient examples.

They are the clinical review copy of the wording. Regenerate after a deliberate content change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/education`` and review the diff. The corpus version line is
normalised so that an unrelated corpus edit (e.g. the query glossary) does not churn them.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from cd38_guide.corpus import Corpus
from cd38_guide.education import EDUCATION_TOPICS, make_draft
from cd38_guide.rules import PatientProfile

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

EXAMPLE_PATIENT = {
    "age": 80,
    "prior_lines": 2,
    "hbv": "hbsag_positive",
    "anti_cd38": {"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 4.0},
    "exposure": {"lenalidomide": "refractory", "bortezomib": "exposed"},
}

CASES: list[tuple[str, str, str | None, bool]] = [
    *[(topic, lang, None, False) for topic in EDUCATION_TOPICS for lang in ("en", "zh")],
    ("infusion_reactions", "en", "IsaKd", False),
    ("about_anti_cd38", "en", "DKd", True),
    ("about_anti_cd38", "zh", "DKd", True),
    ("retreatment", "en", None, True),
]


def _name(case: tuple[str, str, str | None, bool]) -> str:
    topic, lang, regimen, patient = case
    return ".".join(x for x in (topic, regimen, "patient" if patient else None, lang) if x)


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_golden_draft(case: tuple[str, str, str | None, bool], corpus: Corpus) -> None:
    topic, lang, regimen, patient = case
    profile = PatientProfile.model_validate(EXAMPLE_PATIENT) if patient else None
    draft = make_draft(
        topic, corpus=corpus, today=datetime.date(2025, 6, 1), regimen=regimen, profile=profile, lang=lang
    )
    got = draft.text.replace(draft.corpus_version, "<corpus version>")
    path = GOLDEN_DIR / f"{_name(case)}.md"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden draft {path.name}; run with UPDATE_GOLDEN=1 and review it"
    assert got == path.read_text(encoding="utf-8")


def test_every_golden_file_has_a_case() -> None:
    assert {p.stem for p in GOLDEN_DIR.glob("*.md")} == {_name(c) for c in CASES}
