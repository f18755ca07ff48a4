"""Which question words name something the corpus must speak to (no model needed)."""

from __future__ import annotations

import pytest

from cd38_guide.query_terms import is_specific_term, question_concepts, word_weight, zh_unknown_drugs


def test_specific_terms_are_named_things_not_everyday_words() -> None:
    assert is_specific_term("selinexor") and is_specific_term("IRAKLIA") and is_specific_term("pregnancy")
    assert not is_specific_term("worth") and not is_specific_term("get")
    # cost and price are read in context by the aspects vocabulary ("the eye-tox price" is not a cost question)
    assert not is_specific_term("price")


def test_everyday_words_weigh_less_than_rare_ones() -> None:
    assert word_weight("the") == 0.0
    assert word_weight("migraine") > word_weight("today")


def test_a_glossary_term_is_one_concept() -> None:
    concepts = question_concepts("ANC below 1?", [(0, "ANC", "absolute neutrophil count")], "en")
    assert any("neutrophil" in c and "anc" in c for c in concepts)


def test_chinese_drug_names_the_glossary_does_not_know() -> None:
    known = [(0, "达雷妥尤单抗", "daratumumab")]
    assert zh_unknown_drugs("用达雷妥尤单抗，恩替卡韦要吃多久？", known) == ["恩替卡韦"]
    assert zh_unknown_drugs("达雷妥尤单抗的剂量？", known) == []


@pytest.mark.parametrize(("word", "specific"), [("PCV20", True), ("CD19", True), ("G3", False), ("D1", False)])
def test_a_capital_code_with_a_number_is_a_specific_term(word: str, specific: bool) -> None:
    """PCV20 names a vaccine the corpus may lack (an acronym); G3 (grade 3) and D1 (day 1) are ward shorthand the
    corpus spells out, never a subject it lacks."""
    assert is_specific_term(word) is specific
