"""Subgroup, endpoint and named-trial checks on the evidence (evidence_subgroups)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.evidence_subgroups import EXCLUSION, passage_text, population_patterns
from cd38_guide.question.vocabulary import load_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def guard() -> EntityGuard:
    corpus = load_corpus([CORPUS])
    return EntityGuard(load_vocabulary(tuple(corpus.glossary)), corpus.passages)


def test_a_narrow_population_is_not_named_by_its_broader_group(guard: EntityGuard) -> None:
    """A dose for renal impairment covers dialysis; an eGFR-below-60 subgroup result reports no dialysis patients."""
    text = "patients with renal impairment"
    assert any(p.search(text) for p in population_patterns(guard, "dialysis", broader=True))
    assert not any(p.search(text) for p in population_patterns(guard, "dialysis", broader=False))


def test_a_subgroup_passage_heading_counts_as_naming_the_subgroup(guard: EntityGuard) -> None:
    text = passage_text(guard, "castor-lenalidomide-refractory", "Median PFS was 7.8 vs 4.9 months.")
    assert any(p.search(text) for p in population_patterns(guard, "lenalidomide-refractory", broader=False))


@pytest.mark.parametrize(
    ("sentence", "excludes"),
    [
        ("Patients with heart failure were excluded.", True),
        ("Active AL amyloidosis was an exclusion criterion.", True),
        ("Median PFS was 28.4 vs 15.2 months.", False),
    ],
)
def test_exclusion_criteria_are_recognised(sentence: str, excludes: bool) -> None:
    assert bool(EXCLUSION.search(sentence)) is excludes
