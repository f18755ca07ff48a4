"""The answer's lead (direct answer, comparison table, what a decline lacks, confidence in words), the report's
words instead of codes in both languages, copy-with-references, the Markdown inputs and the evaluation summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cd38_guide.ui import vocab
from cd38_guide.ui.answer_html import confidence
from cd38_guide.ui.eval_summary import render_summary
from cd38_guide.ui.pages import default_reports_dir
from cd38_guide.ui.patient_form import EXAMPLE_PROFILE, inputs_markdown
from cd38_guide.ui.render import copy_text, render_conversation, render_sources

XSS = "<img src=x onerror=alert(1)>"
TAGS = re.compile(r"<[^>]+>")


def _cite(n: int, score: float, **extra) -> dict:
    return {
        "n": n,
        "passage_id": f"p-{n}",
        "document_id": "d",
        "title": f"Trial {n}",
        "heading": "Results",
        "source_kind": "trial",
        "citation": f"Doe J. J Test 202{n}",
        "pmid": str(100 + n) if n != 3 else None,
        "doi": None,
        "url": "https://example.org/label" if n == 3 else None,
        "year": 2020,
        "text": "Alpha beta. Gamma delta.",
        "score": score,
        "supporting": [[0, 11]],
        **extra,
    }


def contract_answer() -> dict:
    """An answer with the answers-issue contract: direct answer, comparison table, intent and entities."""
    return {
        "question": "DPd vs IsaPd?",
        "answer": "Alpha beta. [1] Alpha beta. [2]",
        "abstained": False,
        "sentences": [{"text": "Alpha beta.", "citations": [1]}, {"text": "Gamma delta.", "citations": [2]}],
        "citations": [_cite(1, 0.05), _cite(2, 0.049), _cite(3, 0.01)],
        "notes": [],
        "covered_topics": [],
        "patient_report": None,
        "direct_answer": {"text": f"DPd: median PFS 12.4 months {XSS}", "citations": [1], "language": "en"},
        "table": {
            "columns": ["Regimen", "Trial", "Median PFS"],
            "rows": [
                [
                    {"text": "DPd", "citations": []},
                    {"text": "APOLLO", "citations": [1]},
                    {"text": "12.4", "citations": [1]},
                ],
                [
                    {"text": "IsaPd", "citations": []},
                    {"text": "ICARIA", "citations": [2]},
                    {"text": "11.5", "citations": [2]},
                ],
            ],
        },
        "intent": "comparison",
        "entities": {"regimens": ["DPd", "IsaPd"]},
    }


def test_direct_answer_then_table_then_quotes() -> None:
    html = render_conversation([contract_answer()], "en", {})
    direct, table, quote = html.index('class="direct"'), html.index('class="cmp"'), html.index('class="sent"')
    assert direct < table < quote
    assert "median PFS 12.4 months" in html and XSS not in html and "&lt;img" in html
    assert html.count('<th scope="row">') == 2 and '<th scope="col">Median PFS</th>' in html
    assert 'data-open="src-1-2"' in html  # table cells carry their citation markers
    assert "not randomised evidence" in html


def test_answer_without_the_new_keys_renders_as_before() -> None:
    ans = contract_answer()
    for key in ("direct_answer", "table", "intent", "entities"):
        ans.pop(key)
    html = render_conversation([ans], "en", {})
    assert 'class="direct"' not in html and 'class="cmp"' not in html and 'class="sent"' in html


def test_decline_shows_what_is_missing() -> None:
    ans = {**contract_answer(), "abstained": True, "sentences": [], "citations": [], "direct_answer": None}
    ans["missing"] = ["a renal dosing statement for isatuximab"]
    html = render_conversation([ans], "en", {})
    assert "What the corpus lacks" in html and "a renal dosing statement for isatuximab" in html
    html = render_conversation([{**ans, "missing": "no CANDOR overall survival"}], "zh", {})
    assert "语料中缺少的内容" in html and "no CANDOR overall survival" in html


def test_confidence_in_words() -> None:
    ans = contract_answer()
    assert confidence(ans) == "high"  # two quoted passages both close to the best match
    ans["citations"][1]["score"] = 0.02
    assert confidence(ans) == "medium"
    ans["sentences"] = ans["sentences"][:1]
    assert confidence(ans) == "low"
    assert confidence({**ans, "abstained": True}) == ""
    html = render_conversation([contract_answer()], "en", {})
    assert "Well supported:" in html and "do not grade the evidence" in html
    assert "证据较充分" in render_conversation([contract_answer()], "zh", {})


@pytest.mark.parametrize("mark", [{"source_kind": "user_added"}, {"user_added": True}])
def test_user_added_passage_is_marked(mark: dict) -> None:
    ans = contract_answer()
    ans["citations"][1] = {**ans["citations"][1], **mark}
    sources = render_sources([ans], "en")
    assert sources.count("Added by a user: not part of the reviewed corpus") == 1 and "src-user" in sources
    assert "Quotes a user-added passage: [2]" in render_conversation([ans], "en", {})
    assert "(added by a user, not reviewed)" in copy_text(ans)


def test_a_passage_note_is_shown_beside_its_citation_not_in_the_answer() -> None:
    ans = contract_answer()
    ans["citations"][0] = {**ans["citations"][0], "notes": "Figures read from the abstract only."}
    assert "Source note: Figures read from the abstract only." in render_sources([ans], "en")
    assert "Figures read from the abstract only." not in render_conversation([ans], "en", {})


def test_copy_with_references_has_a_url_for_each_reference() -> None:
    text = copy_text(contract_answer())
    assert text.startswith("DPd: median PFS 12.4 months")
    refs = [line for line in text.splitlines() if line.startswith("[")]
    assert len(refs) == 3
    assert "https://pubmed.ncbi.nlm.nih.gov/101/" in refs[0] and "PMID 101" in refs[0]
    assert refs[2].endswith("https://example.org/label") and refs[2].count("https://") == 1


def test_flag_labels_cover_every_rule_code_without_snake_case() -> None:
    rules = "".join(p.read_text(encoding="utf-8") for p in (Path(vocab.__file__).parents[1] / "rules").glob("*.py"))
    codes = set(re.findall(r'\bflag\(\s*"([a-z0-9_]+)"', rules))
    assert codes and codes <= set(vocab.FLAG_LABELS)
    for code in codes:
        for lang in ("en", "zh"):
            assert "_" not in vocab.flag_label(code, lang)
    assert vocab.flag_label("some_new_flag", "en") == "Some new flag"


def test_field_messages_use_labels_and_units_are_written_out() -> None:
    assert vocab.field_message("anc: must be a number (got 'low'); leave it empty if unknown", "en") == (
        "ANC: must be a number (got 'low'); leave it empty if unknown"
    )
    assert (
        vocab.field_message("age: must be between 18 and 120 (got 150)", "zh")
        == "年龄：应在 18 到 120 之间（当前为 150）"
    )
    assert vocab.field_message("anti_cd38.months_since_last_dose: required", "zh") == "距末次抗CD38单抗给药（月）：必填"
    assert vocab.units("ANC 0.8 x10^9/L: delay") == "ANC 0.8 ×10⁹/L: delay"
    note = "Assumed: prior_lines assumed 1 (not stated); IsaPd needs at least 2."
    assert vocab.rule_text("note", note, "en") == "Assumed: Prior lines assumed 1 (not stated); IsaPd needs at least 2."
    assert vocab.rule_text("note", note, "zh") == vocab.rule_text("note", note, "en")  # no Chinese source yet
    try:
        vocab.set_zh_source(lambda kind, en: "假设：prior_lines 为 1（未说明）")
        assert vocab.rule_text("note", note, "zh") == "假设：既往治疗线数 为 1（未说明）"
    finally:
        vocab.set_zh_source(None)


def test_chinese_report_shows_no_code_and_takes_a_plugged_in_source() -> None:
    from cd38_guide.rules import check_patient, validate_profile
    from cd38_guide.ui.report_html import render_report

    report = check_patient(validate_profile({**EXAMPLE_PROFILE, "anc": 0.8})).model_dump(mode="json")
    html = render_report(report, {}, "zh")
    text = TAGS.sub(" ", html)
    assert vocab.has_code(text) == [] and "x10^9" not in text and "×10⁹/L" in text
    assert "中性粒细胞减少：推迟给药" in text
    from cd38_guide.rules import Report, localize

    zh = localize(Report.model_validate(report), "zh")  # the rules core's own Chinese sentences are shown
    assert zh.regimens[0].reasons[0] in html and re.search(r"[\u4e00-\u9fff]", zh.regimens[0].reasons[0])
    assert report["regimens"][0]["reasons"][0] in render_report(report, {}, "en")


def test_markdown_inputs_list_every_field() -> None:
    md = inputs_markdown({"age": 70, "prior_lines": 1, "exposure": {"lenalidomide": "refractory"}}, "en")
    assert "- **Age (years, 18-120):** 70" in md and "- **Lenalidomide (R):** refractory" in md
    assert "- **ANC (×10⁹/L):** unknown (not given)" in md
    assert "- **年龄（岁，18-120）：** 77" in inputs_markdown(EXAMPLE_PROFILE, "zh")


def test_evaluation_summary_speaks_plainly(tmp_path: Path) -> None:
    reports = default_reports_dir()
    if not (reports / "report.json").is_file():
        pytest.skip("no committed evaluation report")
    en = TAGS.sub(" ", render_summary(reports, "en"))
    for words in ("What it gets right", "Where it falls short", "How it was measured", "Measured on 20", "passages"):
        assert words in en
    assert "recall@" not in en and "MRR" not in en and vocab.has_code(en) == []
    zh = TAGS.sub(" ", render_summary(reports, "zh"))
    assert "做得好的地方" in zh and "个段落" in zh and "passages" not in zh and vocab.has_code(zh) == []
    assert "make eval" in render_summary(tmp_path, "en")  # no report: say how to make one


def test_reading_notes_lead_in_chinese() -> None:
    from cd38_guide.rules import check_patient, validate_profile

    report = check_patient(validate_profile({"age": 72, "prior_lines": 2})).model_dump(mode="json")
    ans = {**contract_answer(), "patient_report": report}
    ans["notes"] = ["Patient facts read from the question: age 72.", "Assumed: prior_lines assumed 1 (not stated)."]
    zh = render_conversation([ans], "zh", {})
    assert "从问题中读取的患者信息：age 72." in zh and "假设：Prior lines assumed 1" in zh
    en = render_conversation([ans], "en", {})
    assert "Patient facts read from the question: age 72." in en and "Assumed: Prior lines assumed 1" in en


def test_yes_no_facts_can_be_unknown() -> None:
    from cd38_guide.ui.patient_form import FIELDS, default_values, profile_to_values, values_to_profile

    values = default_values()
    at = {s.path: i for i, s in enumerate(FIELDS)}
    assert values[at["uncontrolled_hypertension"]] == "unknown"
    values[at["uncontrolled_hypertension"]], values[at["recurrent_infections"]] = "no", "yes"
    data, _ = values_to_profile(values)
    assert data["uncontrolled_hypertension"] is False and data["recurrent_infections"] is True
    assert "uncontrolled_hypertension" not in values_to_profile(default_values())[0]  # unknown: left out
    assert profile_to_values({"uncontrolled_hypertension": False})[at["uncontrolled_hypertension"]] == "no"
