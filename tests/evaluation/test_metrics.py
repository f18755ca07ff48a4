"""Every metric on hand-made cases, including the cases where it must fall below 1 and the edge cases."""

import math

import pytest

from cd38_guide.evaluation import metrics as M

# ---------------------------------------------------------------- retrieval


def test_recall_at_k_hit_miss_and_cutoff():
    ranked = ["a", "b", "c", "d", "e"]
    assert M.recall_at_k(ranked, {"c"}, 3) == 1.0
    assert M.recall_at_k(ranked, {"c"}, 2) == 0.0  # found, but below the cut-off
    assert M.recall_at_k(ranked, {"z"}, 5) == 0.0  # never found
    assert M.recall_at_k(ranked, {"z", "e"}, 5) == 1.0  # any expected passage counts
    assert M.recall_at_k([], {"a"}, 10) == 0.0


def test_repeats_count_once_at_their_first_rank():
    # Two chunks of one passage must not push the next passage down the ranking.
    assert M.first_relevant_rank(["a", "a", "a", "b"], {"b"}) == 2
    assert M.recall_at_k(["a", "a", "b"], {"b"}, 2) == 1.0


def test_retrieval_metrics_refuse_questions_without_expected_passages():
    for fn in (M.recall_at_k, M.mrr_at_k, M.ndcg_at_k):
        with pytest.raises(ValueError, match="no relevant"):
            fn(["a"], set(), 5)
        with pytest.raises(ValueError, match="k must be"):
            fn(["a"], {"a"}, 0)


def test_mrr_at_k():
    assert M.mrr_at_k(["x", "y", "a"], {"a"}, 10) == pytest.approx(1 / 3)
    assert M.mrr_at_k(["a"], {"a"}, 10) == 1.0
    assert M.mrr_at_k(["x", "y", "a"], {"a"}, 2) == 0.0
    assert M.mrr_at_k(["x", "b", "a"], {"a", "b"}, 10) == 0.5  # the first relevant one decides


