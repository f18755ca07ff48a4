"""Grounded, extractive answers: sentences chosen from the retrieved passages, each cited, or an abstention.

The answer asserts nothing that is not a sentence of a cited passage: the composer only copies sentence
spans (character offsets into the passage) and numbers the passages it copied from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass

import numpy as np

from cd38_guide.config import AnswerSettings
from cd38_guide.corpus import Corpus
from cd38_guide.index.lexical import tokenize
from cd38_guide.index.store import LoadedIndex
from cd38_guide.retrieve import Retrieval
from cd38_guide.types import AnswerSentence, Citation, Hit, Language

TOPIC_LABELS: dict[str, tuple[str, str]] = {
    "background": ("background on anti-CD38 antibodies", "抗CD38单抗概述"),
    "regimen_selection": ("choosing an anti-CD38 regimen (DRd, DVd, DKd, DPd, IsaPd, IsaKd)", "抗CD38方案选择"),
    "dosing": ("dosing, schedules and subcutaneous vs intravenous use", "剂量、给药方案与皮下/静脉给药"),
    "renal": ("renal impairment", "肾功能损害"),
    "comorbidity": ("comorbidities such as heart disease and neuropathy", "合并症（心脏病、神经病变等）"),
    "frailty": ("elderly and frail patients, frailty scores", "老年与体弱患者、虚弱评分"),
    "high_risk": ("high-risk cytogenetics including 1q21+", "高危细胞遗传学（包括1q21+）"),
    "hematologic_toxicity": ("neutropenia, thrombocytopenia and dose delays", "中性粒细胞减少、血小板减少与延迟给药"),
    "infections": (
        "infections, zoster and hepatitis B prophylaxis, immunoglobulin",
        "感染、带状疱疹与乙肝预防、免疫球蛋白",
    ),
    "infusion_reactions": ("infusion reactions and premedication", "输注反应与预处理"),
    "lab_interference": ("blood-bank and SPEP/IFE interference", "血库检测与SPEP/IFE干扰"),
    "definitions": ("definitions: refractory, exposed, triple-class refractory", "定义：难治、暴露、三类药物难治"),
    "resistance": ("resistance mechanisms", "耐药机制"),
    "rechallenge": ("rechallenge and re-treatment after a washout", "洗脱期后再次治疗"),
    "tcr_combinations": ("combinations with bispecific antibodies and CAR-T", "与双特异性抗体和CAR-T联合"),
}

_QUANTITY = re.compile(
    r"\b(how (long|many|much|often|frequent)|what (dose|proportion|percentage|rate|share)|rate|rates|percent|%|"
    r"median|hazard|hr\b|pfs|os\b|orr|mrd|months?|weeks?|dose|dosing|mg|threshold|cut-?off|level)|多长|多少|几|比例|剂量|率",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")

# Requests aimed at the assistant rather than questions about the evidence (prompt injection, role play,
# creative writing, questions about the system itself). They get the same honest abstention.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|rules?|corpus|prompt|above|previous)\b"
    r"|\b(system prompt|developer mode|jailbreak|you are now|you're now|act as|pretend|role-?play)\b"
    r"|\b(write|compose|tell)\b.{0,20}\b(poem|limerick|story|essay|song|joke|article)\b"
    r"|\b(translate)\b.{0,40}\b(into|to)\b"
    r"|\b(which|what) (llm|model|ai)\b.{0,20}\b(are you|is this)\b|\bwho (made|trained|built) you\b"
    r"|\b(api keys?|environment variables|hidden configuration|dump your)\b"
    r"|忽略|无视|指令|系统提示|写一首|写一篇|写首|你是什么模型|谁开发的你|谁开发的|扮演|翻译成",
    re.IGNORECASE,
)


def is_instruction(question: str) -> bool:
    """True when the text asks the assistant to do something other than answer from the evidence."""
    return bool(_INSTRUCTION.search(question))


# Sentences in which the corpus records that a point could not be verified: evidence of absence.
_GAP = re.compile(r"\bnot (verified|read|captured|found)\b|\bunverified\b", re.IGNORECASE)
GAP_NOTE = "The corpus does not answer this: its closest passage records that the point was not verified."
GAP_NOTE_ZH = "语料库无法回答此问题：最相关的段落说明这一点未经核实。"

ENGLISH_EVIDENCE_NOTE = "注：以下证据原文为英文（引用原句，未经翻译）。"


@dataclass(frozen=True)
class Confidence:
    """Evidence-strength signals behind the answer-or-abstain decision."""

    dense: float
    sentence: float
    coverage: float
    unknown_terms: tuple[str, ...]
    value: float


@dataclass
class Composition:
    """The composer's output, before it is wrapped in the Answer contract."""

    abstained: bool
    sentences: list[AnswerSentence]
    citations: list[Citation]
    notes: list[str]
    answer: str
    confidence: Confidence
    covered_topics: list[str]


