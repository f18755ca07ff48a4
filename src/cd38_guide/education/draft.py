"""Compose a patient-education draft: topic statements, the regimen's drugs and the patient's report items.

Pure and deterministic: no I/O, no clock (``today`` is passed in), the same inputs give the same draft. A
statement reaches the draft only when every passage it cites exists in the corpus it is composed against.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Sequence

from pydantic import Field

from cd38_guide.corpus import Corpus
from cd38_guide.education.content import Lang, Question, Statement, Term, Topic
from cd38_guide.education.profile import PROFILE_ITEMS, ProfileItem
from cd38_guide.education.render import render_markdown
from cd38_guide.education.statements import (
    LABELS,
    REGIMEN_CODES,
    REGIMENS,
    regimen_questions,
    regimen_statements,
    regimen_terms,
)
from cd38_guide.education.topics import TOPICS
from cd38_guide.errors import InputError
from cd38_guide.rules import PatientProfile, Report, check_patient
from cd38_guide.types import Frozen

log = logging.getLogger(__name__)

EDUCATION_TOPICS: tuple[str, ...] = tuple(TOPICS)
"""The topic ids, in display order (a fixed contract)."""

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Draft languages: English and Simplified Chinese."""

MAX_GRADE = 8.0
"""The Flesch-Kincaid grade every English draft must stay at or under (tested for every topic and regimen)."""


class DraftStatement(Frozen):
    """One statement as it appears in the draft, with the passages behind it and their reference numbers."""

    key: str = Field(description="Stable statement id, e.g. 'infections.zoster' or 'profile.dex_reduced'.")
    section: str = Field(description="Key of the section the statement appears in.")
    text: str = Field(description="The statement, without its reference markers.")
    evidence: tuple[str, ...] = Field(description="Corpus passage ids that support the statement.")
    refs: tuple[int, ...] = Field(description="Reference numbers of the evidence, ascending, as marked in the text.")


class Reference(Frozen):
    """A numbered reference in the clinician appendix: one corpus passage and its provenance."""

    n: int
    passage_id: str
    citation: str
    pmid: str | None
    doi: str | None
    url: str | None
    title: str = Field(description="Title of the corpus document the passage belongs to.")
    heading: str = Field(default="", description="Heading of the passage within that document.")


class DraftSection(Frozen):
    """A headed section of statements, in display order."""

    key: str
    heading: str


class GlossaryItem(Frozen):
    """An unavoidable term and its plain definition."""

    term: str
    definition: str


class Draft(Frozen):
    """A patient-education draft for clinician review (the contract the CLI and the web app use)."""

    topic: str
    language: Lang
    title: str
    date: str = Field(description="ISO date the draft was made.")
    corpus_version: str = Field(description="'<n> passages, <first 12 hex digits of the corpus hash>'.")
    text: str = Field(description="The whole draft as markdown: header, patient text, clinician appendix.")
    grade: float | None = Field(description="Flesch-Kincaid grade of the patient-facing text (English only).")
    statements: tuple[DraftStatement, ...]
    references: tuple[Reference, ...]
    regimen: str | None = None
    profile_notes: tuple[str, ...] = Field(default=(), description="Rules-report items that changed the draft.")
    sections: tuple[DraftSection, ...] = ()
    glossary: tuple[GlossaryItem, ...] = ()
    questions: tuple[str, ...] = ()
    omitted: tuple[str, ...] = Field(
        default=(), description="Keys of statements left out because a passage they cite is not in the corpus."
    )
    adapted_to_patient: bool = Field(default=False, description="A patient profile's rules report was applied.")


def corpus_version(corpus: Corpus, lang: str = "en") -> str:
    """'176 passages, ea8ef512cf73' ('176 个段落，ea8ef512cf73'): which evidence base a draft was made from."""
    if lang == "zh":
        return f"{len(corpus.passages)} 个段落，{corpus.hash[:12]}"
    return f"{len(corpus.passages)} passages, {corpus.hash[:12]}"


_VERDICT_ZH = {"option": "可选", "caution": "慎用", "avoid": "避免"}


