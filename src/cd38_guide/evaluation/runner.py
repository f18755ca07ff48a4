"""Run the gold set through every retriever and the assistant; write report.json, report.md and plots.

Quality figures are deterministic for a given corpus, model, settings and gold file (rounded to 4
decimals); latency and ``generated_at`` are measurements and vary between runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cd38_guide.errors import InputError
from cd38_guide.evaluation import metrics as M
from cd38_guide.evaluation.datasets import GoldQuestion, load_gold
from cd38_guide.types import Answer

if TYPE_CHECKING:
    from cd38_guide.assistant import Assistant
    from cd38_guide.config import Settings

log = logging.getLogger(__name__)

RETRIEVERS: tuple[str, ...] = ("bm25", "dense", "hybrid", "llamaindex")
KS: tuple[int, ...] = (1, 3, 5, 10)
DEPTH = 10
STAGES: tuple[str, ...] = ("expansion", "embedding", "dense_search", "bm25", "fusion", "composition")
RETRIEVAL_KEYS: tuple[str, ...] = (*(f"recall@{k}" for k in KS), "mrr@10", "ndcg@10")
ANSWER_KEYS: tuple[str, ...] = (
    "key_fact_recall",
    "abstention_precision",
    "abstention_recall",
    "groundedness",
    "citation_precision",
    "direct_answer_correct",
)
TARGETS: tuple[tuple[str, tuple[str, ...], str, float], ...] = (
    ("hybrid recall@5", ("retrieval", "hybrid", "recall@5"), ">=", 0.95),
    ("key-fact recall", ("answers", "key_fact_recall"), ">=", 0.92),
    ("abstention precision", ("answers", "abstention_precision"), ">=", 0.95),
    ("abstention recall", ("answers", "abstention_recall"), ">=", 0.95),
    ("groundedness", ("answers", "groundedness"), "==", 1.0),
)
"""The quality targets of issue 5; the speed targets are checked in the benchmark section."""

NOT_COMPARED = ("generated_at", "latency_ms", "retriever_latency_ms", "config")
"""Report keys that are measurements or environment, left out when two runs are compared."""


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


@dataclass
class QuestionResult:
    """Everything measured for one gold question."""

    q: GoldQuestion
    rankings: dict[str, list[str]]
    answer: Answer
    grounded: list[bool] = field(default_factory=list)
    citations_ok: list[tuple[str, bool]] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)

    @property
    def has_retrieval_target(self) -> bool:
        return bool(self.q.expected_passages) and not self.q.must_abstain

    @property
    def key_fact_hit(self) -> bool | None:
        """All key facts in a non-abstained answer; None when the question has no key facts or must abstain."""
        if self.q.must_abstain or not self.q.key_facts:
            return None
        return not self.answer.abstained and not self.missing_facts


def _trial_names() -> list[str]:
    from cd38_guide.question.vocabulary import load_vocabulary

    return list(load_vocabulary(()).trials)


def score_answer(
    q: GoldQuestion, answer: Answer, passage_text: dict[str, str], titles: dict[str, str] | None = None
) -> tuple[list[bool], list[tuple[str, bool]], list[str]]:
    """(groundedness flags per sentence, (passage id, correct) per citation, missing key facts) of one answer.

    An abstention has no sentences and no citations. Text of the answer that its sentences, markers and
    notes do not account for counts as one ungrounded sentence.
    """
    missing = M.missing_key_facts(answer.answer, q.key_facts)
    if answer.abstained:
        return [], [], missing
    numbers = {c.n: c.passage_id for c in answer.citations}
    grounded = M.grounded_sentences([(s.text, s.citations) for s in answer.sentences], numbers, passage_text)
    # Templated lines (direct answer, table cells) are grounded when their numbers and trial names are in the
    # passages they cite; the quotes' source labels are passage titles.
    accounted: list[str] = [s.text for s in answer.sentences] + [s.label for s in answer.sentences if s.label]
    trials = [t for t in _trial_names() if t]
    if answer.direct_answer is not None:
        d = answer.direct_answer
        grounded.append(M.grounded_template(d.text, d.citations, numbers, passage_text, trials, titles))
        accounted.append(d.text)
    if answer.table is not None:
        for row in answer.table.rows:
            for cell in row:
                if cell.citations:
                    grounded.append(
                        M.grounded_template(cell.text, cell.citations, numbers, passage_text, trials, titles)
                    )
                accounted.append(cell.text)
        accounted += answer.table.columns
    # Longest first, so a short cell ("Kd") or label is not cut out of a longer line that holds it.
    accounted.sort(key=len, reverse=True)
    if M.unaccounted_text(answer.answer.replace("|", " ").replace("---", " "), accounted, answer.notes):
        grounded.append(False)
    cites = [
        (
            c.passage_id,
            M.citation_correct(c.passage_id, passage_text.get(c.passage_id, ""), q.expected_passages, q.key_facts),
        )
        for c in answer.citations
    ]
    return grounded, cites, missing


def summarize(results: Sequence[QuestionResult], retrievers: Sequence[str]) -> dict[str, Any]:
    """Retrieval and answer metrics over ``results`` (the whole set or one breakdown group)."""
    with_target = [r for r in results if r.has_retrieval_target]
    retrieval: dict[str, dict[str, float | None]] = {}
    for name in retrievers:
        ranked = [(r.rankings.get(name, []), set(r.q.expected_passages)) for r in with_target]
        row = {f"recall@{k}": _r(M.mean(M.recall_at_k(x, rel, k) for x, rel in ranked)) for k in KS}
        row["mrr@10"] = _r(M.mean(M.mrr_at_k(x, rel, DEPTH) for x, rel in ranked))
        row["ndcg@10"] = _r(M.mean(M.ndcg_at_k(x, rel, DEPTH) for x, rel in ranked))
        retrieval[name] = row
    precision, recall = M.abstention_scores((r.answer.abstained, r.q.must_abstain) for r in results)
    answers = {
        "key_fact_recall": _r(M.share(h for r in results if (h := r.key_fact_hit) is not None)),
        "abstention_precision": _r(precision),
        "abstention_recall": _r(recall),
        "groundedness": _r(M.groundedness(g for r in results for g in r.grounded)),
        "citation_precision": _r(M.share(ok for r in results for _, ok in r.citations_ok)),
        # Of answered questions that got a direct-answer line, the share whose line holds every key fact.
        "direct_answer_correct": _r(
            M.share(
                M.key_facts_matched(r.answer.direct_answer.text, r.q.key_facts)
                for r in results
                if r.answer.direct_answer is not None
                and not r.answer.abstained
                and r.q.key_facts
                and not r.q.must_abstain
            )
        ),
    }
    counts = {
        "n": len(results),
        "n_retrieval": len(with_target),
        "n_key_facts": sum(r.key_fact_hit is not None for r in results),
        "n_must_abstain": sum(r.q.must_abstain for r in results),
        "n_abstained": sum(r.answer.abstained for r in results),
        "n_sentences": sum(len(r.grounded) for r in results),
        "n_citations": sum(len(r.citations_ok) for r in results),
        "n_direct_answers": sum(r.answer.direct_answer is not None and not r.answer.abstained for r in results),
    }
    return {"counts": counts, "retrieval": retrieval, "answers": answers}


def breakdown(
    results: Sequence[QuestionResult],
    key: Callable[[GoldQuestion], str],
    retrievers: Sequence[str],
    by_result: Callable[[QuestionResult], str] | None = None,
) -> dict[str, Any]:
    """``summarize`` per group, groups sorted by name; each group is {n, ..., retrieval, answers}.

    ``by_result`` groups by something of the run (the intent question analysis found) instead of the gold row.
    """
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(by_result(r) if by_result else key(r.q), []).append(r)
    out = {}
    for name in sorted(groups):
        s = summarize(groups[name], retrievers)
        out[name] = {**s["counts"], "retrieval": s["retrieval"], "answers": s["answers"]}
    return out


def problems_of(r: QuestionResult) -> tuple[float, list[str], int | None]:
    """(severity, what went wrong, hybrid rank of the first expected passage) for one question."""
    severity = 0.0
    problems: list[str] = []
    rank = (
        M.first_relevant_rank(r.rankings.get("hybrid", []), set(r.q.expected_passages))
        if r.has_retrieval_target
        else None
    )
    if r.q.must_abstain and not r.answer.abstained:
        severity += 3
        problems.append("failed to abstain: answered a question the corpus cannot answer")
    if not r.q.must_abstain and r.answer.abstained:
        severity += 3
        problems.append("wrongly abstained on an answerable question")
    if r.has_retrieval_target:
        if rank is None:
            severity += 2
            problems.append(
                f"missed expected passage: none of {', '.join(r.q.expected_passages)} in hybrid top {DEPTH}"
            )
        elif rank > 5:
            severity += 1
            problems.append(f"missed expected passage: first expected passage at hybrid rank {rank} (outside top 5)")
    if r.key_fact_hit is False and not r.answer.abstained:
        severity += 2
        problems.append("missing key fact(s): " + "; ".join(f"/{p}/" for p in r.missing_facts))
    bad = sum(not g for g in r.grounded)
    if bad:
        severity += 3
        problems.append(f"{bad} answer sentence(s) not found verbatim in the passages they cite")
    wrong = [pid for pid, ok in r.citations_ok if not ok]
    if wrong and not r.q.must_abstain:
        severity += 0.5
        problems.append("cited passage(s) neither expected nor holding a key fact: " + ", ".join(wrong))
    return severity, problems, rank


def worst(results: Sequence[QuestionResult], n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` questions with the most severe failures (stable order: severity, then id)."""
    scored = []
    for r in results:
        severity, problems, rank = problems_of(r)
        if severity > 0:
            scored.append((severity, r, problems, rank))
    scored.sort(key=lambda x: (-x[0], x[1].q.id))
    return [
        {
            "id": r.q.id,
            "question": r.q.question,
            "language": r.q.language,
            "topic": r.q.topic,
            "kind": r.q.kind,
            "severity": severity,
            "problems": problems,
            "hybrid_rank": rank,
            "abstained": r.answer.abstained,
            "cited": [c.passage_id for c in r.answer.citations],
            "answer": r.answer.answer[:300],
        }
        for severity, r, problems, rank in scored[:n]
    ]