def test_ndcg_at_k_binary_relevance():
    assert M.ndcg_at_k(["a", "x"], {"a"}, 10) == 1.0
    assert M.ndcg_at_k(["x", "a"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    # Two expected passages: only one retrieved, at the top -> below 1 (the ideal has both on top).
    assert M.ndcg_at_k(["a", "x", "y"], {"a", "b"}, 10) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert M.ndcg_at_k(["b", "a"], {"a", "b"}, 10) == 1.0
    assert M.ndcg_at_k(["x", "y"], {"a"}, 10) == 0.0
    # The ideal is capped at k: 3 relevant passages, k=1, a relevant one at rank 1 is perfect.
    assert M.ndcg_at_k(["a"], {"a", "b", "c"}, 1) == 1.0
    assert M.ndcg_at_k(["a", "a", "b"], {"a", "b"}, 2) == 1.0  # repeats removed first


# ---------------------------------------------------------------- key facts


def test_key_facts_all_must_match_case_insensitive():
    text = "Retreatment after a Washout of at least SIX months gave a response rate of 40%."
    assert M.key_facts_matched(text, [r"six months", r"40\s*%"])
    assert M.missing_key_facts(text, [r"six months", r"HR 0\.4"]) == [r"HR 0\.4"]
    assert not M.key_facts_matched(text, [r"six months", r"HR 0\.4"])
    assert M.key_facts_matched("", [])  # no key facts: vacuously true
    assert not M.key_facts_matched("", ["anything"])  # empty answer


def test_key_facts_are_regex_searches():
    assert M.key_facts_matched("HR 0.44", [r"HR\s*0\.44"])
    assert not M.key_facts_matched("HR 0x44", [r"HR\s*0\.44"])  # the dot is escaped, so 'x' does not match
    assert M.key_facts_matched("洗脱期至少六个月", ["六个月|six months"])


# ---------------------------------------------------------------- abstention


def test_abstention_precision_and_recall():
    pairs = [(True, True), (True, False), (False, True), (False, False)]  # TP, FP, FN, TN
    assert M.abstention_scores(pairs) == (0.5, 0.5)
    assert M.abstention_scores([(True, True), (False, False)]) == (1.0, 1.0)


def test_abstention_all_abstained():
    precision, recall = M.abstention_scores([(True, True), (True, False), (True, False), (True, False)])
    assert precision == 0.25 and recall == 1.0


def test_abstention_undefined_denominators_are_none():
    assert M.abstention_scores([(False, False)]) == (None, None)  # nothing abstained, nothing had to be
    assert M.abstention_scores([(False, True)]) == (None, 0.0)  # never abstained when it had to
    assert M.abstention_scores([]) == (None, None)


# ---------------------------------------------------------------- groundedness


PASSAGES = {"p1": "Doses were delayed, not reduced. Growth factor support was allowed.", "p2": "ORR was 40%."}


def test_grounded_when_verbatim_in_a_cited_passage():
    flags = M.grounded_sentences(
        [("Doses were delayed, not reduced.", [1]), ("ORR was 40%.", [2])], {1: "p1", 2: "p2"}, PASSAGES
    )
    assert flags == [True, True]
    assert M.groundedness(flags) == 1.0


def test_not_grounded_cases():
    cited = {1: "p1", 2: "p2"}
    sentences = [
        ("ORR was 40%.", [1]),  # true text, but of a passage it does not cite
        ("Doses were reduced.", [1]),  # paraphrase, not verbatim
        ("Doses were delayed, not reduced.", []),  # cites nothing
        ("Doses were delayed, not reduced.", [7]),  # cites a number absent from the citation list
        ("", [1]),  # empty sentence
        ("Doses were delayed, not reduced.", [3]),
    ]
    flags = M.grounded_sentences(sentences, {**cited, 3: "unknown-passage"}, PASSAGES)
    assert flags == [False] * 6
    assert M.groundedness([*flags, True, True]) == 0.25


def test_groundedness_of_no_sentences_is_none():
    assert M.groundedness([]) is None


def test_unaccounted_text():
    sentences = ["Doses were delayed, not reduced.", "ORR was 40%."]
    assert M.unaccounted_text("Doses were delayed, not reduced. [1] ORR was 40%. [2]", sentences) == ""
    assert M.unaccounted_text("NOTE\n\nORR was 40%. [1, 2]", ["ORR was 40%."], ["NOTE"]) == ""
    assert (
        M.unaccounted_text("Doses were delayed, not reduced. [1] So give it weekly.", sentences) == "So give it weekly."
    )


# ---------------------------------------------------------------- citation precision


def test_citation_correct_by_expected_or_key_fact():
    assert M.citation_correct("p1", PASSAGES["p1"], {"p1"}, [])
    assert M.citation_correct("p2", PASSAGES["p2"], {"p1"}, [r"40\s*%"])  # holds a key fact
    assert not M.citation_correct("p2", PASSAGES["p2"], {"p1"}, [r"delayed"])
    assert not M.citation_correct("p2", PASSAGES["p2"], set(), [])  # a must-abstain question cites nothing well


def test_share_and_mean():
    assert M.share([True, False, False, True]) == 0.5
    assert M.share([]) is None
    assert M.mean([1.0, None, 0.0]) == 0.5
    assert M.mean([None]) is None


# ---------------------------------------------------------------- percentiles


def test_percentiles():
    values = list(range(1, 101))  # 1..100
    p = M.percentiles(values)
    assert p["p50"] == pytest.approx(50.5)
    assert p["p95"] == pytest.approx(95.05)
    assert M.percentiles([7.0]) == {"p50": 7.0, "p95": 7.0}
    assert M.percentiles([]) == {"p50": None, "p95": None}
    assert set(M.percentiles([1, 2], ps=(90, 99))) == {"p90", "p99"}


def test_templated_line_numbers_and_names_must_be_in_what_it_cites():
    texts = {"p1": "D-Kd gave 28.4 vs 15.2 months in the final analysis."}
    titles = {"p1": "CANDOR: daratumumab, carfilzomib and dexamethasone"}
    cited = {1: "p1"}
    names = ["CANDOR", "IKEMA"]
    assert M.grounded_template(
        "DKd vs Kd in CANDOR: median PFS 28.4 vs 15.2 months [1]", [1], cited, texts, names, titles
    )
    # a number the passage does not state, or a trial its document is not about, is not grounded
    assert not M.grounded_template("DKd vs Kd in CANDOR: median PFS 28.5 vs 15.2 months [1]", [1], cited, texts, names)
    assert not M.grounded_template("IsaKd vs Kd in IKEMA: median PFS 28.4 months [1]", [1], cited, texts, names, titles)
    # without the titles, the source name is checked against the text alone
    assert not M.grounded_template("DKd vs Kd in CANDOR: 28.4 months [1]", [1], cited, texts, names)