def _choose(value: str, valid: Sequence[str], what: str, flag: str) -> str:
    """The canonical spelling of ``value`` among ``valid`` (case-insensitive), else an InputError listing them."""
    by_lower = {v.lower(): v for v in valid}
    found = by_lower.get(str(value).strip().lower())
    if found is None:
        raise InputError(f"unknown {what} {value!r}; {flag} must be one of: {', '.join(valid)}")
    return found


def _applies(item: Statement | Term | Question, regimen: str | None) -> bool:
    """Regimen-specific content shows in drafts for that regimen and, unless marked otherwise, without one."""
    if regimen is None:
        return bool(getattr(item, "in_generic", True))
    antibody = getattr(item, "antibody", None)
    if antibody is not None and antibody != REGIMENS[regimen].antibody:
        return False
    regimens = getattr(item, "regimens", None)
    return regimens is None or regimen in regimens


def report_items(report: Report) -> frozenset[str]:
    """The report's items as ``flag:<code>``, ``anti_cd38:<status>`` and ``frailty:<category>`` codes."""
    codes = {f"flag:{f.code}" for f in report.flags}
    codes.add(f"anti_cd38:{report.anti_cd38.status}")
    codes.add(f"frailty:{report.frailty.category}")
    return frozenset(codes)


def _matching_items(report: Report | None, topic: str) -> list[ProfileItem]:
    if report is None:
        return []
    present = report_items(report)
    return [item for item in PROFILE_ITEMS if item.code in present and topic in item.topics]


def _planned_sections(
    topic: Topic, regimen: str | None, items: list[ProfileItem], lang: Lang
) -> list[tuple[DraftSection, list[Statement]]]:
    """Every section with the statements that apply to this regimen, before the evidence check."""
    labels = LABELS[lang]
    planned = [
        (DraftSection(key=s.key, heading=s.heading(lang)), [st for st in s.statements if _applies(st, regimen)])
        for s in topic.sections
    ]
    if regimen is not None:
        heading = labels["regimen_heading"].format(code=regimen)
        planned.append((DraftSection(key="regimen", heading=heading), list(regimen_statements(regimen))))
    personal = [st for item in items for st in item.statements if _applies(st, regimen)]
    if personal:
        planned.append((DraftSection(key="profile", heading=labels["profile_heading"]), personal))
    return planned


def _glossary(topic: Topic, regimen: str | None, lang: Lang, kept: list[Statement]) -> tuple[GlossaryItem, ...]:
    """The topic's terms, plus the regimen's terms that its kept statements actually use."""
    terms = [t for t in topic.glossary if _applies(t, regimen)]
    if regimen is not None:
        have = {t.en for t in terms}
        used = " ".join(st.en.lower() for st in kept)
        terms += [t for t in regimen_terms(regimen) if t.en not in have and t.en.lower() in used]
    return tuple(GlossaryItem(term=a, definition=b) for a, b in (t.pair(lang) for t in terms))


def _questions(topic: Topic, regimen: str | None, items: Iterable[ProfileItem], lang: Lang) -> tuple[str, ...]:
    qs = [q for q in topic.questions if _applies(q, regimen)]
    if regimen is not None:
        qs += list(regimen_questions(regimen))
    qs += [item.question for item in items if item.question is not None]
    out: list[str] = []
    for q in qs:
        text = q.text(lang)
        if text not in out:
            out.append(text)
    return tuple(out)


