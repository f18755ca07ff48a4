"""Synthetic scaling for the benchmark: FAISS + BM25 over N chunks, query latency and ANN recall.

Texts are random words from a fixed vocabulary. Vectors are, when the benchmark passes real embeddings,
perturbed copies of the real chunk and sentence vectors (Gaussian noise, cosine about 0.8 to their source)
searched with the real gold questions' vectors: text embeddings are clustered and anisotropic, which is
what an ANN index meets in use. Without real embeddings they are random unit vectors (fixed seed), the
hard case for HNSW, where beyond the query's own source vector the true neighbours are near-ties.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from cd38_guide.config import IndexSettings, RetrievalSettings

DIM = 384
SEED = 20250
N_SCALE_QUERIES = 200
EF_SWEEP: tuple[int, ...] = (64, 128, 256, 512, 1024, 2048)
"""efSearch values measured on the built HNSW graph (a query-time knob, so no rebuild is needed)."""


def current_rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    import psutil

    return round(psutil.Process().memory_info().rss / (1024 * 1024), 1)


def synthetic_chunks(n: int, rng: np.random.Generator, dim: int = DIM) -> tuple[np.ndarray, list[str]]:
    """``n`` random unit vectors and ``n`` texts of 40-120 words drawn (Zipf-like) from a fixed vocabulary."""
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, size=int(rng.integers(4, 11)))) for _ in range(8000)])
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    lengths = rng.integers(40, 121, size=n)
    words = vocab[rng.choice(len(vocab), size=int(lengths.sum()), p=weights / weights.sum())]
    ends = np.cumsum(lengths)
    texts = [" ".join(words[e - n_w : e]) for e, n_w in zip(ends.tolist(), lengths.tolist(), strict=True)]
    return vectors, texts


PERTURBATION = 0.75
"""Noise norm relative to a unit vector: a copy keeps cosine ~ 1/sqrt(1 + 0.75^2) = 0.8 to its source."""


def perturbed_copies(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors, each a real vector of ``base`` plus isotropic noise of norm ~``PERTURBATION``."""
    src = rng.integers(0, len(base), size=n)
    noise = rng.standard_normal((n, base.shape[1]), dtype=np.float32) * (PERTURBATION / np.sqrt(base.shape[1]))
    out = base[src].astype(np.float32) + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _rrf(rankings: Sequence[Sequence[int]], rrf_k: int, k: int) -> list[int]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (rrf_k + rank + 1)
    return sorted(fused, key=lambda d: (-fused[d], d))[:k]


def scale_point(
    n: int,
    index_settings: IndexSettings,
    retrieval: RetrievalSettings,
    *,
    n_queries: int = N_SCALE_QUERIES,
    seed: int = SEED,
    sweep: bool = True,
    base_vectors: np.ndarray | None = None,
    query_vectors: np.ndarray | None = None,
) -> dict[str, Any]:
    """Build FAISS (the project's settings: HNSW above ``flat_max_chunks``) and BM25 over ``n`` synthetic chunks.

    Query = one vector search (``dense_k``) + one BM25 search (``bm25_k``) + RRF of the two. Query vectors are
    ``query_vectors`` (real questions) when given, else perturbed copies of stored vectors; query words come
    from the chunk a query was drawn from. recall@10 compares the index's top 10 with exact inner-product
    search. With ``base_vectors`` the stored vectors are perturbed copies of them (see module docstring).
    """
    import faiss

    from cd38_guide.index.lexical import LexicalIndex, tokenize
    from cd38_guide.index.vectors import build_vector_index, index_kind, set_ef_search
    from cd38_guide.index.vectors import search as vector_search

    rng = np.random.default_rng(seed)
    vectors, texts = synthetic_chunks(n, rng)
    if base_vectors is not None and len(base_vectors):
        vectors = perturbed_copies(np.asarray(base_vectors, dtype=np.float32), n, rng)
    ids = np.arange(n, dtype=np.int64)
    rss_before = current_rss_mb()
    t0 = time.perf_counter()
    vindex = build_vector_index(vectors, ids, index_settings)
    lexical = LexicalIndex.build(texts)
    build_s = time.perf_counter() - t0
    rss_after = current_rss_mb()

    m = min(n_queries, n)
    src = rng.choice(n, size=m, replace=False)
    noise = rng.standard_normal((m, vectors.shape[1]), dtype=np.float32) * (0.75 / np.sqrt(vectors.shape[1]))
    queries = vectors[src] + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    if query_vectors is not None and len(query_vectors):
        real = np.asarray(query_vectors, dtype=np.float32)
        queries = np.ascontiguousarray(real[np.arange(m) % len(real)])
    q_texts = [" ".join(rng.choice(texts[i].split(), size=6)) for i in src.tolist()]

    def query_times() -> tuple[list[float], list[float]]:
        """(whole query, vector search alone) in ms, per query."""
        total, vector = [], []
        for q, text in zip(queries, q_texts, strict=True):
            t = time.perf_counter()
            _, dense_ids = vector_search(vindex, q, retrieval.dense_k)
            vector.append((time.perf_counter() - t) * 1000)
            bm25_docs, _ = lexical.search(tokenize(text), retrieval.bm25_k)
            _rrf([dense_ids.tolist(), bm25_docs.tolist()], retrieval.rrf_k, retrieval.top_k)
            total.append((time.perf_counter() - t) * 1000)
        return total, vector

    times, vtimes = query_times()

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    del exact

    def recall_at_10(index) -> float:
        _, got = index.search(queries, 10)
        return float(np.mean([len(set(a.tolist()) & set(b.tolist())) / 10 for a, b in zip(got, truth, strict=True)]))

    kind = index_kind(vindex)
    point: dict[str, Any] = {
        "chunks": n,
        "index_kind": kind,
        "vectors": "perturbed copies of real embeddings" if base_vectors is not None else "random unit vectors",
        "queries": "real gold questions" if query_vectors is not None else "perturbed copies of stored vectors",
        "build_s": round(build_s, 3),
        "query_p50_ms": round(float(np.percentile(times, 50)), 3),
        "query_p95_ms": round(float(np.percentile(times, 95)), 3),
        "vector_p50_ms": round(float(np.percentile(vtimes, 50)), 3),
        "recall_at_10": round(recall_at_10(vindex), 4),
        "rss_mb": rss_after,
        "index_rss_mb": round(rss_after - rss_before, 1),
    }
    if kind == "hnsw" and sweep:
        # efSearch is a query-time knob: measure what other values would give without rebuilding.
        rows = []
        for ef in sorted({index_settings.hnsw_ef_search, *EF_SWEEP}):
            set_ef_search(vindex, ef)
            total, vector = query_times()
            rows.append(
                {
                    "ef_search": ef,
                    "recall_at_10": round(recall_at_10(vindex), 4),
                    "query_p50_ms": round(float(np.median(total)), 3),
                    "vector_p50_ms": round(float(np.median(vector)), 3),
                }
            )
        set_ef_search(vindex, index_settings.hnsw_ef_search)
        point["hnsw"] = {"m": index_settings.hnsw_m, "ef_construction": index_settings.hnsw_ef_construction}
        point["ef_search_sweep"] = rows
        meets = [r for r in rows if r["recall_at_10"] >= 0.95 and r["vector_p50_ms"] <= 10]
        point["ef_search_meeting_targets"] = meets[0]["ef_search"] if meets else None
    return point  # the index, vectors and texts are freed here, before the next scale is built
