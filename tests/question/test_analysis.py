"""Golden cases for question analysis: intent, entities and sides as a haematologist reads each question.

The cases in ``data/analysis_cases.jsonl`` were written from the question alone, before the analyser saw them;
each asserts only the entity kinds it lists (as sets), plus ``sides`` for comparisons and ``describes_patient``
where given. Japanese questions are analysed as CJK text, so their answer language is "zh".
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.question.analysis import INTENTS, analyse, fallback_query, focused_queries, normalize
from cd38_guide.question.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
CASES_FILE = Path(__file__).resolve().parent / "data" / "analysis_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text("utf-8").splitlines() if line.strip()]
# The analyser never returns "out_of_scope": off-scope questions are declined downstream (entity guard).
_UNREACHED_INTENTS = {"out_of_scope"}
# Cases where the clinician's reading and the analyser differ and neither is clearly wrong; kept visible.
CONTESTED = {
    "en-130": "anti-CD38 after anti-CD38 failure is sequencing (rechallenge) to a clinician; the analyser sees an "
    "efficacy question ('effective') because no rechallenge word is used",
    "en-134": "a described patient who relapsed and now has neuropathy is a patient case (what next?); the analyser "
    "lets the toxicity word decide",
    "en-157": "a trial design question (who enrolled) in six words or fewer is read as 'what did the trial show'",
}


@lru_cache(maxsize=1)
def glossary():  # type: ignore[no-untyped-def]
    return load_corpus([ROOT / "corpus"]).glossary


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=CONTESTED[c["id"]], strict=True)) if c["id"] in CONTESTED else c
        for c in CASES
    ],
    ids=[c["id"] for c in CASES],
)
def test_golden_case(case: dict) -> None:
    a = analyse(case["question"], glossary())
    assert a.language == case["language"]
    assert a.intent == case["intent"], a.normalized
    for kind, expected in case["entities"].items():
        assert set(getattr(a.entities, kind)) == set(expected), kind
    if "sides" in case:
        assert set(a.sides) == set(case["sides"])
    if "describes_patient" in case:
        assert a.describes_patient is case["describes_patient"]


def test_case_file_shape() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 150
    assert sum(c["language"] == "zh" for c in CASES) >= 40
    allowed = {"id", "question", "language", "intent", "entities", "sides", "describes_patient"}
    for c in CASES:
        assert set(c) <= allowed, c["id"]
        assert c["intent"] in INTENTS, c["id"]
        assert ("sides" in c) == (c["intent"] == "comparison"), c["id"]


def test_every_intent_is_covered() -> None:
    counts = Counter(c["intent"] for c in CASES)
    for intent in set(INTENTS) - _UNREACHED_INTENTS:
        assert counts[intent] >= 5, intent


def test_normalize_spells_out_shorthand() -> None:
    vocab = load_vocabulary(glossary())
    text = normalize("pt w/ RRMM abt to start tx, ecog2, CrCl 25, ANC low, G3+ PN, f/u 6 mo", vocab)
    for words in ("patient with", "about", "treatment", "ECOG 2", "creatinine clearance", "absolute neutrophil count"):
        assert words in text
    assert "grade 3 or higher" in text and "peripheral neuropathy" in text and "follow-up" in text
    assert normalize("rechallange after refactory disease", vocab) == "rechallenge after refractory disease"


def test_typos_and_aliases_are_vocabulary() -> None:
    a = analyse("daratumamab or isatuxumab with lenalidomid", glossary())
    assert set(a.entities.named_drugs) == {"daratumumab", "isatuximab", "lenalidomide"}
    assert analyse("dara-len-dex at first relapse", glossary()).entities.regimens == ("DRd",)
    assert analyse("KdD in CANDOR", glossary()).entities.regimens == ("DKd",)


def test_analysis_is_deterministic() -> None:
    for case in CASES[::7]:
        first = analyse(case["question"], glossary())
        assert analyse(case["question"], glossary()) == first
        assert analyse(case["question"], tuple(glossary())) == first


def test_focused_queries_one_per_named_drug() -> None:
    a = analyse("Daratumumab and lenalidomide dose with DRd?", glossary())
    assert a.intent == "dose"
    queries = focused_queries(a)
    assert len(queries) == 2
    assert queries[0].startswith("daratumumab ") and queries[1].startswith("lenalidomide ")
    assert all("dose" in q for q in queries)
    assert focused_queries(analyse("isatuximab dose?", glossary())) == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("DREAMM-7 - how many pts per arm?", True),
        ("OPTIMISMM sample size?", True),
        ("Who was enrolled in LocoMMotion?", True),
        ("DREAMM-8: how many pts on belamaf-pom-dex got pneumonia?", False),
        ("How many patients in MAMMOTH received CAR-T?", False),
        ("What did CANDOR show?", False),
    ],
)
def test_design_questions_are_told_from_result_questions(question: str, expected: bool) -> None:
    assert analyse(question).asks_design is expected


def test_every_edge_aspect_has_a_chinese_name() -> None:
    """A Chinese decline names what is missing in Chinese, never in the vocabulary's English key."""
    vocab = load_vocabulary(())
    assert set(vocab.aspects) == set(vocab.aspect_labels)


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Can a patient on dara still get emergency blood?", "blood bank"),
        ("Is that faint band on IFE the drug?", "immunofixation"),
        ("Why do patients become resistant to daratumumab?", "CD38 expression"),
    ],
)
def test_an_interference_question_has_a_fallback_query_in_the_evidence_words(question, words) -> None:
    fallback = fallback_query(analyse(question))
    assert fallback is not None and words in fallback[1]


def test_other_intents_have_no_fallback_query() -> None:
    assert fallback_query(analyse("What did CANDOR show?")) is None


def test_a_dose_adjustment_for_a_population_gets_a_focused_query_even_for_one_drug() -> None:
    """The label's renal statement rarely shares the question's words ("need reducing on haemodialysis")."""
    a = analyse("Does lenalidomide need reducing on haemodialysis in DRd?")
    assert a.intent == "dose_adjustment" and "dialysis" in a.entities.populations
    assert focused_queries(a) == ["lenalidomide dose adjustment dialysis"]
    assert focused_queries(analyse("Dose of lenalidomide in DRd?")) == []
