"""Doses and dose rules asked must be ones a cited statement gives (evidence_doses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.evidence_doses import DOSE_STATED, event_dose_gaps, supportive_dose_gaps, threshold_gaps
from cd38_guide.question.analysis import analyse
from cd38_guide.question.vocabulary import load_vocabulary
from cd38_guide.sentence_selection import Candidate

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def world():
    corpus = load_corpus([CORPUS])
    return corpus, EntityGuard(load_vocabulary(tuple(corpus.glossary)), corpus.passages)


def _quote(world, pid: str, fragment: str) -> Candidate:
    """The sentence of passage ``pid`` holding ``fragment``, as a strong quote."""
    text = world[0].passages[pid].text
    start = text.index(fragment)
    start = text.rfind(". ", 0, start) + 2 if ". " in text[:start] else 0
    end = text.find(". ", start) + 1 or len(text)
    return Candidate(1.0, 1.0, 0, pid, start, end, text[start:end], frozenset())


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("restarting at 0.7 mg/m²", True),
        ("intravenous daratumumab 16 mg/kg", True),
        ("is given at the full dose", True),
        ("IgG below 400 mg/dL with recurrent infections", False),  # a level, not a dose
        ("the partner drugs are reduced according to their own labels", False),
    ],
)
def test_a_dose_is_an_amount_with_its_unit_or_a_named_dose(text: str, states: bool) -> None:
    assert bool(DOSE_STATED.search(text)) is states


def test_a_partner_drugs_dose_for_a_toxicity_needs_an_amount_for_that_toxicity(world) -> None:
    corpus, guard = world
    label_line = _quote(world, "cytopenia-dose-delay", "partner drugs")
    a = analyse("IsaKd with grade 3 thrombocytopenia: carfilzomib reduced to what dose?", tuple(corpus.glossary))
    assert event_dose_gaps(a, guard, [label_line]) == ["carfilzomib (thrombocytopenia)"]
    # which drug to reduce is answered by the same line: no amount was asked
    which = analyse("Grade 3 thrombocytopenia on IsaKd: reduce isatuximab or carfilzomib?", tuple(corpus.glossary))
    assert event_dose_gaps(which, guard, [label_line]) == []


def test_bortezomibs_neuropathy_steps_answer_its_dose_for_neuropathy(world) -> None:
    corpus, guard = world
    step = _quote(world, "bortezomib-neuropathy", "restarting at 0.7")
    a = analyse("Grade 3 neuropathy on DVd: to what dose do I cut bortezomib?", tuple(corpus.glossary))
    assert event_dose_gaps(a, guard, [step]) == []
    other = analyse("Grade 3 neutropenia on DVd: to what dose do I cut bortezomib?", tuple(corpus.glossary))
    assert event_dose_gaps(other, guard, [step]) == ["bortezomib (neutropenia)"]


def test_a_supportive_drugs_dose_is_not_the_level_it_is_given_at(world) -> None:
    corpus, guard = world
    levels = _quote(world, "ivig-replacement-criteria", "IgG below 400")
    a = analyse("IVIG dose for recurrent infections on daratumumab?", tuple(corpus.glossary))
    assert supportive_dose_gaps(a, guard, [levels]) == ["immunoglobulin (dose)"]


def test_a_count_threshold_needs_a_number_for_that_count(world) -> None:
    corpus, guard = world
    anc = _quote(world, "isatuximab-neutropenia-gcsf", "1.0 × 10^9/L")
    platelets = analyse("Platelet count threshold for holding isatuximab?", tuple(corpus.glossary))
    assert threshold_gaps(platelets, guard, [anc]) == ["isatuximab (platelet count threshold)"]
    neutrophils = analyse("ANC threshold for resuming isatuximab?", tuple(corpus.glossary))
    assert threshold_gaps(neutrophils, guard, [anc]) == []
