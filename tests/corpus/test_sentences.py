from cd38_guide.corpus.sentences import question_language, split_sentences


def texts(t: str) -> list[str]:
    return [t[s.start : s.end] for s in split_sentences(t)]


def test_splits_on_periods_and_keeps_abbreviations_decimals_and_vs():
    t = "PFS was 44.5 vs 17.5 months (HR 0.44). Doses e.g. 16 mg/kg were used. Dimopoulos et al. reported it."
    assert texts(t) == [
        "PFS was 44.5 vs 17.5 months (HR 0.44).",
        "Doses e.g. 16 mg/kg were used.",
        "Dimopoulos et al. reported it.",
    ]


def test_offsets_reproduce_the_text_exactly():
    t = "  First one.   Second ≥ one!  Third?  "
    spans = split_sentences(t)
    assert [t[s.start : s.end] for s in spans] == ["First one.", "Second ≥ one!", "Third?"]


def test_chinese_full_stops():
    t = "第一句。第二句,包括逗号。第三句"
    assert texts(t) == ["第一句。", "第二句,包括逗号。", "第三句"]


def test_lowercase_after_period_does_not_split():
    assert texts("Given at 10 mg. weekly dosing follows.") == ["Given at 10 mg. weekly dosing follows."]


def test_question_language():
    assert question_language("抗CD38单抗再次治疗前需要多长的洗脱期？") == "zh"
    assert question_language("How long is the washout for CD38?") == "en"
    assert question_language("DRd 的 PFS 是多少") == "zh"
