"""Grounded, extractive answers: sentences chosen from the retrieved passages, each cited, or an abstention.

The answer asserts nothing that is not a sentence of a cited passage: the composer only copies sentence
spans (character offsets into the passage) and numbers the passages it copied from.
"""

from __future__ import annotations

import re
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
    "infections": ("infections, zoster and hepatitis B prophylaxis, immunoglobulin", "感染、带状疱疹与乙肝预防、免疫球蛋白"),
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


def _weighted_overlap(query_tokens: list[str], other: set[str], idf) -> float:  # noqa: ANN001
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

    coverage = 0.0
    for h in top:
        p = corpus.passages[h.passage_id]
        coverage = max(coverage, _weighted_overlap(q.content_tokens, set(tokenize(f"{p.title} {p.heading} {p.text}")), weight))
    value = settings.similarity_weight * max(dense, best_sentence) + settings.coverage_weight * coverage
    return Confidence(round(dense, 4), round(best_sentence, 4), round(coverage, 4), tuple(q.unknown_terms), round(value, 4))


def should_abstain(conf: Confidence, settings: AnswerSettings) -> bool:
    """Abstain on weak evidence, or when the question names something the corpus never mentions."""
    return conf.value < settings.abstain_threshold or (settings.abstain_on_unknown_terms and bool(conf.unknown_terms))


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
        language=p.language,
        text=p.text,
        score=round(hit.score, 6),
        supporting=sorted(spans),
    )


def compose(retrieval: Retrieval, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings) -> Composition:
    """Pick, order and cite answer sentences from the retrieved passages, or abstain."""
    q = retrieval.query
    conf = confidence_of(retrieval, index, corpus, settings)
    if should_abstain(conf, settings) or not retrieval.hits:
        topics = covered_topics(corpus, q.language)
        if q.language == "zh":
            text = "语料库中没有足以回答此问题的证据，因此不作回答。本语料库涵盖：" + "；".join(topics) + "。"
        else:
            text = (
                "The corpus does not hold evidence that answers this question, so no answer is given. "
                "It covers: " + "; ".join(topics) + "."
            )
        return Composition(True, [], [], [], text, conf, topics)

    wants_figure = bool(_QUANTITY.search(q.text))
    candidates: list[tuple[float, int, str, int, int]] = []  # (score, hit index, pid, start, end)
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
            sentence = p.text[start:end]
            lex = _weighted_overlap(terms, set(tokenize(sentence)), index.lexical.idf)
            score = (
                settings.sentence_similarity_weight * c
                + settings.sentence_overlap_weight * lex
                + settings.sentence_rank_weight * prior
                + (settings.figure_bonus if wants_figure and _DIGIT.search(sentence) else 0.0)
            )
            candidates.append((score, hi, p.id, start, end))
    candidates.sort(key=lambda x: (-x[0], x[1], x[3]))
    chosen: list[tuple[float, int, str, int, int]] = []
    per_passage: dict[str, int] = {}
    best = candidates[0][0] if candidates else 0.0
    if q.language == "zh":
        # A Chinese reader gets the best Chinese sentence first when a Chinese passage was retrieved.
        native = [c for c in candidates if corpus.passages[c[2]].language == "zh"]
        if native:
            chosen.append(native[0])
            per_passage[native[0][2]] = 1
    for cand in candidates:
        if cand in chosen:
            continue
        score, _, pid, start, end = cand
        if len(chosen) >= settings.max_sentences:
            break
        if chosen and score < settings.min_relative_score * best:
            break
        if per_passage.get(pid, 0) >= settings.max_per_passage:
            continue
        text = corpus.passages[pid].text[start:end]
        if any(corpus.passages[c[2]].text[c[3] : c[4]] == text for c in chosen):
            continue
        chosen.append(cand)
        per_passage[pid] = per_passage.get(pid, 0) + 1
    # Readable order: passages by their best chosen sentence, sentences in passage order.
    passage_order: list[str] = []
    for c in chosen:
        if c[2] not in passage_order:
            passage_order.append(c[2])
    chosen.sort(key=lambda c: (passage_order.index(c[2]), c[3]))
    hits_by_pid = {h.passage_id: h for h in retrieval.hits}
    numbers = {pid: i + 1 for i, pid in enumerate(passage_order)}
    spans: dict[str, list[list[int]]] = {}
    sentences: list[AnswerSentence] = []
    for _, _, pid, start, end in chosen:
        sentences.append(AnswerSentence(text=corpus.passages[pid].text[start:end], citations=[numbers[pid]]))
        spans.setdefault(pid, []).append([start, end])
    citations = [_citation(numbers[pid], hits_by_pid[pid], corpus, spans[pid]) for pid in passage_order]
    notes: list[str] = []
    if q.language == "zh" and any(c.language == "en" for c in citations):
        notes.append(ENGLISH_EVIDENCE_NOTE)
    body = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    text = "\n\n".join([*notes, body]) if notes else body
    return Composition(False, sentences, citations, notes, text, conf, [])