def _weighted_overlap(query_tokens: list[str], other: Set[str], idf: Callable[[str], float]) -> float:
    weights = {t: idf(t) for t in set(query_tokens)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in other) / total if total else 0.0


def covered_topics(corpus: Corpus, language: Language) -> list[str]:
    """Human labels of the topics the corpus has passages on, in the question's language."""
    present = {t for p in corpus.passages.values() for t in p.topics}
    return [TOPIC_LABELS[t][1 if language == "zh" else 0] for t in TOPIC_LABELS if t in present]


def confidence_of(retrieval: Retrieval, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings) -> Confidence:
    """How well the top passages answer the query.

    ``value`` mixes the best dense similarity (query vs chunk or sentence) with how much of the question's
    vocabulary the best passage covers (IDF-weighted, over words the corpus knows); the weights and the
    threshold it is compared with are calibrated on eval/calibration.jsonl and recorded in AnswerSettings.
    """
    q = retrieval.query
    if not retrieval.hits or q.vector is None:
        return Confidence(0.0, 0.0, 0.0, tuple(q.unknown_terms), 0.0)
    top = retrieval.hits[: min(3, len(retrieval.hits))]
    dense = max((h.dense or 0.0) for h in top)
    best_sentence = 0.0
    for h in top:
        rows = index.sentence_rows.get(h.passage_id, [])
        if rows:
            best_sentence = max(best_sentence, float(np.max(index.sentence_vectors[rows] @ q.vector)))
    lexical = index.lexical
    max_idf = lexical.idf("\0never-a-token")

    def weight(t: str) -> float:
        # A word the corpus never uses counts by how specific it is in general English (see word_weight).
        return lexical.idf(t) if t in lexical.df else max_idf * q.unknown_weights.get(t, 1.0)

    def concept_weight(concept: list[str]) -> float:
        known = [lexical.idf(t) for t in concept if t in lexical.df]
        return max(known) if known else max(weight(t) for t in concept)

    weights = [concept_weight(c) for c in q.concepts]
    total = sum(weights)
    coverage = 0.0
    for h in top:
        p = corpus.passages[h.passage_id]
        tokens = set(tokenize(f"{p.title} {p.heading} {p.text}"))
        covered = sum(w for c, w in zip(q.concepts, weights, strict=True) if any(t in tokens for t in c))
        coverage = max(coverage, covered / total if total else 0.0)
    coverage = min(coverage, q.zh_coverage)  # untranslated Chinese content counts as uncovered
    value = settings.similarity_weight * max(dense, best_sentence) + settings.coverage_weight * coverage
    return Confidence(
        round(dense, 4), round(best_sentence, 4), round(coverage, 4), tuple(q.unknown_terms), round(value, 4)
    )


def should_abstain(conf: Confidence, settings: AnswerSettings, question: str = "") -> bool:
    """Abstain on weak evidence, when the question names something the corpus never mentions, or when the
    text is an instruction to the assistant rather than a question about the evidence."""
    return (
        conf.value < settings.abstain_threshold
        or (settings.abstain_on_unknown_terms and bool(conf.unknown_terms))
        or is_instruction(question)
    )


def _citation(n: int, hit: Hit, corpus: Corpus, spans: list[list[int]]) -> Citation:
    p = corpus.passages[hit.passage_id]
    prov = p.provenance
    return Citation(
        n=n,
        passage_id=p.id,
        document_id=p.document_id,
        title=p.title,
        heading=p.heading,
        source_kind=prov.source_kind,
        citation=prov.citation,
        pmid=prov.pmid,
        doi=prov.doi,
        url=prov.url or prov.link,
        year=prov.year,
        secondary=prov.secondary,
        notes=p.notes,
        language=p.language,
        text=p.text,
        score=round(hit.score, 6),
        supporting=sorted(spans),
    )


@dataclass(frozen=True)
class _Candidate:
    """A passage sentence that may enter the answer."""

    score: float
    similarity: float
    hit: int
    pid: str
    start: int
    end: int
    text: str
    tokens: frozenset[str]


def _score_sentences(
    retrieval: Retrieval, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings
) -> list[_Candidate]:
    """Every sentence of the retrieved passages, scored by similarity, term overlap, rank and figures."""
    q = retrieval.query
    wants_figure = bool(_QUANTITY.search(q.text))
    out: list[_Candidate] = []
    for hi, hit in enumerate(retrieval.hits):
        p = corpus.passages[hit.passage_id]
        rows = index.sentence_rows.get(p.id, [])
        if not rows:
            continue
        cos = index.sentence_vectors[rows] @ q.vector
        prior = 1.0 / (hit.rank**0.5)  # retrieval rank, not the near-flat RRF score
        terms = q.tokens if p.language == "zh" else q.content_tokens
        for row, c in zip(rows, cos.tolist(), strict=True):
            _, start, end = index.sentence_keys[row]
            text = p.text[start:end]
            tokens = frozenset(tokenize(text))
            score = (
                settings.sentence_similarity_weight * c
                + settings.sentence_overlap_weight * _weighted_overlap(terms, tokens, index.lexical.idf)
                + settings.sentence_rank_weight * prior
                + (settings.figure_bonus if wants_figure and _DIGIT.search(text) else 0.0)
            )
            out.append(_Candidate(score, c, hi, p.id, start, end, text, tokens))
    out.sort(key=lambda c: (-c.score, c.hit, c.start))
    return out


