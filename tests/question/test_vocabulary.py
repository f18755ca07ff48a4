"""The substring pre-check of term patterns: it may skip a search only where the pattern cannot match."""

from __future__ import annotations

import re

import pytest

from cd38_guide.question.vocabulary import load_vocabulary, may_match, term_pattern

TEXTS = [
    "What PFS did DRd give in POLLUX?",
    "what about drd and pollux",
    "xDRd is not DRd; POLLUXES is not POLLUX",
    "达雷妥尤单抗 and DRd",
    "Ｄrd and ＰＯＬＬＵＸ in full-width letters",
    "DRd\u00e9 beside an accented letter",
    "",
]


@pytest.mark.parametrize("term,exact", [("DRd", True), ("POLLUX", False), ("Pd", True), ("达雷妥尤单抗", False)])
@pytest.mark.parametrize("text", TEXTS)
def test_may_match_never_skips_a_match(term: str, exact: bool, text: str) -> None:
    pattern = term_pattern(term, exact_case=exact)
    if pattern.search(text):
        assert may_match(pattern, text, text.lower(), text.isascii())


def test_may_match_skips_absent_terms_and_searches_unknown_patterns() -> None:
    pollux = term_pattern("POLLUX")
    assert not may_match(pollux, "What did CASTOR show?", "what did castor show?", True)
    other = re.compile(r"pollu[x]", re.IGNORECASE)  # not a term pattern: always searched
    assert may_match(other, "nothing here", "nothing here", True)


def test_the_management_cue_stands_alone_so_rates_do_not_outweigh_what_is_done() -> None:
    from cd38_guide.question.vocabulary import load_vocabulary

    vocab = load_vocabulary(())
    managed = vocab.cues("toxicity", ("management", "toxicity"))
    assert [c.pattern for c in managed] == [vocab.attribute_cues["management"].pattern]
    assert managed[0].search("the dose is delayed until blood counts recover")
    assert not managed[0].search("Grade 3/4 neutropenia occurred in 57.6% vs 41.6% of patients")
    rates = vocab.cues("toxicity", ("toxicity",))  # how often it occurs: the toxicity cue
    assert rates and rates[0].search("Grade 3/4 neutropenia occurred in 57.6% vs 41.6% of patients")


@pytest.mark.parametrize(
    ("question", "spelled"),
    [
        ("伊沙 肾功能不全 剂量", "伊沙妥昔单抗 肾功能不全 剂量"),
        ("达雷 皮下 剂量", "达雷妥尤单抗 皮下 剂量"),
        ("伊沙妥昔单抗的剂量", "伊沙妥昔单抗的剂量"),
        ("达雷妥尤单抗皮下注射", "达雷妥尤单抗皮下注射"),
    ],
)
def test_chinese_short_names_are_spelled_out_only_where_the_full_name_is_not_typed(question, spelled) -> None:
    from cd38_guide.question.analysis import normalize

    assert normalize(question, load_vocabulary()) == spelled
