"""The entity guard: what a sentence is about (entity_guard)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.question.analysis import analyse
from cd38_guide.question.vocabulary import load_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def guard() -> EntityGuard:
    corpus = load_corpus([CORPUS])
    return EntityGuard(load_vocabulary(tuple(corpus.glossary)), corpus.passages)


CANDOR = (
    "Carfilzomib was given twice weekly at 20/56 mg/m², intravenous daratumumab as 8 mg/kg on days 1-2 of cycle 1 "
    "and then on the 16 mg/kg schedule, and dexamethasone 40 mg weekly (20 mg for patients older than 75)."
)


@pytest.mark.parametrize(
    ("text", "drug", "doses"),
    [
        (CANDOR, "carfilzomib", True),
        (CANDOR, "daratumumab", True),
        (CANDOR, "dexamethasone", True),
        (CANDOR, "isatuximab", False),
        ("LYNX gave subcutaneous daratumumab 1800 mg plus carfilzomib (D-Kd).", "carfilzomib", False),
        ("Isatuximab is dosed at 10 mg/kg with carfilzomib and dexamethasone.", "carfilzomib", False),
        ("16 mg/kg daratumumab is given weekly in weeks 1-8.", "daratumumab", True),
        ("Carfilzomib raised blood pressure in 12% of patients.", "carfilzomib", False),
        ("Trials reduced dexamethasone for older patients, typically from 40 mg to 20 mg.", "dexamethasone", True),
    ],
)
def test_an_amount_belongs_to_the_drug_named_before_it_in_its_clause(guard, text, drug, doses) -> None:
    assert guard.doses(text, drug) is doses


def test_dexamethasone_is_a_subject_only_when_its_dose_is_asked(guard) -> None:
    glossary = ()
    assert "dexamethasone" in guard.subjects(analyse("Dexamethasone dose in DRd for patients over 75?", glossary))
    assert "dexamethasone" not in guard.subjects(analyse("Is lenalidomide and dexamethasone effective?", glossary))


def test_the_consensus_names_the_pan_pacific_one_only_in_its_own_abstract(guard: EntityGuard) -> None:
    """Elsewhere in the corpus "the consensus" is the EMN's or the IMWG's (a vaccination table, a definition)."""
    emn = next(pid for pid, p in guard.passages.items() if p.document_id.startswith("emn-vaccination"))
    text = "The consensus recommends two doses of the zoster vaccine."
    assert not guard.sentence_about(emn, text, "Pan-Pacific consensus")
    zh = next(pid for pid, p in guard.passages.items() if p.document_id == "consensus-abstract-zh")
    assert guard.sentence_about(zh, "本专家共识为其最佳使用提供了循证指导。", "Pan-Pacific consensus")
    en = next(pid for pid, p in guard.passages.items() if p.document_id == "consensus-abstract-en")
    assert guard.sentence_about(en, "The consensus also emphasizes monitoring.", "Pan-Pacific consensus")


@pytest.mark.parametrize(
    ("pid", "sentence", "speaks"),
    [
        (
            "linvoseltamab-approval",
            "On 2 July 2025 the US FDA granted accelerated approval to linvoseltamab-gcpt (Lynozyfic), a BCMA x CD3 "
            "bispecific antibody, for adults after at least 4 prior lines including an anti-CD38 monoclonal antibody.",
            False,
        ),
        (
            "emn-vaccination-zoster-rzv",
            "This is described as particularly important in patients receiving anti-CD38 antibodies.",
            True,
        ),
        ("label-isatuximab-dosing", "Isatuximab is dosed at 10 mg/kg by intravenous infusion.", True),
    ],
)
def test_a_class_mention_speaks_for_the_drug_only_in_a_sentence_about_the_class(guard, pid, sentence, speaks):
    assert guard.sentence_about(pid, sentence, "isatuximab")
    assert guard.speaks_of(pid, sentence, "isatuximab") is speaks