def _select(
    candidates: list[_Candidate], q, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings
) -> list[_Candidate]:
    """Greedy selection among strong sentences, preferring those that cover question concepts not yet covered.

    Only sentences scoring at least ``min_relative_score`` of the best are eligible; among them, coverage gain
    decides the order. A multi-part question ("DVd PFS in LEPUS and in CASTOR's one-prior-line group") then
    gets a sentence for each part instead of two sentences about the first.
    """
    if not candidates:
        return []
    weights = [max((index.lexical.idf(t) for t in c if t in index.lexical.df), default=0.0) for c in q.concepts]
    total = sum(weights) or 1.0
    covered: set[int] = set()
    chosen: list[_Candidate] = []
    per_passage: dict[str, int] = {}
    best = candidates[0].score
    if q.language == "zh":
        # A Chinese reader gets the best Chinese sentence first when a Chinese passage was retrieved.
        native = next((c for c in candidates if corpus.passages[c.pid].language == "zh"), None)
        if native is not None:
            chosen.append(native)
            per_passage[native.pid] = 1
    while len(chosen) < settings.max_sentences:
        pick, pick_value, pick_gain = None, float("-inf"), set()
        for c in candidates:
            if c.score < settings.min_relative_score * best:
                break  # candidates are sorted: every later one is weaker still
            if c in chosen or per_passage.get(c.pid, 0) >= settings.max_per_passage:
                continue
            if chosen and c.similarity < settings.min_sentence_similarity:
                continue  # a supporting sentence must itself be about the question
            if any(c.text == x.text for x in chosen):
                continue
            gain = {
                i for i, concept in enumerate(q.concepts) if i not in covered and any(t in c.tokens for t in concept)
            }
            value = c.score + settings.coverage_gain_weight * sum(weights[i] for i in gain) / total
            if value > pick_value:
                pick, pick_value, pick_gain = c, value, gain
        if pick is None:
            break
        chosen.append(pick)
        covered |= pick_gain
        per_passage[pick.pid] = per_passage.get(pick.pid, 0) + 1
    return chosen


def compose(retrieval: Retrieval, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings) -> Composition:
    """Pick, order and cite answer sentences from the retrieved passages, or abstain."""
    q = retrieval.query
    conf = confidence_of(retrieval, index, corpus, settings)
    if should_abstain(conf, settings, q.text) or not retrieval.hits:
        topics = covered_topics(corpus, q.language)
        if q.language == "zh":
            text = "语料库中没有足以回答此问题的证据，因此不作回答。本语料库涵盖：" + "；".join(topics) + "。"
        else:
            text = (
                "The corpus does not hold evidence that answers this question, so no answer is given. "
                "It covers: " + "; ".join(topics) + "."
            )
        return Composition(True, [], [], [], text, conf, topics)

    candidates = _score_sentences(retrieval, index, corpus, settings)
    gap = candidates[0] if candidates and _GAP.search(candidates[0].text) else None
    if gap is not None:
        # The best evidence is the corpus saying it lacks this point: abstain, and show that sentence.
        cite = _citation(1, retrieval.hits[gap.hit], corpus, [[gap.start, gap.end]])
        sentence = AnswerSentence(text=gap.text, citations=[1])
        lead = GAP_NOTE_ZH if q.language == "zh" else GAP_NOTE
        return Composition(
            True, [sentence], [cite], [], f"{lead}\n\n{gap.text} [1]", conf, covered_topics(corpus, q.language)
        )
    chosen = _select(candidates, q, index, corpus, settings)
    # Readable order: passages by their best chosen sentence, sentences in passage order.
    passage_order: list[str] = []
    for c in chosen:
        if c.pid not in passage_order:
            passage_order.append(c.pid)
    chosen.sort(key=lambda c: (passage_order.index(c.pid), c.start))
    hits_by_pid = {h.passage_id: h for h in retrieval.hits}
    numbers = {pid: i + 1 for i, pid in enumerate(passage_order)}
    spans: dict[str, list[list[int]]] = {}
    sentences: list[AnswerSentence] = []
    for c in chosen:
        sentences.append(AnswerSentence(text=c.text, citations=[numbers[c.pid]]))
        spans.setdefault(c.pid, []).append([c.start, c.end])
    citations = [_citation(numbers[pid], hits_by_pid[pid], corpus, spans[pid]) for pid in passage_order]
    notes: list[str] = []
    if q.language == "zh" and any(c.language == "en" for c in citations):
        notes.append(ENGLISH_EVIDENCE_NOTE)
    body = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    text = "\n\n".join([*notes, body]) if notes else body
    return Composition(False, sentences, citations, notes, text, conf, [])