def latency(answers: Sequence[Answer]) -> dict[str, dict[str, float | None]]:
    """p50/p95 (ms) per pipeline stage and end to end, over the answers' own timings."""
    out: dict[str, dict[str, float | None]] = {}
    for stage in STAGES:
        vals = [a.timings_ms[stage] for a in answers if stage in a.timings_ms]
        out[stage] = {k: _r(v) for k, v in M.percentiles(vals).items()}
    out["end_to_end"] = {k: _r(v) for k, v in M.percentiles([a.latency_ms for a in answers]).items()}
    return out


def check_gold(gold: Sequence[GoldQuestion], passage_ids: set[str]) -> None:
    """Refuse a gold set naming passages the corpus lacks (a misspelt id would read as a retrieval miss).

    Raises:
        InputError: one problem per unknown passage id.
    """
    problems = [
        f"{q.id}: expected passage {pid!r} is not in the corpus; fix the id or add the passage"
        for q in gold
        for pid in q.expected_passages
        if pid not in passage_ids
    ]
    if problems:
        raise InputError(f"{problems[0]} ({len(problems)} unknown passage id(s))", problems)


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each quality target of the issue with the measured value and pass/fail (None counts as fail)."""
    out = {}
    for name, path, op, goal in TARGETS:
        value: Any = report
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        ok = value is not None and (value >= goal if op == ">=" else abs(value - goal) < 1e-9)
        out[name] = {"target": f"{op} {goal:g}", "value": value, "pass": bool(ok)}
    return out


def evaluate(
    gold: Sequence[GoldQuestion],
    assistant: Assistant,
    *,
    baseline: Any | None = None,
    gold_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Evaluate ``assistant`` (and the llama-index ``baseline``, built here if None) on ``gold``.

    Args:
        baseline: an object with ``retrieve(question) -> [passage ids]`` and ``info()``; pass False to skip it.

    Raises:
        InputError: the gold set names passages the corpus does not have.
    """
    from cd38_guide.assistant import clean_question

    corpus = assistant.corpus
    passage_text = {pid: p.text for pid, p in corpus.passages.items()}
    titles = {pid: p.title for pid, p in corpus.passages.items()}
    check_gold(gold, set(passage_text))
    assistant.warm()
    retrievers = [r for r in RETRIEVERS if r != "llamaindex" or baseline is not False]
    if baseline is None:
        from cd38_guide.evaluation.baseline import LlamaIndexBaseline

        baseline = LlamaIndexBaseline(corpus.passages.values(), assistant.embedder.model_dir).build()  # type: ignore[attr-defined]
    assistant.ask(gold[0].question)  # warm-up: the first call pays one-off costs that are not latency

    results: list[QuestionResult] = []
    baseline_ms: list[float] = []
    max_chars = assistant.settings.answer.max_question_chars
    for i, q in enumerate(gold):
        text = clean_question(q.question, max_chars)
        rankings = {
            mode: [h.passage_id for h in assistant.retriever.search(text, DEPTH, mode=mode).hits]
            for mode in ("bm25", "dense", "hybrid")
        }
        if baseline is not False:
            t = time.perf_counter()
            rankings["llamaindex"] = baseline.retrieve(q.question)
            baseline_ms.append((time.perf_counter() - t) * 1000)
        answer = assistant.ask(q.question, id=q.id)
        grounded, cites, missing = score_answer(q, answer, passage_text, titles)
        results.append(QuestionResult(q, rankings, answer, grounded, cites, missing))
        if progress:
            progress(i + 1, len(gold))

    overall = summarize(results, retrievers)
    index = assistant.index
    report: dict[str, Any] = {
        "n_questions": len(results),
        "retrieval": overall["retrieval"],
        "answers": overall["answers"],
        "latency_ms": latency([r.answer for r in results]),
        "by_language": breakdown(results, lambda q: q.language, retrievers),
        "by_topic": breakdown(results, lambda q: q.topic, retrievers),
        "by_kind": breakdown(results, lambda q: q.kind, retrievers),
        "by_intent": breakdown(results, lambda q: q.kind, retrievers, by_result=lambda r: r.answer.intent or "none"),
        "counts": overall["counts"],
        "worst": worst(results),
        "retriever_latency_ms": {"llamaindex": {k: _r(v) for k, v in M.percentiles(baseline_ms).items()}}
        if baseline_ms
        else {},
        "config": {
            "settings": json.loads(assistant.settings.model_dump_json()),
            "corpus_hash": corpus.hash,
            "n_passages": len(corpus.passages),
            "model": {"id": assistant.embedder.model_id, "weights_sha256": assistant.embedder.weights_sha256},
            "index": {
                "build_id": index.manifest.build_id,
                "kind": index.manifest.index_kind,
                "n_chunks": index.manifest.n_chunks,
                "versions": index.manifest.versions,
            },
            "gold": {
                "path": str(gold_path) if gold_path else None,
                "sha256": hashlib.sha256(gold_path.read_bytes()).hexdigest() if gold_path else None,
            },
            "baseline": baseline.info() if baseline is not False else None,
            "retrieval_depth": DEPTH,
        },
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    report["targets"] = targets(report)
    return report


def quality_view(report: dict[str, Any]) -> dict[str, Any]:
    """The report without measurements and environment: what must be identical between two runs."""
    return {k: v for k, v in report.items() if k not in NOT_COMPARED}


def write_report(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write report.json, report.md, recall_at_k.png and latency_by_stage.png into ``out_dir``."""
    from cd38_guide.evaluation.plots import plot_latency_by_stage, plot_recall_at_k
    from cd38_guide.evaluation.render import render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    bench_path = out_dir / "bench.json"
    bench = json.loads(bench_path.read_text()) if bench_path.is_file() else None
    paths[1].write_text(render_markdown(report, bench), encoding="utf-8")
    paths.append(plot_recall_at_k(report["retrieval"], out_dir / "recall_at_k.png", KS))
    paths.append(plot_latency_by_stage(report["latency_ms"], out_dir / "latency_by_stage.png"))
    return paths


def run(
    gold_path: Path,
    out_dir: Path,
    *,
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    baseline: Any | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Load the gold file, evaluate, write the report; returns the report dict.

    Raises:
        InputError: a bad gold file or unknown expected passage ids.
    """
    gold = load_gold(gold_path)
    if assistant is None:
        from cd38_guide.assistant import Assistant

        assistant = Assistant(settings)
    report = evaluate(gold, assistant, baseline=baseline, gold_path=Path(gold_path), progress=progress)
    write_report(report, Path(out_dir))
    return report
