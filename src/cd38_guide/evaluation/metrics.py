"""Pure metric functions for retrieval, answers and latency; no I/O, no model, no clock.

Conventions: a ranking is a sequence of passage ids, best first (repeats count once, at their first rank);
``relevant`` is the set of expected passage ids, any of which is a correct source. A metric whose
denominator is empty returns None ("not applicable"), never a made-up 0 or 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np

_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")


def _dedupe(ranked: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in ranked:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _check(relevant: Collection[str], k: int) -> None:
    if not relevant:
        raise ValueError("no relevant passages: retrieval metrics apply only to questions with expected passages")
    if k < 1:
        raise ValueError(f"k must be >= 1, not {k}")


def first_relevant_rank(ranked: Sequence[str], relevant: Collection[str]) -> int | None:
    """1-based rank of the first relevant passage in ``ranked`` (after removing repeats), or None."""
    for i, pid in enumerate(_dedupe(ranked), start=1):
        if pid in relevant:
            return i
    return None


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 if any relevant passage is in the top ``k``, else 0.0 (any expected passage is a correct source).

    Raises:
        ValueError: ``relevant`` is empty or ``k`` < 1.
    """
    _check(relevant, k)
    rank = first_relevant_rank(ranked, relevant)
    return 1.0 if rank is not None and rank <= k else 0.0


def mrr_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the top ``k``, else 0.0."""
    _check(relevant, k)
    rank = first_relevant_rank(ranked, relevant)
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """nDCG@k with binary relevance: every expected passage is relevant (gain 1), ideal = all of them on top."""
    _check(relevant, k)
    top = _dedupe(ranked)[:k]
    dcg = sum(1.0 / math.log2(i + 1) for i, pid in enumerate(top, start=1) if pid in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(set(relevant)), k) + 1))
    return dcg / ideal


def missing_key_facts(text: str, patterns: Sequence[str]) -> list[str]:
    """The key-fact regexes not found in ``text`` (case-insensitive search); empty when all match."""
    return [p for p in patterns if not re.search(p, text, flags=re.IGNORECASE)]


def key_facts_matched(text: str, patterns: Sequence[str]) -> bool:
    """True when ``text`` contains every key fact; vacuously true for no key facts."""
    return not missing_key_facts(text, patterns)


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(precision, recall) of abstaining, from (abstained, must_abstain) pairs.

    Precision: share of abstentions that were required (None when nothing abstained).
    Recall: share of required abstentions that happened (None when nothing had to be refused).
    """
    tp = fp = fn = 0
    for abstained, must in pairs:
        tp += abstained and must
        fp += abstained and not must
        fn += must and not abstained
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def grounded_sentences(
    sentences: Sequence[tuple[str, Sequence[int]]],
    cited_passage: Mapping[int, str],
    passage_text: Mapping[str, str],
) -> list[bool]:
    """For each answer sentence, whether it occurs verbatim in the text of a passage it cites.

    Args:
        sentences: (sentence text, citation numbers) pairs.
        cited_passage: citation number -> passage id (from the answer's citation list).
        passage_text: passage id -> the corpus text of that passage (not the answer's copy of it).

    A sentence citing nothing, citing a number absent from the citation list, or an unknown passage is
    not grounded; neither is an empty sentence.
    """
    out = []
    for text, numbers in sentences:
        ok = False
        if text.strip():
            for n in numbers:
                pid = cited_passage.get(n)
                if pid is not None and pid in passage_text and text in passage_text[pid]:
                    ok = True
                    break
        out.append(ok)
    return out


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def grounded_template(
    text: str,
    citations: Sequence[int],
    cited_passage: Mapping[int, str],
    passage_text: Mapping[str, str],
    names: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
) -> bool:
    """Is a templated line (a direct answer or a table cell) grounded?

    Every number in it must occur in the text of a passage it cites, and every name in ``names`` that it
    mentions (trial and guideline names) in that text or in the cited document's title (a line may name the
    source it cites: "Pan-Pacific consensus (abstract): ..."): a line built from fact rows can only carry what
    its passages say.
    """
    pids = [cited_passage.get(n, "") for n in citations]
    cited = " ".join(passage_text.get(pid, "") for pid in pids)
    body = _MARKER.sub(" ", text)
    if any(num not in cited for num in _NUMBER.findall(body)):
        return False
    named = cited + " " + " ".join((titles or {}).get(pid, "") for pid in pids)
    return all(name in named for name in names if name in body)


def unaccounted_text(answer: str, sentences: Sequence[str], notes: Sequence[str] = ()) -> str:
    """What remains of the answer text after removing its sentences, citation markers and notes.

    Anything left is prose the structured sentences do not account for, so it cannot be checked against a
    passage; the evaluation counts it as one ungrounded sentence.
    """
    rest = answer
    for note in notes:
        rest = rest.replace(note, " ", 1)
    for s in sentences:
        if s:
            rest = rest.replace(s, " ", 1)
    rest = _MARKER.sub(" ", rest)
    return " ".join(rest.split())


def groundedness(flags: Iterable[bool]) -> float | None:
    """Share of grounded answer sentences (None when no sentences were produced)."""
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


def citation_correct(passage_id: str, text: str, expected: Collection[str], key_facts: Sequence[str]) -> bool:
    """A citation is correct when its passage is expected or its corpus text contains any key fact."""
    if passage_id in expected:
        return True
    return any(re.search(p, text, flags=re.IGNORECASE) for p in key_facts)


def mean(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean of the non-None values; None for none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def share(flags: Iterable[bool]) -> float | None:
    """Share of True values; None for an empty input."""
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


def percentiles(values: Sequence[float], ps: Sequence[float] = (50, 95)) -> dict[str, float | None]:
    """{"p50": ..., "p95": ...} by linear interpolation (numpy's default); None for no values."""
    if len(values) == 0:
        return {f"p{p:g}": None for p in ps}
    arr = np.asarray(values, dtype=np.float64)
    return {f"p{p:g}": float(np.percentile(arr, p)) for p in ps}
