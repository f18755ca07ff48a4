"""The UI's pure parts: escaping, highlighting, relevance cues, the patient form mapping, labels in both languages."""

from __future__ import annotations

import pytest

from cd38_guide.ui.i18n import STRINGS, t
from cd38_guide.ui.patient_form import (
    EXAMPLE_PROFILE,
    FIELDS,
    default_values,
    parse_number,
    profile_to_values,
    route_problems,
    values_to_profile,
)
from cd38_guide.ui.render import copy_text, esc, highlight, relevance, render_conversation, render_sources

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def _answer(question: str = "q", text: str = "Alpha beta. Gamma delta.", abstained: bool = False) -> dict:
    cite = {
        "n": 1,
        "passage_id": "p-1",
        "document_id": "d",
        "title": f"Title {XSS}",
        "heading": "H",
        "source_kind": "trial",
        "citation": "Doe J. J Test 2020",
        "pmid": "123",
        "doi": "10.1/x",
        "url": None,
        "year": 2020,
        "secondary": None,
        "language": "en",
        "text": text,
        "score": 0.03,
        "supporting": [[0, 11]],
    }
    return {
        "question": question,
        "answer": "Alpha beta. [1]",
        "abstained": abstained,
        "sentences": [] if abstained else [{"text": "Alpha beta.", "citations": [1]}],
        "citations": [] if abstained else [cite],
        "notes": [],
        "covered_topics": ["renal impairment"] if abstained else [],
        "patient_report": None,
        "resolved_question": None,
    }


def test_every_label_has_both_languages() -> None:
    for key, (en, zh) in STRINGS.items():
        assert en.strip() and zh.strip(), key
    assert t("tab_ask", "zh") == "提问" and t("tab_ask", "en") == "Ask"


def test_question_and_passage_text_are_escaped() -> None:
    html = render_conversation([_answer(question=XSS)], "en", {}) + render_sources([_answer(question=XSS)], "en")
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert esc('"><b>') == "&quot;&gt;&lt;b&gt;"


def test_highlight_marks_supporting_spans_and_escapes_the_rest() -> None:
    assert highlight("a <b> c", [[2, 5]]) == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("abc", [[5, 9], [1, 1]]) == "abc"  # out-of-range and empty spans are ignored


def test_relevance_cue_follows_the_share_of_the_best_score() -> None:
    assert [label for label, _ in relevance([0.03, 0.028, 0.02, 0.01])] == [
        "rel_strong",
        "rel_strong",
        "rel_moderate",
        "rel_weak",
    ]
    assert relevance([]) == []


def test_cite_markers_link_to_their_source_card() -> None:
    convo = render_conversation([_answer()], "en", {})
    sources = render_sources([_answer()], "en")
    assert 'data-open="src-1-1"' in convo and 'id="src-1-1"' in sources
    assert "https://pubmed.ncbi.nlm.nih.gov/123/" in sources and "https://doi.org/10.1/x" in sources


def test_abstention_is_shown_as_such_with_covered_topics() -> None:
    html = render_conversation([_answer(abstained=True)], "en", {})
    assert "No answer from the corpus" in html and "renal impairment" in html
    assert "没有" in render_conversation([_answer(abstained=True)], "zh", {})


def test_copy_text_lists_references() -> None:
    text = copy_text(_answer())
    assert text.startswith("Alpha beta. [1]") and "[1] Doe J. J Test 2020" in text and "PMID 123" in text
    assert copy_text(None) == ""


