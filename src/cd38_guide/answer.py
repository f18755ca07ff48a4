"""Grounded answers: a direct answer built from verified fact rows, then quoted sentences, each cited.

The answer asserts nothing its cited passages do not say: a quoted sentence is copied as a span (character
offsets into its passage); a planned line (answer_plan) only carries values of fact rows, each verbatim in
the passage it cites. When the question names a drug, regimen or trial and the evidence is about another,
or the corpus lacks the point, the answer is a decline that says precisely what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from cd38_guide.answer_plan import Plan, Planner
from cd38_guide.config import AnswerSettings
from cd38_guide.corpus import Corpus
from cd38_guide.entity_guard import EntityGuard, attribute_cue, attribute_of
from cd38_guide.evidence_focus import answer_passages, missing_text, rerank, subject_gaps
from cd38_guide.index.store import LoadedIndex
from cd38_guide.question.analysis import QuestionAnalysis, is_instruction
from cd38_guide.quote_order import lead_with_best, needs_source
from cd38_guide.retrieve import Retrieval
from cd38_guide.sentence_selection import (
    DESIGN,
    Candidate,
    score_sentences,
    select_sentences,
    text_tokens,
)
from cd38_guide.types import (
    USER_ADDED_BADGE,
    AnswerSentence,
    AnswerTable,
    Citation,
    DirectAnswer,
    Hit,
    Language,
    TableCell,
)

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


ENGLISH_EVIDENCE_NOTE = "注：以下证据原文为英文（引用原句，未经翻译）。"
INSTRUCTION_MISSING = (
    "This is a request to the assistant (an instruction, a prescription or an order), not a question about the "
    "evidence: cd38-guide only answers from its cited sources and never writes prescriptions.",
    "这是对助手的指令（或开具处方/医嘱的请求），而不是关于证据的问题：本工具只依据所引用的来源回答，不开具处方。",
)


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
    direct_answer: DirectAnswer | None = None
    table: AnswerTable | None = None
    missing: str | None = None
    hits: list[Hit] = field(default_factory=list)


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
        tokens = text_tokens(f"{p.title} {p.heading} {p.text}")
        covered = sum(w for c, w in zip(q.concepts, weights, strict=True) if any(t in tokens for t in c))
        coverage = max(coverage, covered / total if total else 0.0)
    coverage = min(coverage, q.zh_coverage)  # untranslated Chinese content counts as uncovered
    value = settings.similarity_weight * max(dense, best_sentence) + settings.coverage_weight * coverage
    return Confidence(
        round(dense, 4), round(best_sentence, 4), round(coverage, 4), tuple(q.unknown_terms), round(value, 4)
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
        badge=USER_ADDED_BADGE if prov.source_kind == "user_added" else None,
    )


def _decline(
    corpus: Corpus,
    conf: Confidence,
    lang: Language,
    missing: str | None = None,
    alternatives: Sequence[Candidate] = (),
    hits: Sequence[Hit] = (),
    guard: EntityGuard | None = None,
) -> Composition:
    """An honest decline: what is missing, what the corpus does hold nearby (cited), the topics it covers."""
    topics = covered_topics(corpus, lang)
    if lang == "zh":
        text = "语料库中没有足以回答此问题的证据，因此不作回答。"
    else:
        text = "The corpus does not hold evidence that answers this question, so no answer is given."
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    if missing:
        text = missing + (" 因此不作回答。" if lang == "zh" else " No answer is given.")
    if alternatives and guard is not None:
        hits_by_pid = {h.passage_id: h for h in hits}
        by_drug: list[tuple[str, Candidate]] = []
        for c in alternatives:
            for d in guard.drugs_in(c.text):
                if d not in {x for x, _ in by_drug}:
                    by_drug.append((d, c))
        numbers: dict[str, int] = {}
        for _, c in by_drug[:3]:
            numbers.setdefault(c.pid, len(numbers) + 1)
        if numbers:
            refs = [f"{d} [{numbers[c.pid]}]" for d, c in by_drug[:3]]
            text += (
                (" 语料库中有关于以下药物的相应说明：" + "、".join(refs) + "。")
                if lang == "zh"
                else (" It has such statements for " + ", ".join(refs) + ".")
            )
            chosen = list(dict.fromkeys(c for _, c in by_drug[:3]))
            spans: dict[str, list[list[int]]] = {}
            for c in chosen:
                sentences.append(AnswerSentence(text=c.text, citations=[numbers[c.pid]]))
                spans.setdefault(c.pid, []).append([c.start, c.end])
            citations = [_citation(n, hits_by_pid[pid], corpus, spans[pid]) for pid, n in numbers.items()]
            text += "\n\n" + " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    if not missing or not citations:
        text += (
            ("本语料库涵盖：" if lang == "zh" else " It covers: ")
            + ("；" if lang == "zh" else "; ").join(topics)
            + ("。" if lang == "zh" else ".")
        )
    return Composition(True, sentences, citations, [], text, conf, topics, missing=missing)


def _support_spans(passage_text: str, sentences: list[tuple[int, int]], values: list[str]) -> list[list[int]]:
    """Spans of the passage sentences that hold any of ``values`` (what a planned claim rests on)."""
    return [[a, b] for a, b in sentences if any(v in passage_text[a:b] for v in values)]


def compose(
    retrieval: Retrieval,
    index: LoadedIndex,
    corpus: Corpus,
    settings: AnswerSettings,
    analysis: QuestionAnalysis | None = None,
    planner: Planner | None = None,
    guard: EntityGuard | None = None,
    k: int = 5,
) -> Composition:
    """Plan, pick, order and cite the answer, or decline saying what is missing."""
    q = retrieval.query
    lang = q.language
    wide = retrieval
    ranked = rerank(retrieval.hits, analysis, guard, len(retrieval.hits), settings)
    wide_candidates = score_sentences(replace(retrieval, hits=ranked), index, corpus, settings, analysis, guard)
    keep = answer_passages(ranked, wide_candidates, analysis, guard, k)
    hits = [h.model_copy(update={"rank": i + 1}) for i, h in enumerate(h for h in ranked if h.passage_id in keep)]
    retrieval = replace(retrieval, hits=hits)
    conf = confidence_of(retrieval, index, corpus, settings)
    if is_instruction(q.text) or (analysis is not None and analysis.intent == "instruction"):
        return _decline(corpus, conf, lang, INSTRUCTION_MISSING[1 if lang == "zh" else 0])
    if not hits:
        return _decline(corpus, conf, lang)
    candidates = [c for c in wide_candidates if c.pid in keep]
    plan = planner.plan(analysis) if planner is not None and analysis is not None else Plan()
    if analysis is not None and guard is not None:
        gaps = subject_gaps(analysis, guard, candidates, plan, wide_candidates, q.concepts)
        # A comparison missing one side still shows the other; a gap that is no side (the named trial's endpoint,
        # an aspect) leaves nothing asked answered.
        partial = (
            analysis.intent == "comparison"
            and set(gaps) <= set(analysis.sides)
            and len(gaps) < len(analysis.sides)
            and not plan.empty
        )
        if gaps and not partial:
            attribute = attribute_of(analysis)
            alternatives: list[Candidate] = []
            if attribute == "dose_adjustment":
                # What the corpus does hold for other drugs on the same point, from the un-reranked passages.
                pops = [p for e in analysis.entities.populations for p in guard.vocab.populations.get(e, [])]
                alternatives = [
                    c
                    for c in score_sentences(wide, index, corpus, settings)
                    if attribute_cue(attribute, analysis.normalized).search(c.text)
                    and (not pops or any(p.search(c.text) for p in pops))
                ]
            missing = missing_text(analysis, gaps, lang, guard.vocab.aspect_labels, guard.vocab.population_labels)
            return _decline(corpus, conf, lang, missing, alternatives, wide.hits, guard)
    # A planned answer (fact rows about the named trial or regimen) stands even when the question's wording is
    # far from the passages ("What did CANDOR show?"); a term the corpus never mentions still means a decline.
    weak = (
        conf.value < settings.abstain_threshold
        and plan.empty
        and not _design_answer(analysis, guard, candidates)
        and not _overview_answer(analysis, guard, candidates)
    )
    if weak or (settings.abstain_on_unknown_terms and conf.unknown_terms):
        return _decline(corpus, conf, lang)
    if not candidates:
        return _decline(corpus, conf, lang)

    chosen = select_sentences(candidates, retrieval, index, corpus, settings)
    hits_by_pid = {h.passage_id: h for h in hits}
    # Citation numbers: the plan's passages first (the direct answer reads [1], [2] ...), then the quotes'.
    order: list[str] = [pid for pid in plan.passages() if pid in corpus.passages]
    for c in chosen:
        if c.pid not in order:
            order.append(c.pid)
    chosen.sort(key=lambda c: (order.index(c.pid), c.start))
    # A Chinese reader's Chinese sentence stays first (select_sentences); the best English quote follows it.
    skip = int(lang == "zh" and bool(chosen) and corpus.passages[chosen[0].pid].language == "zh")
    opening = chosen[skip] if len(chosen) > skip else None
    chosen = lead_with_best(chosen, skip)
    numbers = {pid: i + 1 for i, pid in enumerate(order)}
    spans: dict[str, list[list[int]]] = {}
    for c in chosen:
        spans.setdefault(c.pid, []).append([c.start, c.end])
    for pid in plan.passages():
        p = corpus.passages[pid]
        values = [v for r in (planner.facts if planner else []) if r.passage == pid for v in r.verbatim()]
        extra = _support_spans(p.text, [(s.start, s.end) for s in p.sentences], values) if values else []
        if not extra and pid not in spans and p.sentences:
            extra = [[p.sentences[0].start, p.sentences[0].end]]
        spans[pid] = sorted({tuple(x) for x in [*spans.get(pid, []), *extra]})  # type: ignore[misc]
        spans[pid] = [list(x) for x in spans[pid]]
    # A passage the plan cites is exactly what was asked: shown as relevant as the best retrieved passage.
    best = Hit(passage_id="", score=hits[0].score, rank=1)
    citations = [
        _citation(numbers[pid], hits_by_pid.get(pid) or best.model_copy(update={"passage_id": pid}), corpus, spans[pid])
        for pid in order
    ]
    sentences = [
        AnswerSentence(
            text=c.text,
            citations=[numbers[c.pid]],
            label=_label(c, corpus, guard, out_of_context(chosen, i, opening, skip)) or None,
        )
        for i, c in enumerate(chosen)
    ]

    direct = _direct_answer(plan, numbers, lang)
    table = _table(plan, numbers)
    notes: list[str] = []
    if lang == "zh" and any(c.language == "en" for c in citations):
        notes.append(ENGLISH_EVIDENCE_NOTE)
    missing_sides = "; ".join(plan.missing) or None
    blocks = [*notes]
    if direct is not None:
        blocks.append(direct.text)
    if table is not None:
        blocks.append(_table_markdown(table))
    blocks.append(" ".join(f"{s.label or ''}{s.text} [{s.citations[0]}]" for s in sentences))
    if direct is None and plan.missing:  # a side the quotes cannot speak for ("no infusion reaction data for DKd")
        notes.append(" ".join(plan.missing))
        blocks.append(notes[-1])
    return Composition(
        False,
        sentences,
        citations,
        notes,
        "\n\n".join(b for b in blocks if b),
        conf,
        [],
        direct,
        table,
        missing_sides,
        hits,
    )


def _design_answer(analysis: QuestionAnalysis | None, guard: EntityGuard | None, candidates: list[Candidate]) -> bool:
    """ "OPTIMISMM sample size?": a design sentence of the named trial among the best answers it, however far
    the wording ("sample size") is from the passage's ("randomised 559 patients")."""
    if analysis is None or guard is None or not analysis.asks_design:
        return False
    return any(
        DESIGN.search(c.text) and guard.sentence_about(c.pid, c.text, t)
        for c in candidates[:3]
        for t in analysis.entities.trials
    )


