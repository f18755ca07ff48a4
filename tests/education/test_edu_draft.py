"""Drafts: every topic in both languages and formats, markers that match references, grade <= 8 in English,
regimen content, the evidence filter, input errors and determinism."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from cd38_guide.corpus import Corpus
from cd38_guide.education import (
    EDUCATION_TOPICS,
    MAX_GRADE,
    REGIMEN_CODES,
    Draft,
    draft_to_html,
    draft_to_markdown,
    make_draft,
    patient_text,
)
from cd38_guide.education.topics import TOPICS
from cd38_guide.errors import InputError
from cd38_guide.rules import PatientProfile

LANGS = ("en", "zh")
REGIMENS_OR_NONE = (None, *REGIMEN_CODES)


def independent_grade(markdown: str) -> float:
    """Flesch-Kincaid grade computed here, not through the library: patient part only, markdown stripped."""
    from textstat.textstat import textstatistics

    body = markdown.split("\n---\n", 1)[0]
    kept = []
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith(">"):
            continue
        heading = line.startswith("#")
        line = re.sub(r"^#+\s*|^-\s+", "", line).replace("**", "")
        line = re.sub(r"\s*\[[\d, ]+\]", "", line)
        kept.append(line + ("." if heading else ""))
    stats = textstatistics()
    stats.set_lang("en-US")  # pyphen syllables; the CMU dictionary would need a download
    return float(stats.flesch_kincaid_grade("\n".join(kept)))


def check_structure(draft: Draft, corpus: Corpus, today: datetime.date) -> None:
    text = draft.text
    assert text.startswith(f"# {draft.title}\n")
    assert "DRAFT for clinician review" in text
    assert today.isoformat() in text and draft.date == today.isoformat()
    passages = "passages, " if draft.language == "en" else "个段落，"  # no English word in a Chinese sheet
    assert draft.corpus_version == f"{len(corpus.passages)} {passages}{corpus.hash[:12]}"
    assert draft.corpus_version in text
    assert draft.statements and draft.references
    # References are numbered 1..n, each a distinct existing passage with its provenance.
    assert [r.n for r in draft.references] == list(range(1, len(draft.references) + 1))
    by_n = {r.n: r for r in draft.references}
    assert len({r.passage_id for r in draft.references}) == len(draft.references)
    for ref in draft.references:
        passage = corpus.passages[ref.passage_id]
        assert ref.citation == passage.provenance.citation
        assert (ref.pmid, ref.doi, ref.url) == (passage.provenance.pmid, passage.provenance.doi, passage.provenance.url)
        assert ref.title == passage.title
    patient, appendix = text.split("\n---\n", 1)
    for ref in draft.references:
        assert f"\n{ref.n}. " in appendix and f"`{ref.passage_id}`" in appendix
    # Each statement's markers name exactly the references of its evidence, and every reference is used.
    used: set[int] = set()
    for st in draft.statements:
        assert st.evidence and all(pid in corpus.passages for pid in st.evidence)
        assert {by_n[n].passage_id for n in st.refs} == set(st.evidence)
        marker = "[" + ", ".join(str(n) for n in st.refs) + "]"
        sep = " " if draft.language == "en" else ""
        assert f"- {st.text}{sep}{marker}\n" in patient
        used |= set(st.refs)
    assert used == set(by_n)
    # The first citation of each reference appears in number order.
    first_seen: list[int] = []
    for st in draft.statements:
        first_seen += [n for n in st.refs if n not in first_seen]
    assert first_seen == sorted(first_seen)
    glossary_heading = "## Words to know" if draft.language == "en" else "## 需要了解的词"
    questions_heading = "## Questions to ask your care team" if draft.language == "en" else "## 可以问医疗团队的问题"
    assert glossary_heading in patient and questions_heading in patient
    assert draft.glossary and draft.questions


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", EDUCATION_TOPICS)
def test_each_topic_renders_in_both_languages_and_formats(
    topic: str, lang: str, corpus: Corpus, today: datetime.date
) -> None:
    draft = make_draft(topic, corpus=corpus, today=today, lang=lang)
    assert draft.topic == topic and draft.language == lang and draft.regimen is None
    check_structure(draft, corpus, today)
    assert draft_to_markdown(draft) == draft.text
    fragment = draft_to_html(draft)
    assert fragment.startswith('<article class="cd38-education"') and fragment.endswith("</article>")
    assert "DRAFT for clinician review" in fragment and draft.corpus_version in fragment
    for st in draft.statements:
        assert html.escape(st.text) in fragment
    for ref in draft.references:
        assert f'id="cd38-{topic}-ref-{ref.n}"' in fragment
        assert f'href="#cd38-{topic}-ref-{ref.n}"' in fragment
    page = draft_to_html(draft, standalone=True)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and fragment in page
    if lang == "zh":
        assert 'lang="zh-Hans"' in fragment
        assert draft.grade is None
        body = patient_text(draft.text)
        assert "daratumumab" not in body.lower() and "isatuximab" not in body.lower()
        assert "达雷妥尤单抗" in body or "艾沙妥昔单抗" in body
    else:
        assert draft.grade is not None


@pytest.mark.parametrize("regimen", REGIMENS_OR_NONE)
@pytest.mark.parametrize("topic", EDUCATION_TOPICS)
def test_english_grade_is_at_most_8(topic: str, regimen: str | None, corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft(topic, corpus=corpus, today=today, regimen=regimen)
    assert draft.grade is not None and draft.grade <= MAX_GRADE == 8.0
    assert independent_grade(draft.text) == pytest.approx(draft.grade, abs=0.05)
    assert independent_grade(draft.text) <= 8.0


@pytest.mark.parametrize("regimen", REGIMEN_CODES)
@pytest.mark.parametrize("lang", LANGS)
def test_regimen_drafts_render(regimen: str, lang: str, corpus: Corpus, today: datetime.date) -> None:
    for topic in EDUCATION_TOPICS:
        draft = make_draft(topic, corpus=corpus, today=today, regimen=regimen, lang=lang)
        check_structure(draft, corpus, today)
        assert draft.regimen == regimen
        assert any(s.key == "regimen.what" and regimen in s.text for s in draft.statements)
        assert draft_to_html(draft).count("<h2>") >= 3


PARTNERS = {
    "DRd": ("lenalidomide", "来那度胺"),
    "DVd": ("bortezomib", "硼替佐米"),
    "DKd": ("carfilzomib", "卡非佐米"),
    "DPd": ("pomalidomide", "泊马度胺"),
    "IsaPd": ("pomalidomide", "泊马度胺"),
    "IsaKd": ("carfilzomib", "卡非佐米"),
}


@pytest.mark.parametrize("regimen", REGIMEN_CODES)
def test_regimen_names_and_explains_the_partner_drugs(regimen: str, corpus: Corpus, today: datetime.date) -> None:
    en = make_draft("about_anti_cd38", corpus=corpus, today=today, regimen=regimen)
    zh = make_draft("about_anti_cd38", corpus=corpus, today=today, regimen=regimen, lang="zh")
    antibody = ("daratumumab", "达雷妥尤单抗") if regimen.startswith("D") else ("isatuximab", "艾沙妥昔单抗")
    other = "isatuximab" if antibody[0] == "daratumumab" else "daratumumab"
    partner = PARTNERS[regimen]
    section = [s for s in en.statements if s.section == "regimen"]
    intro = section[0].text
    drugs = f"{antibody[0]}, {partner[0]} and dexamethasone"
    assert intro == f"Your treatment is called {regimen}. It uses three medicines: {drugs}."
    assert any(s.key == f"drug.{partner[0]}" for s in section)
    assert any(s.key == "drug.dexamethasone" for s in section)
    zh_intro = next(s.text for s in zh.statements if s.key == "regimen.what")
    assert antibody[1] in zh_intro and partner[1] in zh_intro and "地塞米松" in zh_intro
    # Statements about the other antibody alone are left out of a regimen's draft.
    only_other = {st.key for sec in TOPICS["about_anti_cd38"].sections for st in sec.statements if st.antibody == other}
    assert only_other and not only_other & {s.key for s in en.statements}
    evidence = {pid for s in en.statements for pid in s.evidence}
    if partner[0] == "carfilzomib":
        assert "carfilzomib-cardiovascular-risk" in evidence
        heart = " ".join(s.text for s in section)
        assert "blood pressure" in heart and "heart" in heart
    if regimen == "IsaKd":
        assert "ikema-hypertension" in evidence
    if partner[0] == "bortezomib":
        assert "bortezomib-neuropathy" in evidence
        assert "nerve" in " ".join(s.text for s in section)
    if partner[0] == "lenalidomide":
        assert "lenalidomide-renal-dosing" in evidence


def test_no_regimen_shows_both_antibodies(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("infusion_reactions", corpus=corpus, today=today)
    keys = {s.key for s in draft.statements}
    assert {"premed.dara_time", "premed.isa_time"} <= keys
    isa = make_draft("infusion_reactions", corpus=corpus, today=today, regimen="IsaPd")
    assert "premed.dara_time" not in {s.key for s in isa.statements}
    assert "premed.isa_time" in {s.key for s in isa.statements}
    # A caution about one regimen alone shows only in that regimen's draft.
    assert "of.dkd" not in {s.key for s in make_draft("older_or_frail", corpus=corpus, today=today).statements}
    dkd = make_draft("older_or_frail", corpus=corpus, today=today, regimen="DKd")
    assert "of.dkd" in {s.key for s in dkd.statements}


def test_retreatment_explains_the_break_of_months(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("retreatment", corpus=corpus, today=today)
    washout = next(s for s in draft.statements if s.key == "rt.washout")
    assert "consensus-rechallenge-washout" in washout.evidence
    assert "typically 6 to 12 months" in washout.text
    assert "recover" in washout.text
    zh = make_draft("retreatment", corpus=corpus, today=today, lang="zh")
    assert "6到12个月" in next(s.text for s in zh.statements if s.key == "rt.washout")


def without(corpus: Corpus, *passage_ids: str) -> Corpus:
    """The corpus with some passages removed (its hash kept)."""
    docs = tuple(
        d.model_copy(update={"passages": tuple(p for p in d.passages if p.id not in passage_ids)})
        for d in corpus.documents
    )
    return replace(corpus, documents=docs)


def test_statements_whose_evidence_is_missing_never_reach_the_draft(corpus: Corpus, today: datetime.date) -> None:
    gone = ("consensus-rechallenge-washout", "souren-retreatment")
    smaller = without(corpus, *gone)
    assert not set(gone) & set(smaller.passages)
    draft = make_draft("retreatment", corpus=smaller, today=today)
    full = make_draft("retreatment", corpus=corpus, today=today)
    lost = {s.key for s in full.statements if set(s.evidence) & set(gone)}
    assert lost == {"rt.resistance", "rt.washout", "rt.less_well", "rt.break_helped", "rt.choices"}
    assert not lost & {s.key for s in draft.statements}
    assert set(draft.omitted) == lost
    assert all(pid in smaller.passages for s in draft.statements for pid in s.evidence)
    assert not {r.passage_id for r in draft.references} & set(gone)
    check_structure(draft, smaller, today)
    assert "typically 6 to 12 months" not in draft.text
    for key in sorted(lost):
        assert key in draft.text.split("\n---\n", 1)[1]  # the appendix says what was left out


def test_a_corpus_without_any_cited_passage_gives_an_empty_but_valid_draft(today: datetime.date) -> None:
    empty = Corpus(documents=(), hash="0" * 64)
    draft = make_draft("infections", corpus=empty, today=today)
    assert draft.statements == () and draft.references == ()
    assert draft.corpus_version == "0 passages, 000000000000"
    assert "No statement on this topic is supported" in draft.text
    assert "DRAFT for clinician review" in draft.text
    assert draft_to_html(draft)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"topic": "side_effects"}, "about_anti_cd38, infusion_reactions, infections"),
        ({"regimen": "KRd"}, "DRd, DVd, DKd, DPd, IsaPd, IsaKd"),
        ({"lang": "fr"}, "en, zh"),
    ],
)
def test_unknown_topic_regimen_or_language_is_an_input_error(
    kwargs: dict[str, str], needle: str, corpus: Corpus, today: datetime.date
) -> None:
    args = {"topic": "infections", **kwargs}
    topic = args.pop("topic")
    with pytest.raises(InputError) as err:
        make_draft(topic, corpus=corpus, today=today, **args)  # type: ignore[arg-type]
    assert needle in str(err.value)


def test_regimen_and_language_are_case_insensitive(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("infections", corpus=corpus, today=today, regimen="isakd", lang="ZH")
    assert draft.regimen == "IsaKd" and draft.language == "zh"


def test_same_inputs_give_the_same_draft(
    corpus: Corpus, today: datetime.date, make_profile: Callable[..., PatientProfile]
) -> None:
    profile = make_profile(age=80, hbv="anti_hbc_positive")
    for lang in LANGS:
        a = make_draft("about_anti_cd38", corpus=corpus, today=today, regimen="DPd", profile=profile, lang=lang)
        b = make_draft("about_anti_cd38", corpus=corpus, today=today, regimen="DPd", profile=profile, lang=lang)
        assert a == b and a.model_dump_json() == b.model_dump_json()
        assert draft_to_html(a) == draft_to_html(b)


def test_today_only_changes_the_date(corpus: Corpus, today: datetime.date) -> None:
    a = make_draft("low_blood_counts", corpus=corpus, today=today)
    b = make_draft("low_blood_counts", corpus=corpus, today=datetime.date(2031, 12, 24))
    assert b.date == "2031-12-24"
    assert a.text.replace(today.isoformat(), "2031-12-24") == b.text


def test_draft_is_frozen(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("infections", corpus=corpus, today=today)
    with pytest.raises(ValueError):
        draft.text = "changed"  # type: ignore[misc]


def test_html_escapes_text(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("infections", corpus=corpus, today=today)
    evil = draft.model_copy(update={"title": "<script>alert(1)</script>"})
    out = draft_to_html(evil, standalone=True)
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_patient_text_drops_header_appendix_and_markup(corpus: Corpus, today: datetime.date) -> None:
    draft = make_draft("blood_tests_and_transfusion", corpus=corpus, today=today)
    body = patient_text(draft.text)
    assert "DRAFT" not in body and draft.corpus_version not in body
    assert "PMID" not in body and "Clinician appendix" not in body
    assert "**" not in body and "[1]" not in body and "#" not in body
    assert body.startswith("Blood tests and blood transfusions.")
    assert "Questions to ask your care team." in body
