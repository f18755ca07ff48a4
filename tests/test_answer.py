import pytest

from cd38_guide.assistant import clean_question
from cd38_guide.errors import InputError


def assert_grounded(ans, corpus):
    """Every answer sentence occurs verbatim in the passage its citation names."""
    by_n = {c.n: c for c in ans.citations}
    for s in ans.sentences:
        assert s.citations, s
        for n in s.citations:
            assert s.text in corpus.passages[by_n[n].passage_id].text
    for c in ans.citations:
        for start, end in c.supporting:
            assert c.text[start:end] in [s.text for s in ans.sentences]


def test_answer_is_extractive_and_cited(fake_assistant):
    ans = fake_assistant.ask("How long a washout before drug A is given again?")
    assert not ans.abstained
    assert ans.citations[0].passage_id == "alpha-washout"
    assert ans.citations[0].pmid == "22222222"  # the passage's own follow-up publication
    assert_grounded(ans, fake_assistant.corpus)
    for s in ans.sentences:
        assert f"{s.text} [{s.citations[0]}]" in ans.answer
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))


def test_secondary_source_is_carried_to_the_citation(fake_assistant):
    ans = fake_assistant.ask("Was neutropenia with drug A managed by dose delay?")
    cited = {c.passage_id: c for c in ans.citations}
    assert cited["alpha-neutropenia"].secondary == "review table (Test Rev 2021)"
    assert cited["alpha-neutropenia"].notes == "The primary ALPHA safety report was not read."
    assert "not read" not in ans.answer  # a provenance note is shown beside the citation, never quoted


def test_chinese_question_notes_english_evidence(fake_assistant):
    ans = fake_assistant.ask("药物A洗脱期后再治疗的缓解率是多少？")
    assert ans.language == "zh" and not ans.abstained
    ids = [c.passage_id for c in ans.citations]
    assert "alpha-zh-washout" in ids
    if any(c.language == "en" for c in ans.citations):
        assert ans.answer.startswith("注：以下证据原文为英文")
    assert_grounded(ans, fake_assistant.corpus)


def test_off_topic_question_abstains_and_lists_topics(fake_assistant):
    ans = fake_assistant.ask("What is the first-line treatment for migraine?")
    assert ans.abstained and ans.citations == [] and ans.sentences == []
    assert ans.covered_topics and "It covers:" in ans.answer


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", None, 42])
def test_empty_or_non_text_questions_are_refused(bad):
    with pytest.raises(InputError):
        clean_question(bad, 2000)


def test_long_question_is_refused_with_its_length():
    with pytest.raises(InputError, match="100,000 characters"):
        clean_question("a" * 100_000, 2000)


def test_cleaning_removes_control_characters_and_normalises():
    assert clean_question("  What\x07 is\u200b  ＤＲｄ?\n", 2000) == "What is DRd?"


def test_followup_is_resolved_in_a_chat(fake_assistant):
    first = fake_assistant.ask("What was the design of the ALPHA trial of drug A?")
    follow = fake_assistant.ask("And neutropenia?", history=[first.question])
    assert follow.resolved_question == "What was the design of the ALPHA trial of drug A And neutropenia?"
    assert any("Follow-up read as" in n for n in follow.notes)


def test_sentence_traits_read_gaps_figures_and_design():
    from cd38_guide.sentence_selection import sentence_traits

    assert sentence_traits("The dose in dialysis was not verified.")[0]
    assert sentence_traits("Median PFS was 44.5 months.") == (False, True, False, False)
    assert sentence_traits("Patients were randomised 1:1 to DRd or Rd.") == (False, True, True, True)
    # speaks of design, but reports a result too: not design only
    assert sentence_traits("Patients were randomised; median PFS was longer.")[2:] == (True, False)


def _candidate(score: float, start: int, text: str, pid: str = "p"):
    from cd38_guide.sentence_selection import Candidate

    return Candidate(score, 0.5, 0, pid, start, start + len(text), text, frozenset())


def test_a_quote_read_without_what_it_leans_on_is_marked_out_of_context():
    from cd38_guide.answer import out_of_context

    design = _candidate(1.0, 0, "LEPUS was a phase 3 trial in Chinese patients.")
    leaning = _candidate(1.0, 60, "It randomised 211 patients 2:1.")
    other = _candidate(0.9, 0, "CASTOR was a phase 3 trial.", pid="q")
    # "It randomised ..." first, its passage's opening not quoted: read out of context
    assert out_of_context([leaning, other], 0, leaning, 0)
    # after its own passage's opening sentence it reads right
    assert not out_of_context([design, leaning, other], 1, design, 0)
    # a sentence moved ahead of its passage's opening is out of context, whatever its words
    assert out_of_context([other, design], 0, design, 0)
    assert not out_of_context([other, design], 1, other, 0)
