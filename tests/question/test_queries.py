"""Focused sub-queries and fallback queries: what is searched besides the question's own words."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.question.analysis import analyse
from cd38_guide.question.queries import fallback_query, focused_queries
from cd38_guide.question.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def glossary():  # type: ignore[no-untyped-def]
    return load_corpus([ROOT / "corpus"]).glossary


def test_focused_queries_one_per_named_drug() -> None:
    a = analyse("Daratumumab and lenalidomide dose with DRd?", glossary())
    assert a.intent == "dose"
    queries = focused_queries(a)
    assert len(queries) == 2
    assert queries[0].startswith("daratumumab ") and queries[1].startswith("lenalidomide ")
    assert all("dose" in q for q in queries)
    assert focused_queries(analyse("isatuximab dose?", glossary())) == []


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


def test_a_treatment_duration_question_falls_back_to_the_schedule_in_the_labels_words() -> None:
    from cd38_guide.question.analysis import analyse
    from cd38_guide.question.queries import fallback_query

    cue, query = fallback_query(analyse("How long should anti-CD38 therapy continue?")) or ("", "")
    assert cue == "treatment_duration" and "until disease progression" in query


def test_a_mode_of_action_question_falls_back_to_the_mechanism_in_the_evidence_words() -> None:
    fallback = fallback_query(analyse("How do anti-CD38 antibodies work?"))
    assert fallback is not None and fallback[0] == "action" and "cytotoxicity" in fallback[1]
    # Resistance is another question ("why does it stop working?"), with its own query.
    resistance = fallback_query(analyse("What mechanisms of resistance to daratumumab are known?"))
    assert resistance is not None and resistance[0] == "mechanism"


def test_a_response_assessment_question_falls_back_to_the_protein_tests_not_the_blood_bank() -> None:
    fallback = fallback_query(analyse("Can daratumumab cause a false CR assessment?"))
    assert fallback is not None and fallback[0] == "lab_test" and "immunofixation" in fallback[1]
    blood = fallback_query(analyse("What units should be given in an emergency to a patient on daratumumab?"))
    assert blood is not None and blood[0] == "interference" and "blood bank" in blood[1]


def test_an_adverse_event_asked_of_the_class_falls_back_to_the_event_with_each_antibody() -> None:
    from cd38_guide.question.vocabulary import load_vocabulary

    vocab = load_vocabulary(())
    fallback = fallback_query(analyse("What infections are most common with anti-CD38 therapy?"), vocab)
    assert fallback == ("toxicity", "infections with daratumumab or isatuximab: rates and grade 3 or higher")
    # A named drug's own words find its passages; no fallback is needed.
    assert fallback_query(analyse("How common is pneumonia with isatuximab?"), vocab) is None


def test_a_comparison_of_toxicity_searches_each_sides_adverse_events() -> None:
    """ "Grade 3+ neutropenia: DPd vs IsaPd?" looks for each side's neutropenia, not its efficacy results."""
    vocab = load_vocabulary(glossary())
    a = analyse("Grade 3+ neutropenia: DPd vs IsaPd?", glossary())
    assert focused_queries(a, vocab=vocab) == ["DPd neutropenia adverse events", "IsaPd neutropenia adverse events"]
    b = analyse("DPd vs IsaPd PFS?", glossary())
    assert focused_queries(b, vocab=vocab) == ["DPd results PFS", "IsaPd results PFS"]