def _overview_answer(analysis: QuestionAnalysis | None, guard: EntityGuard | None, candidates: list[Candidate]) -> bool:
    """ "What topics does the Pan-Pacific consensus cover?": the named source's own sentences among the best answer
    it, however far the wording ("topics", "main message") is from theirs."""
    if analysis is None or guard is None or not analysis.asks_overview:
        return False
    return any(guard.passage_about(c.pid, t) for c in candidates[:3] for t in analysis.entities.trials)


def _direct_answer(plan: Plan, numbers: dict[str, int], lang: Language) -> DirectAnswer | None:
    claims = [c for c in plan.claims if c.passage is None or c.passage in numbers]
    if not claims:
        return None
    sep = "；" if lang == "zh" else "; "
    body = sep.join(f"{c.text} [{numbers[c.passage]}]" if c.passage else c.text for c in claims)
    end = "。" if lang == "zh" else "."
    text = " ".join(x for x in (plan.lead, body + end, plan.caveat, *plan.missing) if x)
    cites = sorted({numbers[c.passage] for c in claims if c.passage})
    return DirectAnswer(text=text, citations=cites, language=lang)


def _table(plan: Plan, numbers: dict[str, int]) -> AnswerTable | None:
    if not plan.rows:
        return None
    rows = [
        [TableCell(text=c.text, citations=[numbers[c.passage]] if c.passage in numbers else []) for c in row]
        for row in plan.rows
    ]
    return AnswerTable(columns=plan.columns, rows=rows)


def _table_markdown(table: AnswerTable) -> str:
    def cell(c: TableCell) -> str:
        return c.text + "".join(f" [{n}]" for n in c.citations)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def out_of_context(chosen: list[Candidate], i: int, opening: Candidate | None, skip: int) -> bool:
    """Is quote ``i`` read without what it leans on: moved ahead of its passage's opening sentence, or a sentence
    that leans back ("It randomised 211 patients ...") whose passage has no quote before it?"""
    c = chosen[i]
    if i == skip and c is not opening:
        return True
    return needs_source(c.text) and not any(x.pid == c.pid for x in chosen[:i])


def _label(c: Candidate, corpus: Corpus, guard: EntityGuard | None, moved: bool = False) -> str:
    """'(POLLUX) ' before a quote that names no drug, regimen or trial, so it reads right out of its passage;
    before a quote ``moved`` ahead of its passage's opening sentence always (it is read without that context)."""
    if guard is None or (guard.names_something(c.text) and not moved):
        return ""
    title = corpus.passages[c.pid].title
    return f"({title.split(':')[0].strip()}) "