def make_draft(
    topic: str,
    *,
    corpus: Corpus,
    today: datetime.date,
    regimen: str | None = None,
    profile: PatientProfile | None = None,
    lang: str = "en",
) -> Draft:
    """Compose the education draft for one topic, optionally for one regimen and one patient.

    Args:
        topic: one of ``EDUCATION_TOPICS``.
        corpus: the loaded corpus; statements citing passages it lacks are left out (listed in ``omitted``).
        today: the date printed on the draft (passed in: the composition reads no clock).
        regimen: one of ``REGIMEN_CODES`` (case-insensitive): names and explains the partner drugs and keeps
            only the statements about that regimen's antibody.
        profile: a patient profile; the rules report's items add statements where they apply to the topic
            (recorded in ``profile_notes``). No age or laboratory value is copied into the draft.
        lang: ``en`` or ``zh``.

    Raises:
        InputError: unknown topic, regimen or language (the message lists the valid values).
    """
    topic_id = _choose(topic, EDUCATION_TOPICS, "topic", "--topic")
    code = None if regimen is None else _choose(regimen, REGIMEN_CODES, "regimen", "--regimen")
    language: Lang = "en" if _choose(lang, LANGUAGES, "language", "--lang") == "en" else "zh"
    content = TOPICS[topic_id]
    report = check_patient(profile) if profile is not None else None
    items = _matching_items(report, topic_id)

    passages = corpus.passages
    numbers: dict[str, int] = {}
    sections: list[DraftSection] = []
    statements: list[DraftStatement] = []
    kept_sources: list[Statement] = []
    omitted: list[str] = []
    seen: set[str] = set()
    for section, planned in _planned_sections(content, code, items, language):
        kept = 0
        for st in planned:
            if st.key in seen:
                continue
            seen.add(st.key)
            if not st.evidence or any(pid not in passages for pid in st.evidence):
                omitted.append(st.key)
                log.debug("statement %s left out: evidence missing from the corpus", st.key)
                continue
            refs = tuple(sorted(numbers.setdefault(pid, len(numbers) + 1) for pid in st.evidence))
            statements.append(
                DraftStatement(key=st.key, section=section.key, text=st.text(language), evidence=st.evidence, refs=refs)
            )
            kept_sources.append(st)
            kept += 1
        if kept:
            sections.append(section)

    references = tuple(
        Reference(
            n=n,
            passage_id=pid,
            citation=passages[pid].provenance.citation,
            pmid=passages[pid].provenance.pmid,
            doi=passages[pid].provenance.doi,
            url=passages[pid].provenance.url,
            title=passages[pid].title,
            heading=passages[pid].heading,
        )
        for pid, n in numbers.items()
    )
    kept_keys = {s.key for s in statements}
    zh = language == "zh"
    notes = [item.note[1 if zh else 0] for item in items if any(st.key in kept_keys for st in item.statements)]
    if report is not None and code is not None:
        verdict = report.regimen(code).verdict
        if verdict != "option":
            notes.append(
                f"规则报告将{code}评为“{_VERDICT_ZH.get(verdict, verdict)}”；使用前请核对报告"
                if zh
                else f"the rules report rates {code} '{verdict}'; review the report before use"
            )

    draft = Draft(
        topic=topic_id,
        language=language,
        title=content.title(language),
        date=today.isoformat(),
        corpus_version=corpus_version(corpus, language),
        text="",
        grade=None,
        statements=tuple(statements),
        references=references,
        regimen=code,
        profile_notes=tuple(notes),
        sections=tuple(sections),
        glossary=_glossary(content, code, language, kept_sources),
        questions=_questions(content, code, items, language),
        omitted=tuple(omitted),
        adapted_to_patient=profile is not None,
    )
    text = render_markdown(draft)
    grade = readability_grade(text) if language == "en" else None
    return draft.model_copy(update={"text": text, "grade": grade})


_MARKERS = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")
_LIST = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


def patient_text(markdown: str) -> str:
    """The patient-facing prose of a draft: no header block, no clinician appendix, no markdown or markers.

    The header (a ``>`` block) and everything from the ``---`` rule on are for the clinician. Headings become
    sentences of their own so the readability formula does not glue them to the next line.
    """
    out: list[str] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if line == "---":
            break
        if not line or line.startswith(">"):
            continue
        heading = line.startswith("#")
        line = _LIST.sub("", line.lstrip("#").strip())
        line = _MARKERS.sub("", line.replace("**", "").replace("`", "")).strip()
        if heading and line and line[-1] not in ".?!。？！":
            line += "."
        if line:
            out.append(line)
    return "\n".join(out)


def readability_grade(markdown: str) -> float:
    """Flesch-Kincaid grade (``textstat``) of the patient-facing text of an English draft, to one decimal.

    Syllables are counted with pyphen's en_US dictionary. textstat 0.7.5+ would otherwise look words up in
    NLTK's CMU dictionary, which it downloads at run time: that fails offline, and where the download did
    happen the grade would differ from machines where it did not. The locale is spelled ``en-US`` because
    textstat only consults the CMU dictionary for a language root of ``en`` (split on ``_``), while pyphen
    reads ``en-US`` as ``en_US``. A private instance keeps textstat's module-level language untouched.
    """
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang("en-US")
    return round(float(stats.flesch_kincaid_grade(patient_text(markdown))), 1)
