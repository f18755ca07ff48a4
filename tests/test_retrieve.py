import pytest

from cd38_guide.corpus.glossary import parse_glossary
from cd38_guide.retrieve import QueryExpander, resolve_followup

GLOSSARY = parse_glossary(
    "term\tlanguage\texpansion\tkind\tsource\n"
    "洗脱期\tzh\twashout period\tconcept\tt\n"
    "抗CD38单克隆抗体\tzh\tanti-CD38 monoclonal antibody\tdrug class\tt\n"
    "CD38单抗\tzh\tanti-CD38 monoclonal antibody\tdrug class\tt\n"
    "DRd\ten\tdaratumumab lenalidomide dexamethasone\tabbreviation\tt\n"
    "OS\ten\toverall survival\tabbreviation\tt\n"
)


def test_expansion_of_chinese_and_abbreviations():
    ex = QueryExpander(GLOSSARY)
    assert ex.expand("抗CD38单抗再次治疗前需要多长的洗脱期？") == ["anti-CD38 monoclonal antibody", "washout period"]
    assert ex.expand("What PFS did DRd give?") == ["daratumumab lenalidomide dexamethasone"]
    assert ex.expand("what about drd") == ["daratumumab lenalidomide dexamethasone"]
    # Short abbreviations need their exact case: "os" in a word or lower case is not overall survival.
    assert ex.expand("Was OS longer?") == ["overall survival"]
    assert ex.expand("does it cause os or costs?") == []


@pytest.mark.parametrize(
    "question",
    [
        "What PFS did DRd give?",
        "what about drd, DRD and D-R-d?",
        "Was OS longer than os?",
        "xDRd and DRdx are not DRd",
        "洗脱期 and DRd in one question",
        "Ｄrd spelled with a full-width letter",
        "DRd\u00e9 next to an accented letter",
    ],
)
def test_substring_prefilter_finds_what_the_patterns_alone_find(question):
    """The literal pre-check skips a term only when its pattern could not match: same matches as before."""
    ex = QueryExpander(GLOSSARY)
    patterns_only = [(p, e, None, exact) for p, e, _, exact in ex._latin]
    plain = QueryExpander(GLOSSARY)
    plain._latin = patterns_only
    assert ex.matches(question) == plain.matches(question)


def test_retriever_prepares_chinese_queries_in_english(fake_assistant):
    q = fake_assistant.retriever.prepare("药物A 再治疗前需要多长的洗脱期？")
    assert q.language == "zh"
    assert "washout period" in q.dense_text and "retreatment" in q.dense_text
    assert "洗脱" in q.tokens


def test_chinese_question_finds_the_translation_and_its_english_original(fake_assistant):
    hits = fake_assistant.retriever.search("洗脱期后再治疗的缓解率？").hits
    assert {h.passage_id for h in hits[:2]} == {"alpha-zh-washout", "alpha-washout"}


def test_english_question_does_not_return_chinese_passages(fake_assistant):
    ids = [h.passage_id for h in fake_assistant.retriever.search("washout before retreatment with drug A").hits]
    assert ids[0] == "alpha-washout" and "alpha-zh-washout" not in ids


def test_hits_carry_scores_and_ranks(fake_assistant):
    r = fake_assistant.retriever.search("neutropenia growth factor", k=2)
    assert [h.rank for h in r.hits] == [1, 2]
    assert r.hits[0].passage_id == "alpha-neutropenia" and r.hits[0].score >= r.hits[1].score
    assert set(r.timings_ms) == {"expansion", "embedding", "dense_search", "bm25", "fusion"}


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        (
            "And in frail patients?",
            "What PFS did DRd give in POLLUX?",
            "What PFS did DRd give in POLLUX And in frail patients?",
        ),
        (
            "what about isatuximab?",
            "Is premedication needed for daratumumab?",
            "Is premedication needed for daratumumab what about isatuximab?",
        ),
        (
            "Does it need a dose change?",
            "What is the renal dosing of daratumumab?",
            "What is the renal dosing of daratumumab Does it need a dose change?",
        ),
        (
            "那老年患者呢？",
            "抗CD38单抗再次治疗前需要多长的洗脱期？",
            "抗CD38单抗再次治疗前需要多长的洗脱期 那老年患者呢？",
        ),
        ("How long is the washout before anti-CD38 rechallenge?", "What is DRd?", None),
        ("And in frail patients?", None, None),
    ],
)
def test_followups(question, previous, expected):
    assert resolve_followup(question, previous) == expected