@pytest.mark.parametrize(("text", "value"), [("72", 72), (" 1.8 ", 1.8), ("1,8", 1.8), ("", None), (None, None)])
def test_parse_number(text: object, value: object) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "nan", "inf", True])
def test_parse_number_refuses_non_numbers(text: object) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_empty_form_is_unknown_and_round_trips_a_profile() -> None:
    data, problems = values_to_profile(default_values())
    # an untouched drug or antibody history is unknown (left out), never "never given"
    assert problems == [] and data == {"neuropathy_grade": 0, "hbv": "unknown"}
    data, problems = values_to_profile(profile_to_values(EXAMPLE_PROFILE))
    assert problems == []
    assert data["age"] == 77 and data["anc"] == 1.8 and data["exposure"] == EXAMPLE_PROFILE["exposure"]
    assert data["anti_cd38"] == EXAMPLE_PROFILE["anti_cd38"] and data["cytogenetics"] == ["gain1q"]


def test_text_in_a_number_box_is_a_field_problem() -> None:
    values = default_values()
    values[[f.path for f in FIELDS].index("age")] = "seventy"
    _, problems = values_to_profile(values)
    assert problems == ["age: must be a number (got 'seventy'); leave it empty if unknown"]


def test_problems_are_routed_beside_their_fields() -> None:
    by_field, general = route_problems(
        [
            "age: must be between 18 and 120 (got 150)",
            "anti_cd38.months_since_last_dose: must be between 0 and 600 months (got -1)",
            "anti_cd38: status is 'naive' but an agent or a last dose is given",
            "cytogenetics[0]: must be one of 'del17p' (got \"x\")",
            "unknown field 'foo'",
        ]
    )
    assert set(by_field) == {"age", "anti_cd38.months_since_last_dose", "anti_cd38.status", "cytogenetics"}
    assert general == ["unknown field 'foo'"]


def test_report_html_has_six_verdicts_with_words_and_openable_evidence() -> None:
    from cd38_guide.rules import check_patient, validate_profile
    from cd38_guide.ui.report_html import render_report

    report = check_patient(validate_profile(EXAMPLE_PROFILE)).model_dump(mode="json")
    html = render_report(report, {}, "en")
    assert html.count('<tr class="row-') == 6
    for r in report["regimens"]:
        assert f'class="verdict v-{r["verdict"]}"' in html
    assert "Avoid" in html or "Caution" in html or "Option" in html
    first = report["regimens"][0]["evidence"][0]
    assert f'data-open="ev-pt-{first}"' in html and f'id="ev-pt-{first}"' in html


def test_evaluation_pages_show_reports_or_say_they_are_missing(tmp_path) -> None:
    import json

    from cd38_guide.ui.pages import figure, read_report_md, render_bench

    assert "No report found at" in read_report_md(tmp_path, "en") and "make eval" in read_report_md(tmp_path, "en")
    assert "No report found at" in render_bench(tmp_path, "en") and figure(tmp_path, "recall_at_k.png") is None
    (tmp_path / "report.md").write_text("# Report\n\n![recall](recall_at_k.png)\n\nrecall@5 0.9\n")
    (tmp_path / "bench.json").write_text(
        json.dumps({"query_p50_ms": 12.5, "scale": [{"chunks": 1000, "recall_at_10": 1.0}]})
    )
    assert "recall@5 0.9" in read_report_md(tmp_path, "en") and "![" not in read_report_md(tmp_path, "en")
    bench = render_bench(tmp_path, "en")
    assert "Answer time, median (ms)" in bench and "12.5" in bench and '<th scope="col">chunks</th>' in bench
    assert "query_p50_ms" not in bench and "recall at 10" in bench  # keys in words, never snake_case
    (tmp_path / "bench.json").write_text("{broken")
    assert "bench.json" in render_bench(tmp_path, "en")


def test_about_counts_documents_passages_and_sources(fake_assistant) -> None:
    from cd38_guide.ui.pages import corpus_stats, render_about

    corpus = fake_assistant.corpus
    stats = corpus_stats(corpus)
    assert stats["documents"] == len(corpus.documents) and stats["passages"] == len(corpus.passages)
    html = render_about(corpus, "zh", version="9.9", ruleset="r1", manifest=None)
    assert "不是处方者" in html and "9.9" in html and f'<b id="n-docs">{stats["documents"]}</b>' in html
