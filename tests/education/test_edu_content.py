"""The hand-written content: every statement cites passages that exist, numbers come from those passages,
the Chinese text uses the glossary's drug names, and the fixed ids match the contract."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cd38_guide.corpus import Corpus
from cd38_guide.education import EDUCATION_TOPICS, REGIMEN_CODES
from cd38_guide.education.content import Statement
from cd38_guide.education.profile import PROFILE_ITEMS
from cd38_guide.education.statements import DRUG_NAMES, REGIMENS, regimen_statements
from cd38_guide.education.topics import TOPICS
from cd38_guide.rules.models import REGIMEN_CODES as RULES_REGIMEN_CODES

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"

FIXED_TOPICS = (
    "about_anti_cd38",
    "infusion_reactions",
    "infections",
    "blood_tests_and_transfusion",
    "low_blood_counts",
    "retreatment",
    "older_or_frail",
)

# Figures written in words where the passage gives a percentage: "about 4 to 5 in 10 people" for 38% and 46%,
# "about 2 in 100" for 2%. Every other number in a statement appears as such in a passage it cites.
PARAPHRASED_NUMBERS = {
    "infusion.isa_rate": {"4", "5", "10"},
    "infusion.dara_iv_rate": {"100"},
}


def all_statements() -> Iterator[tuple[str, Statement]]:
    """Every statement that can reach a draft, with where it comes from."""
    for topic in TOPICS.values():
        for section in topic.sections:
            for st in section.statements:
                yield f"{topic.id}/{section.key}", st
    for code in REGIMEN_CODES:
        for st in regimen_statements(code):
            yield f"regimen {code}", st
    for item in PROFILE_ITEMS:
        for st in item.statements:
            yield item.code, st


STATEMENTS = list(all_statements())


def test_topic_ids_and_regimen_codes_are_the_contract() -> None:
    assert EDUCATION_TOPICS == FIXED_TOPICS
    assert tuple(REGIMEN_CODES) == ("DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd")
    assert tuple(REGIMENS) == tuple(RULES_REGIMEN_CODES)


@pytest.mark.parametrize(("where", "statement"), STATEMENTS, ids=[f"{w}:{s.key}" for w, s in STATEMENTS])
def test_every_statement_cites_passages_that_exist(where: str, statement: Statement, corpus: Corpus) -> None:
    assert statement.evidence, f"{where}: {statement.key} cites no passage"
    missing = [pid for pid in statement.evidence if pid not in corpus.passages]
    assert not missing, f"{where}: {statement.key} cites passages not in the corpus: {missing}"
    assert len(set(statement.evidence)) == len(statement.evidence)


@pytest.mark.parametrize(("where", "statement"), STATEMENTS, ids=[f"{w}:{s.key}" for w, s in STATEMENTS])
def test_numbers_in_statements_come_from_their_passages(where: str, statement: Statement, corpus: Corpus) -> None:
    cited = " ".join(corpus.passages[pid].text for pid in statement.evidence)
    cited_numbers = set(re.findall(r"\d+(?:\.\d+)?", cited))
    allowed = PARAPHRASED_NUMBERS.get(statement.key, set())
    for text in (statement.en, statement.zh):
        for number in re.findall(r"\d+(?:\.\d+)?", text.replace("CD38", "").replace("G-CSF", "")):
            assert number in cited_numbers or number in allowed, (
                f"{where}: {statement.key} says {number!r}, which none of {statement.evidence} states"
            )


def test_statement_keys_are_unique_within_what_one_draft_can_show() -> None:
    for topic in TOPICS.values():
        keys = [st.key for s in topic.sections for st in s.statements]
        assert len(keys) == len(set(keys)), topic.id
    for code in REGIMEN_CODES:
        keys = [st.key for st in regimen_statements(code)]
        assert len(keys) == len(set(keys)), code
    profile_keys = [st.key for item in PROFILE_ITEMS for st in item.statements]
    assert len(profile_keys) == len(set(profile_keys))
    assert all(k.startswith("profile.") for k in profile_keys)


def test_profile_items_name_real_topics() -> None:
    for item in PROFILE_ITEMS:
        assert item.topics and set(item.topics) <= set(EDUCATION_TOPICS), item.code
        assert item.code.split(":")[0] in {"flag", "anti_cd38", "frailty"}


@pytest.mark.parametrize(("where", "statement"), STATEMENTS, ids=[f"{w}:{s.key}" for w, s in STATEMENTS])
def test_chinese_text_is_chinese_with_glossary_drug_names(where: str, statement: Statement) -> None:
    assert re.search(r"[\u4e00-\u9fff]", statement.zh), f"{where}: {statement.key} has no Chinese text"
    for english, chinese in DRUG_NAMES.values():
        assert english not in statement.zh.lower(), f"{where}: {statement.key} uses {english!r} in Chinese text"
        if english in statement.en.lower():
            assert chinese in statement.zh, f"{where}: {statement.key} should name {english} as {chinese}"


def test_chinese_drug_names_are_the_corpus_glossary_terms() -> None:
    with (CORPUS_DIR / "glossary.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    zh_terms = {(r["expansion"].split()[0], r["term"]) for r in rows if r["language"] == "zh"}
    for english, chinese in DRUG_NAMES.values():
        assert (english, chinese) in zh_terms, f"{chinese} is not the glossary's zh term for {english}"


def test_english_statements_are_plain_and_short() -> None:
    for where, st in STATEMENTS:
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", st.en) if s]
        assert all(len(s.split()) <= 25 for s in sentences), f"{where}: {st.key} has a long sentence"
        assert st.en.rstrip()[-1] in ".?!", f"{where}: {st.key} does not end a sentence"


def test_glossary_and_questions_exist_in_both_languages() -> None:
    for topic in TOPICS.values():
        assert 2 <= len(topic.glossary) <= 6, topic.id
        assert len(topic.questions) >= 3, topic.id
        for term in topic.glossary:
            assert term.en and term.en_definition and term.zh and term.zh_definition
            assert not re.search(r"\d", term.en_definition + term.zh_definition), "no figures in the glossary"
        for q in topic.questions:
            assert q.en.endswith("?") and q.zh.endswith("？")
